/** What the commands that change a cluster share: the confirmation prompt and the backup folder's time stamp. */
import { createInterface } from 'node:readline/promises';

/** Asks on stderr (stdout stays the report); only "y" or "yes" agrees. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** `20261203T084000Z`: a backup folder's name sorts by time. */
export function backupStamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}
