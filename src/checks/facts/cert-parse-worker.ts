/**
 * A worker thread of cert-parse-pool.ts: parses the PEM values it is sent and answers with
 * their public facts. No network, no file: text in, plain data out.
 */
import { parentPort } from 'node:worker_threads';
import { readPemValue, type PemJob, type PemValue } from './cert-pem.js';

export interface ParseRequest {
  id: number;
  jobs: PemJob[];
  all: boolean;
}

export interface ParseResponse {
  id: number;
  values: PemValue[];
}

parentPort?.on('message', (req: ParseRequest) => {
  const values = req.jobs.map((j) => readPemValue(j.text, j.where, req.all));
  parentPort!.postMessage({ id: req.id, values } satisfies ParseResponse);
});
