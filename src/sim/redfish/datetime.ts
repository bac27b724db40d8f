/**
 * Redfish `DateTime` (Edm.DateTimeOffset, ISO 8601 with a required offset) and
 * `DateTimeLocalOffset` (`^([-+][0-1][0-9]:[0-5][0-9])$`), as a Manager shows and accepts them.
 */

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([-+])(\d{2}):(\d{2}))$/;
const LOCAL_OFFSET = /^([-+])([0-1][0-9]):([0-5][0-9])$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Minutes east of UTC for a `DateTimeLocalOffset`, or undefined when it is not one. */
export function parseLocalOffset(offset: string): number | undefined {
  const m = LOCAL_OFFSET.exec(offset);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (minutes > 14 * 60) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

/** The instant a Redfish DateTime names, or undefined when it is not a valid one (offset required). */
export function parseRedfishDateTime(value: string): Date | undefined {
  const m = DATETIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const parsed = parseLocalOffset(`${m[9]}${m[10]}:${m[11]}`);
    if (parsed === undefined) return undefined;
    offsetMinutes = parsed;
  }
  const millis = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0..99 to 1900..1999
  const fixed = new Date(utc);
  fixed.setUTCFullYear(year);
  return new Date(fixed.getTime() - offsetMinutes * 60_000);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `instant` as the BMC shows it: wall time at `offset`, whole seconds, then the offset. */
export function formatRedfishDateTime(instant: Date, offset: string): string {
  const minutes = parseLocalOffset(offset) ?? 0;
  const local = new Date(Math.floor(instant.getTime() / 1000) * 1000 + minutes * 60_000);
  const suffix = parseLocalOffset(offset) === undefined ? '+00:00' : offset;
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${suffix}`
  );
}
