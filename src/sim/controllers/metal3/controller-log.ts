/** controller-runtime's JSON log lines (zap production encoder), as `oc logs` shows for BMO and MAO. */
import type { LineLog } from '../../linelog.js';

export function logJson(
  log: LineLog | undefined,
  level: 'info' | 'error',
  logger: string,
  msg: string,
  fields: Record<string, unknown> = {},
  now = new Date(),
): void {
  if (!log) return;
  const line = { level, ts: now.getTime() / 1000, logger, msg, ...fields };
  log.append(JSON.stringify(line), now);
}
