/** Stages 1 and 2: the BareMetalHost registered and inspected, then provisioned with its user-data. */
import type { CauseDraft, HostContext, StageOutcome, StageVerdict } from './types.js';

const REGISTRATION_ERRORS = new Set([
  'registration error',
  'inspection error',
  'power management error',
  'detach error',
]);
const EARLY_STATES = new Set([
  '',
  'registering',
  'inspecting',
  'match profile',
  'preparing',
  'unmanaged',
  'powering off before delete',
]);
const PROVISIONED = new Set(['provisioned', 'externally provisioned']);

export interface BmhOutcome extends StageOutcome {
  /** boot: the host has booted its pointer; predict: it will; stop: it is not being provisioned. */
  next: 'boot' | 'predict' | 'stop';
}

export function judgeBmh(ctx: HostContext): BmhOutcome {
  const { host, bmhEvidence } = ctx;
  const verdicts: StageVerdict[] = [];
  const causes: CauseDraft[] = [];
  const set = (id: StageVerdict['id'], status: StageVerdict['status'], detail: string): void =>
    void verdicts.push({ id, status, detail, evidence: bmhEvidence });
  const stuck = (stage: CauseDraft['stage'], summary: string): void =>
    void causes.push({
      id: 'bmh-stuck',
      confidence: 'confirmed',
      summary,
      stage,
      decisive: bmhEvidence.find((e) => e.text.startsWith('errorType')) ?? bmhEvidence[0]!,
      evidence: bmhEvidence,
    });

  if (host.errorType && (REGISTRATION_ERRORS.has(host.errorType) || EARLY_STATES.has(host.state))) {
    set('bmh-registered', 'fail', `${host.errorType}: ${host.errorMessage ?? ''}`.trim());
    stuck('bmh-registered', `${host.name} is stuck in ${host.state || 'registration'}: ${host.errorType}`);
    return { verdicts, causes, next: 'stop' };
  }
  if (host.state === 'unmanaged') {
    set('bmh-registered', 'fail', 'unmanaged: the BMH has no usable BMC address or credentials');
    stuck('bmh-registered', `${host.name} is unmanaged (no BMC details)`);
    return { verdicts, causes, next: 'stop' };
  }
  if (EARLY_STATES.has(host.state)) {
    set('bmh-registered', 'in-progress', host.state || 'no state yet');
    return { verdicts, causes, next: 'predict' };
  }
  set('bmh-registered', 'pass', `state ${host.state}`);
  if (PROVISIONED.has(host.state)) {
    set(
      'bmh-provisioned',
      'pass',
      `${host.state}${host.userDataRef ? ` with user-data ${host.userDataRef.name}` : ''}`,
    );
    return { verdicts, causes, next: 'boot' };
  }
  if (host.errorType) {
    set('bmh-provisioned', 'fail', `${host.errorType}: ${host.errorMessage ?? ''}`);
    stuck('bmh-provisioned', `${host.name} failed in ${host.state}: ${host.errorType}`);
    return { verdicts, causes, next: 'stop' };
  }
  if (host.state === 'provisioning' || host.consumer || host.imageUrl) {
    set(
      'bmh-provisioned',
      'in-progress',
      host.state === 'provisioning' ? 'provisioning' : `${host.state}, waiting to be provisioned`,
    );
    return { verdicts, causes, next: 'predict' };
  }
  set('bmh-provisioned', 'not-reached', `${host.state}: no Machine claims this host`);
  return { verdicts, causes, next: 'stop' };
}
