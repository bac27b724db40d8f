/** ComputerSystem.Reset: which power changes each DMTF ResetType makes, and its request handling. */
import type { PowerState } from '../context.js';
import { message, RedfishError } from './errors.js';
import type { MockupSystem } from './tree.js';

/** DMTF Resource.ResetType. */
export const RESET_TYPES = [
  'On',
  'ForceOff',
  'GracefulShutdown',
  'GracefulRestart',
  'ForceRestart',
  'Nmi',
  'ForceOn',
  'PushPowerButton',
  'PowerCycle',
  'Suspend',
  'Pause',
  'Resume',
  'FullPowerCycle',
] as const;
export type ResetType = (typeof RESET_TYPES)[number];

function isResetType(value: string): value is ResetType {
  return (RESET_TYPES as readonly string[]).includes(value);
}

/** The power states to pass through, in order (a restart of a running machine is Off then On). */
export function powerSequence(resetType: ResetType, current: PowerState): PowerState[] {
  switch (resetType) {
    case 'On':
    case 'ForceOn':
    case 'Resume':
      return current === 'Off' ? ['On'] : [];
    case 'ForceOff':
    case 'GracefulShutdown':
      return current === 'On' ? ['Off'] : [];
    case 'GracefulRestart':
    case 'ForceRestart':
    case 'PowerCycle':
    case 'FullPowerCycle':
      return current === 'On' ? ['Off', 'On'] : ['On'];
    case 'PushPowerButton':
      return [current === 'On' ? 'Off' : 'On'];
    case 'Nmi':
    case 'Suspend':
    case 'Pause':
      return [];
  }
}

export interface PowerControl {
  power(): PowerState;
  setPower(state: PowerState, reason: string): void;
}

/** Runs a Reset request body against the System; throws RedfishError for a bad ResetType. */
export function resetSystem(
  system: MockupSystem,
  body: Record<string, unknown>,
  control: PowerControl,
): void {
  const action = 'ComputerSystem.Reset';
  if (!('ResetType' in body)) {
    throw new RedfishError(400, message('ActionParameterMissing', [action, 'ResetType']));
  }
  const value = body['ResetType'];
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const allowed = system.resetTypes.length === 0 || system.resetTypes.includes(text);
  if (typeof value !== 'string' || !isResetType(value) || !allowed) {
    throw new RedfishError(400, message('ActionParameterNotSupported', ['ResetType', action]), [
      message('PropertyValueNotInList', [text, 'ResetType']),
    ]);
  }
  for (const state of powerSequence(value, control.power())) {
    control.setPower(state, `Redfish ${action} ResetType=${value}`);
  }
}
