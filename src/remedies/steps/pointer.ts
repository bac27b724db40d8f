/**
 * A spec-2 pointer (`config.append`) rewritten as spec 3 (`config.merge`) with the same URL,
 * headers and CAs, as the MCO boot-image controller upgrades stubs on newer versions.
 */
import { MAPI_NAMESPACE } from '../../core/names.js';
import { RESOURCES } from '../../sources/resources.js';
import type { KubeObject } from '../../sources/types.js';
import { pointerSpec3ByHand } from '../by-hand.js';
import { StepFailed, type FixStep } from '../types.js';
import { b64, secretKey, secretText } from '../util.js';

type Json = Record<string, unknown>;
export const POINTER_SPEC3_VERSION = '3.2.0';

function specOf(text: string | undefined): string | undefined {
  try {
    return ((JSON.parse(text ?? '') as Json)['ignition'] as Json | undefined)?.['version'] as
      string | undefined;
  } catch {
    return undefined;
  }
}

export function toSpec3(config: Json): Json {
  const ignition = (config['ignition'] ?? {}) as Json;
  const cfg = (ignition['config'] ?? {}) as Json;
  const append = (cfg['append'] ?? []) as Array<Json>;
  const replace = cfg['replace'] as Json | undefined;
  const security = (ignition['security'] ?? {}) as Json;
  const cas = ((security['tls'] as Json | undefined)?.['certificateAuthorities'] ?? []) as Array<Json>;
  const keep = (r: Json) => ({
    source: r['source'],
    ...(r['verification'] ? { verification: r['verification'] } : {}),
  });
  return {
    ignition: {
      version: POINTER_SPEC3_VERSION,
      config: {
        ...(append.length ? { merge: append.map(keep) } : {}),
        ...(replace ? { replace: keep(replace) } : {}),
      },
      security: { tls: { certificateAuthorities: cas.map(keep) } },
      ...(ignition['timeouts'] ? { timeouts: ignition['timeouts'] } : {}),
    },
  };
}

export function pointerSpec3Step(name: string): FixStep {
  const key = secretKey(MAPI_NAMESPACE, name);
  const isSpec3 = (s: KubeObject | undefined) => (specOf(secretText(s, 'userData')) ?? '').startsWith('3.');
  return {
    id: `pointer-spec3:${name}`,
    title: `Rewrite the spec-2 pointer in secret ${MAPI_NAMESPACE}/${name} as spec ${POINTER_SPEC3_VERSION} (same URL and CAs)`,
    kind: 'change',
    touches: [`secret ${MAPI_NAMESPACE}/${name}`],
    manual: pointerSpec3ByHand(name),
    access: [
      { verb: 'get', ref: RESOURCES.secrets, namespace: MAPI_NAMESPACE },
      { verb: 'update', ref: RESOURCES.secrets, namespace: MAPI_NAMESPACE },
    ],
    async isDone(ctx) {
      return isSpec3(await ctx.api.get(key)) ? `${name} is already spec 3` : undefined;
    },
    async apply(ctx) {
      const secret = await ctx.backupObject(key);
      if (!secret) throw new StepFailed(`secret ${MAPI_NAMESPACE}/${name} does not exist`);
      let config: Json;
      try {
        config = JSON.parse(secretText(secret, 'userData') ?? '') as Json;
      } catch {
        throw new StepFailed(`${name} userData is not Ignition JSON`);
      }
      const data = {
        ...((secret['data'] as Record<string, string>) ?? {}),
        userData: b64(JSON.stringify(toSpec3(config))),
      };
      await ctx.api.replace(RESOURCES.secrets, { ...secret, data } as KubeObject);
      return `${name} is now spec ${POINTER_SPEC3_VERSION}`;
    },
    async verify(ctx) {
      if (!isSpec3(await ctx.api.get(key))) throw new StepFailed(`${name} is still not spec 3`);
      return `${name} is spec ${POINTER_SPEC3_VERSION}`;
    },
  };
}
