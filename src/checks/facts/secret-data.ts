/** Reading values out of Secrets and ConfigMaps, knowing that a must-gather redacts secret values. */
import { isRedactedByMustGather } from '../../ignition/input.js';
import type { KubeObject } from '../../sources/types.js';

export type SecretValue =
  | { kind: 'value'; bytes: Buffer; text: string }
  /** must-gather replaced it with its length: `1755 bytes long`. */
  | { kind: 'redacted'; note: string }
  | { kind: 'missing' };

export function secretValue(secret: KubeObject, key: string): SecretValue {
  const data = (secret as { data?: Record<string, unknown> }).data;
  const stringData = (secret as { stringData?: Record<string, unknown> }).stringData;
  const raw = data?.[key];
  if (typeof raw === 'string') {
    const bytes = Buffer.from(raw, 'base64');
    const text = bytes.toString('utf8');
    if (isRedactedByMustGather(text)) return { kind: 'redacted', note: text.trim() };
    return { kind: 'value', bytes, text };
  }
  const plain = stringData?.[key];
  if (typeof plain === 'string') return { kind: 'value', bytes: Buffer.from(plain), text: plain };
  return { kind: 'missing' };
}

export function configMapValue(cm: KubeObject, key: string): string | undefined {
  const v = (cm as { data?: Record<string, unknown> }).data?.[key];
  return typeof v === 'string' ? v : undefined;
}

export function objectName(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

export function findObject(
  items: readonly KubeObject[],
  namespace: string | undefined,
  name: string,
): KubeObject | undefined {
  return items.find(
    (o) => o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
  );
}
