/**
 * The `reboot.metal3.io` annotations (BMO baremetalhost_controller.go hasRebootAnnotation):
 * the key alone or with a `/suffix`; the value empty or JSON {"mode":"hard"|"soft","force":bool};
 * soft unless any request says hard. Invalid JSON counts as a soft reboot.
 */
import { ANNOTATION_REBOOT } from './bmh.js';

export function isRebootAnnotation(key: string): boolean {
  return key === ANNOTATION_REBOOT || key.startsWith(`${ANNOTATION_REBOOT}/`);
}

export interface RebootRequest {
  mode: 'soft' | 'hard';
  /** The suffix-less key is present (BMO removes it once the host is off). */
  suffixless: boolean;
  /** Suffixed keys, whose owners keep the host off until they remove them. */
  suffixed: string[];
  invalid: string[];
}

export function rebootRequest(annotations: Record<string, string> | undefined): RebootRequest | undefined {
  let found = false;
  const request: RebootRequest = { mode: 'soft', suffixless: false, suffixed: [], invalid: [] };
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (!isRebootAnnotation(key)) continue;
    found = true;
    if (key === ANNOTATION_REBOOT) request.suffixless = true;
    else request.suffixed.push(key);
    if (value === '') continue;
    try {
      const parsed = JSON.parse(value) as { mode?: unknown };
      if (parsed && typeof parsed === 'object' && parsed.mode === 'hard') request.mode = 'hard';
    } catch {
      request.invalid.push(key);
    }
  }
  return found ? request : undefined;
}
