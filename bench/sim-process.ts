/** A simulated cluster in a child process of the built CLI, for the benches that measure a command against it. */
import { spawn } from 'node:child_process';

/** Starts `CLI sim start ARGS` and resolves once it prints "Ready."; the returned function stops it (its `pid` is the process's). */
export async function startSimProcess(
  cli: string,
  args: string[],
  readyWithinMs: number,
): Promise<(() => void) & { pid: number }> {
  const child = spawn(process.execPath, [cli, 'sim', 'start', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`sim start did not become ready in ${readyWithinMs / 1000} s`)),
      readyWithinMs,
    );
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ready.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`sim start exited with ${code}`)));
  });
  return Object.assign(() => child.kill('SIGTERM'), { pid: child.pid as number });
}
