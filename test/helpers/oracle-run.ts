/**
 * Runs one oracle case end to end: start the MCS endpoint with the case's chain, write the
 * pointer, run real Ignition and (optionally) `mcs-doctor probe` on the same pointer and server.
 * Everything started here is stopped here, whatever happens.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMcsEndpoint, type McsEndpoint } from '../../src/sim/mcs/index.js';
import { runCli, type CliResult } from './cli.js';
import { runIgnitionFetch, type IgnitionRun } from './ignition.js';
import type { OracleCase } from './oracle-cases.js';
import type { OraclePki } from './oracle-pki.js';
import { pointerConfigJson } from './pointer.js';

/** Ignition's total fetch budget in the pointer: small, so failing cases end in seconds. */
export const HTTP_TOTAL_SECONDS = 3;
const LOOPBACK = '127.0.0.1';

export interface OracleOutcome {
  url: string;
  pointerJson: string;
  ignition: IgnitionRun;
  probe?: CliResult;
  /** The MCS's own log lines for the case (what `oc logs` of the pod would show). */
  mcsLog: string[];
}

/** A port nothing listens on: bind a free one, then release it. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

export async function runOracleCase(
  oracleCase: OracleCase,
  pki: OraclePki,
  options: { probe: boolean },
): Promise<OracleOutcome> {
  const setup = await oracleCase.setup(pki);
  let endpoint: McsEndpoint | undefined;
  const dir = await mkdtemp(join(tmpdir(), 'mcs-doctor-oracle-'));
  try {
    let port: number;
    if (setup.server) {
      endpoint = await startMcsEndpoint({
        host: setup.bindHost ?? LOOPBACK,
        tls: {
          certChainPem: setup.server.chain.map((c) => c.certPem).join(''),
          keyPem: setup.server.key.keyPem,
        },
        faults: setup.server.faults,
      });
      port = endpoint.port;
    } else {
      port = await unusedPort();
    }
    const url = `https://${setup.urlHost}:${port}/config/worker`;
    const pointerJson = pointerConfigJson({
      url,
      caPems: setup.pointerCas.map((c) => c.certPem),
      caEncoding: setup.caEncoding,
      spec: setup.spec,
      specVersion: setup.specVersion,
      httpTotal: HTTP_TOTAL_SECONDS,
    });
    const pointerFile = join(dir, 'pointer.ign');
    await writeFile(pointerFile, pointerJson);
    const [ignition, probe] = await Promise.all([
      runIgnitionFetch(pointerJson, 30_000),
      options.probe
        ? runCli(
            [
              'probe',
              '--pointer',
              pointerFile,
              // The worker here is Debian's Ignition 2.14.0: tell probe which Ignition it models.
              '--ignition-version',
              '2.14.0',
              '--timeout',
              String(HTTP_TOTAL_SECONDS),
              '-o',
              'json',
            ],
            {
              killAfterMs: 30_000,
            },
          )
        : Promise.resolve(undefined),
    ]);
    return { url, pointerJson, ignition, probe, mcsLog: endpoint?.logLines() ?? [] };
  } finally {
    await endpoint?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
