import { runCli } from './run.js';

/**
 * The process around the CLI, for every way it is started (the npm bin, the single executable):
 * a reader that goes away (`mcs-doctor sim list | head`) is no error. Output to it is dropped
 * and the command carries on: a fix in progress must not stop halfway through a step.
 */
export async function main(argv: string[]): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  process.exitCode = await runCli(argv);
}
