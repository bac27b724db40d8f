/** Stage 9: the Node registered and Ready, allowing the grace a new node needs for its network plugin. */
import { nodeRegisteredRecently } from '../../checks/facts/hosts.js';
import { outcome, type HostContext, type StageOutcome } from './types.js';

export function judgeNode(ctx: HostContext): StageOutcome {
  const { facts, host, fetched } = ctx;
  if (!host.node) {
    return outcome([
      { id: 'node-ready', status: fetched ? 'in-progress' : 'not-reached', detail: '', evidence: [] },
    ]);
  }
  const name = host.node.metadata.name;
  const decisive = {
    text: `Node ${name} Ready=${host.nodeReady ? 'True' : 'False'}${host.nodeReadyMessage ? `: ${host.nodeReadyMessage}` : ''}`,
    source: `node ${name}`,
  };
  if (host.nodeReady)
    return outcome([
      { id: 'node-ready', status: 'pass', detail: `Node ${name} is Ready`, evidence: [decisive] },
    ]);
  if (nodeRegisteredRecently(host, facts.now)) {
    const seconds = Math.round(
      (facts.now.getTime() - Date.parse(host.node.metadata.creationTimestamp ?? '')) / 1000,
    );
    return outcome([
      {
        id: 'node-ready',
        status: 'in-progress',
        detail: `Node ${name} registered ${seconds} s ago, not Ready yet`,
        evidence: [decisive],
      },
    ]);
  }
  return outcome(
    [{ id: 'node-ready', status: 'fail', detail: `Node ${name} is not Ready`, evidence: [decisive] }],
    [
      {
        id: 'node-not-ready',
        confidence: 'confirmed',
        summary: `${host.name} registered Node ${name}, which is not Ready`,
        stage: 'node-ready',
        decisive,
        evidence: [],
      },
    ],
  );
}
