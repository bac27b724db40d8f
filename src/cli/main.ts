#!/usr/bin/env node
import { runCli } from './run.js';

// A reader that goes away (`mcs-doctor sim list | head`) is no error. Output to it is dropped
// and the command carries on: a fix in progress must not stop halfway through a step.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
