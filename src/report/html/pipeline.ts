/**
 * The join pipeline of one host drawn as its stages, in order: each a box with its number, a
 * status badge (symbol and word: ✓ pass, ✗ fail, ? unknown, – not reached, … in progress), the
 * stage's title and detail; the first failing stage says so in words. An ordered list, so a
 * screen reader reads it as steps.
 */
import type { Stage, StageId, StageStatus } from '../../core/report.js';
import { badge, type Tone } from './badge.js';
import { markup, type Html } from './escape.js';

export const STAGE_TONE: Record<StageStatus, Tone> = {
  pass: 'pass',
  fail: 'fail',
  unknown: 'unknown',
  'not-reached': 'idle',
  'in-progress': 'idle',
};

export const STAGE_WORD: Record<StageStatus, string> = {
  pass: 'pass',
  fail: 'fail',
  unknown: 'unknown',
  'not-reached': 'not reached',
  'in-progress': 'in progress',
};

export function stageBadge(status: StageStatus): Html {
  return badge(STAGE_TONE[status], STAGE_WORD[status], status === 'in-progress' ? { symbol: '\u2026' } : {});
}

export function pipeline(
  stages: ReadonlyArray<Pick<Stage, 'id' | 'title' | 'status' | 'detail'>>,
  options: { firstFailing?: StageId | null; label: string },
): Html {
  const items = stages.map((s, i) => {
    const first = options.firstFailing === s.id;
    return markup`<li class="stage tone-${STAGE_TONE[s.status]}" data-stage="${s.id}" data-status="${s.status}"${first ? markup` data-first-failing="true"` : ''}>
<span class="step">${i + 1}/${stages.length}</span> ${stageBadge(s.status)}
<span class="stage-title">${s.title}</span>${first ? markup`<span class="first">first failing stage</span>` : ''}${s.detail ? markup`<span class="detail">${s.detail}</span>` : ''}
</li>
`;
  });
  return markup`<ol class="pipeline" aria-label="${options.label}">\n${items}</ol>`;
}
