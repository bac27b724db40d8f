/** The scenario registry: `sim start --scenario NAME [--hosts N] [--version V]`. */
import { UserError } from '../../core/errors.js';
import { MAX_SIM_HOSTS, type SimNetwork } from '../network.js';
import { OPENSHIFT_VERSIONS, type ClusterSeed, type OpenShiftVersion } from '../seed.js';
import { LATENT_SCENARIOS, SCENARIO_LIST, type ScenarioDef } from './catalog.js';

export type { LatentStory, ScenarioDef, ScenarioDef as ScenarioDefinition } from './catalog.js';

/** One scenario per root cause, then the latent ones (nothing failed yet; see LatentStory). */
const ALL_SCENARIOS: readonly ScenarioDef[] = [...SCENARIO_LIST, ...LATENT_SCENARIOS];
export { PROBLEM_HOST } from './assemble.js';
export { loadScenarioObjects } from './load.js';

export const DEFAULT_SIM_HOSTS = 3;

export const SCENARIOS: ReadonlyMap<string, ScenarioDef> = new Map(ALL_SCENARIOS.map((s) => [s.name, s]));

/** Every scenario, as `sim list` shows them. */
export function listScenarios(): ScenarioDef[] {
  return [...ALL_SCENARIOS];
}

/** The scenario called `name`; a UserError listing the known ones otherwise. */
export function getScenario(name: string): ScenarioDef {
  const scenario = SCENARIOS.get(name);
  if (!scenario) throw unknownScenario(name);
  return scenario;
}

function unknownScenario(name: string): UserError {
  return new UserError(`unknown scenario ${JSON.stringify(name)}`, {
    hint: `known scenarios: ${[...SCENARIOS.keys()].join(', ')}`,
  });
}

export interface BuildScenarioOptions {
  version?: OpenShiftVersion;
  /** Worker BareMetalHosts (default 3). */
  hosts?: number;
  network: SimNetwork;
  now?: Date;
}

/** Checks a scenario request; throws a UserError that says what is accepted. */
export function validateScenarioOptions(
  name: string,
  opts: { version?: string; hosts?: number } = {},
): { scenario: ScenarioDef; version: OpenShiftVersion; hosts: number } {
  const scenario = SCENARIOS.get(name);
  if (!scenario) throw unknownScenario(name);
  const version = opts.version ?? scenario.version;
  if (!(OPENSHIFT_VERSIONS as readonly string[]).includes(version)) {
    throw new UserError(`unsupported OpenShift version ${JSON.stringify(version)}`, {
      hint: `supported versions: ${OPENSHIFT_VERSIONS.join(', ')}`,
    });
  }
  if (!scenario.versions.includes(version as OpenShiftVersion)) {
    throw new UserError(`scenario ${name} does not exist on OpenShift ${version}`, {
      hint: `it runs on ${scenario.versions.join(', ')}`,
    });
  }
  const hosts = opts.hosts ?? DEFAULT_SIM_HOSTS;
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > MAX_SIM_HOSTS) {
    throw new UserError(`--hosts must be a whole number from 1 to ${MAX_SIM_HOSTS}, got ${String(hosts)}`);
  }
  return { scenario, version: version as OpenShiftVersion, hosts };
}

/** The initial state of a simulated cluster for the scenario. */
export async function buildScenario(name: string, opts: BuildScenarioOptions): Promise<ClusterSeed> {
  const { scenario, version, hosts } = validateScenarioOptions(name, opts);
  return scenario.build({ version, hosts, network: opts.network, now: opts.now ?? new Date() });
}
