/**
 * How the worker hosts of a seed are spread over states. Index 0 is always the scenario's
 * problem host. With many hosts the rest is a realistic mix: most provisioned and joined, a
 * few spare `available` hosts with no consumer, a few being provisioned, and one or two whose
 * BMC refuses the password in their secret.
 */
export type WorkerRole = 'problem' | 'joined' | 'provisioning' | 'available' | 'registration-error';

export interface WorkerLayout {
  roles: WorkerRole[];
  /** Joined workers that joined recently enough that their CSRs still exist (the CSR cleaner deletes issued ones after 1 h). */
  recentlyJoined: Set<number>;
}

export function layoutWorkers(hosts: number): WorkerLayout {
  const spares = hosts >= 10 ? Math.max(1, Math.floor(hosts * 0.03)) : 0;
  const registrationErrors = hosts >= 50 ? 2 : hosts >= 10 ? 1 : 0;
  const provisioning = hosts >= 20 ? Math.floor(hosts * 0.01) : 0;
  const roles: WorkerRole[] = [];
  const firstSpare = hosts - spares;
  const firstError = firstSpare - registrationErrors;
  const firstProvisioning = firstError - provisioning;
  for (let i = 0; i < hosts; i++) {
    if (i === 0) roles.push('problem');
    else if (i >= firstSpare) roles.push('available');
    else if (i >= firstError) roles.push('registration-error');
    else if (i >= firstProvisioning) roles.push('provisioning');
    else roles.push('joined');
  }
  const joined = roles.flatMap((r, i) => (r === 'joined' ? [i] : []));
  return { roles, recentlyJoined: new Set(joined.slice(-2)) };
}
