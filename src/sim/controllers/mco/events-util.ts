/** Events as the kubelet's recorder writes them: a repeat of the same event bumps count and lastTimestamp. */
import { recordEvent, type EventInput } from '../../events.js';
import type { ObjectStore } from '../../kube/store.js';
import { isoSeconds } from '../../kube/store.js';

export function recordRepeatedEvent(store: ObjectStore, input: EventInput, now = new Date()): void {
  const t = store.type('events', '');
  const ns = input.involved.metadata.namespace ?? 'default';
  const uid = input.involved.metadata.uid;
  const same = store.list(t, {
    namespace: ns,
    filter: (e) => {
      const inv = e.involvedObject as { uid?: string; name?: string } | undefined;
      return (
        inv?.uid === uid &&
        inv?.name === input.involved.metadata.name &&
        e.reason === input.reason &&
        e.message === input.message &&
        e.type === input.type
      );
    },
  }).items[0];
  if (!same) {
    recordEvent(store, input, now);
    return;
  }
  store.mutate(t, ns, same.metadata.name, (e) => {
    e.count = Number(e.count ?? 1) + 1;
    e.lastTimestamp = isoSeconds(now);
  });
}
