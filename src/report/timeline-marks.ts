/**
 * The points marked on a certificate timeline, as every renderer labels them: the reference
 * time is `now` live and `must-gather time` offline (a must-gather is not "now"), and each host
 * clock gets a letter that never collides with the reference time's.
 */
import { referenceTimeLabel } from '../checks/facts/clock.js';
import type { DiagnoseReport } from '../core/report.js';

export interface TimelineMark {
  letter: string;
  label: string;
  at: string;
}

/** Labels the report model may use for the reference time. */
const REFERENCE_LABELS = new Set(['now', 'must-gather time']);

/** Host clocks: A, B, C... without M and N, the letters of the reference time. */
const HOST_LETTERS = 'ABCDEFGHIJKLOPQRSTUVWXYZ';

export function timelineMarks(report: DiagnoseReport): TimelineMark[] {
  const marks = report.certificates[0]?.marks ?? [];
  const offline = report.source.kind === 'must-gather';
  const referenceLetter = offline ? 'M' : 'N';
  let next = 0;
  return marks.map((m, i) => {
    const at = m.at.replace(/\.\d+Z$/, 'Z');
    if (i === 0 && REFERENCE_LABELS.has(m.label))
      return { letter: referenceLetter, label: referenceTimeLabel(report.source.kind), at };
    return { letter: HOST_LETTERS[next++ % HOST_LETTERS.length]!, label: m.label, at };
  });
}
