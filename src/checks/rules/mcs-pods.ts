import { finding, unreadable, type Check } from '../types.js';

export const mcsPods: Check = {
  meta: {
    id: 'mcs-pods',
    title: 'Machine Config Server daemonset and pods',
    docs: 'The MCS runs as daemonset machine-config-server on the masters (hostNetwork, port 22623). A pod that is not Ready or restarts serves nothing.',
    needs: [
      'daemonsets.apps in openshift-machine-config-operator',
      'pods in openshift-machine-config-operator',
    ],
  },
  run(facts) {
    const { mcs, snapshot } = facts;
    const out = [];
    if (!snapshot.daemonSets.ok)
      out.push(unreadable('DaemonSets in openshift-machine-config-operator', snapshot.daemonSets));
    else if (!mcs.daemonSet)
      out.push(
        finding('fail', 'daemonset machine-config-server does not exist', { cause: 'mcs-not-running' }),
      );
    else {
      const st =
        (mcs.daemonSet as { status?: { desiredNumberScheduled?: number; numberReady?: number } }).status ??
        {};
      out.push(
        finding(
          st.numberReady && st.numberReady === st.desiredNumberScheduled ? 'pass' : 'fail',
          `daemonset machine-config-server: ${st.numberReady ?? 0}/${st.desiredNumberScheduled ?? 0} Ready`,
          { cause: st.numberReady ? undefined : 'mcs-not-running' },
        ),
      );
    }
    if (!snapshot.mcoPods.ok)
      out.push(unreadable('Pods in openshift-machine-config-operator', snapshot.mcoPods));
    for (const p of mcs.pods) {
      const why = p.waitingReason
        ? ` (${p.waitingReason}${p.waitingMessage ? `: ${p.waitingMessage}` : ''})`
        : '';
      const last = p.lastTerminationMessage
        ? `; last exit: ${p.lastTerminationMessage.trim().split('\n').pop()}`
        : '';
      out.push(
        finding(
          p.ready ? (p.restarts > 0 ? 'warn' : 'pass') : 'fail',
          `pod ${p.name} on ${p.node ?? '?'}: ${p.ready ? 'Ready' : 'not Ready'}${why}, ${p.restarts} restart(s)${last}`,
          {
            cause: p.ready ? undefined : 'mcs-not-running',
          },
        ),
      );
    }
    return out;
  },
};
