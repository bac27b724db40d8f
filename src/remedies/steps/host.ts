/**
 * Steps on one BareMetalHost: re-provisioning it (so its config drive is written again from the
 * user-data secret as it is now), setting its BMC clock over Redfish, and power-cycling it
 * through the Metal3 reboot annotation.
 */
import { bmcRequestOf, bmcTargetOf } from '../../checks/facts/index.js';
import type { HostFacts } from '../../checks/facts/hosts.js';
import { itemsOf } from '../../checks/snapshot.js';
import type { Facts } from '../../checks/facts/index.js';
import { bmcClockCommands } from '../../metal3/bmc-commands.js';
import { readBmcClock, setBmcClock } from '../../probes/redfish.js';
import { RESOURCES } from '../../sources/resources.js';
import type { KubeObject } from '../../sources/types.js';
import { reprovisionByHand } from '../by-hand.js';
import { StepFailed, type FixStep, type StepContext } from '../types.js';
import { bmhKey, waitFor } from '../util.js';

const REBOOT_ANNOTATION = 'reboot.metal3.io';
/** A BMC clock this close to ours is right. */
const CLOCK_TOLERANCE_MS = 60_000;
const BMC_TIMEOUT_MS = 10_000;

interface BmhView {
  state: string;
  /** What Metal3 deploys: `image` and/or `customDeploy` (OpenShift IPI uses customDeploy install_coreos). */
  deploy?: { image?: unknown; customDeploy?: unknown };
  provisionStart?: string;
  poweredOn?: boolean;
  annotations: Record<string, string>;
}

function view(bmh: KubeObject | undefined): BmhView | undefined {
  if (!bmh) return undefined;
  const spec = (bmh['spec'] ?? {}) as { image?: { url?: string }; customDeploy?: { method?: string } };
  const status = (bmh['status'] ?? {}) as {
    provisioning?: { state?: string };
    operationHistory?: { provision?: { start?: string } };
    poweredOn?: boolean;
  };
  return {
    state: status.provisioning?.state ?? '',
    deploy:
      spec.image?.url || spec.customDeploy?.method
        ? {
            ...(spec.image?.url ? { image: spec.image } : {}),
            ...(spec.customDeploy?.method ? { customDeploy: spec.customDeploy } : {}),
          }
        : undefined,
    provisionStart: status.operationHistory?.provision?.start || undefined,
    poweredOn: status.poweredOn,
    annotations: bmh.metadata.annotations ?? {},
  };
}

/** The fields of the BareMetalHost's spec that say what Metal3 deploys, as the plan found them. */
function deployFields(bmh: KubeObject): string[] {
  const deploy = view(bmh)?.deploy;
  return deploy ? Object.keys(deploy) : [];
}

const PROVISIONED = new Set(['provisioning', 'provisioned']);
const FREE = new Set(['available', 'ready']);

/**
 * Re-provisioning without deleting anything: the image is taken off the BareMetalHost (Metal3
 * deprovisions and cleans it; its Machine keeps the host) and, once it is available, put back
 * as it was, so Metal3 provisions it again and writes a new config drive from the user-data
 * secret. The image comes from the backup, so a run interrupted in between puts back the original.
 */
export function reprovisionStep(host: HostFacts, fixStartedAt: () => string): FixStep {
  const key = bmhKey(host.namespace, host.name);
  const reprovisioned = async (ctx: StepContext) => {
    const v = view(await ctx.api.get(key));
    // operationHistory has whole seconds: a start in the same second as the fix counts.
    return v &&
      v.deploy &&
      PROVISIONED.has(v.state) &&
      v.provisionStart &&
      Date.parse(v.provisionStart) >= Date.parse(fixStartedAt()) - 1000
      ? `${host.name} is ${v.state} again (provisioning started ${v.provisionStart})`
      : undefined;
  };
  return {
    id: `reprovision:${host.name}`,
    title: `Re-provision BareMetalHost ${host.name} so its config drive carries the fixed pointer (a power cycle keeps the old one)`,
    kind: 'change',
    touches: [
      `baremetalhost ${host.namespace}/${host.name} (spec.image/customDeploy removed, then restored)`,
    ],
    manual: reprovisionByHand(host.namespace, host.name, deployFields(host.bmh)),
    access: [
      { verb: 'get', ref: RESOURCES.bareMetalHosts, namespace: host.namespace },
      { verb: 'patch', ref: RESOURCES.bareMetalHosts, namespace: host.namespace },
    ],
    isDone: reprovisioned,
    async apply(ctx) {
      const before = await ctx.backupObject(key);
      const entry = ctx.backup.manifest.objects.find(
        (o) => o.ref.plural === key.ref.plural && o.name === host.name && o.namespace === host.namespace,
      );
      const original = entry ? await ctx.backup.readObject(entry) : before;
      const deploy = view(original)?.deploy;
      if (!deploy) {
        throw new StepFailed(
          `the backup of ${host.name} has neither spec.image nor spec.customDeploy to provision again`,
          'set spec.image or spec.customDeploy on the BareMetalHost by hand',
        );
      }
      const now = view(await ctx.api.get(key));
      if (!now) throw new StepFailed(`BareMetalHost ${host.namespace}/${host.name} does not exist`);
      if (now.deploy) {
        await ctx.api.mergePatch(key, { spec: { image: null, customDeploy: null } });
        ctx.log(`${host.name}: image removed, Metal3 deprovisions the host`);
      }
      await waitFor(ctx, `${host.name} to be deprovisioned (available)`, async () => {
        const v = view(await ctx.api.get(key));
        return v && FREE.has(v.state) ? v.state : undefined;
      });
      await ctx.api.mergePatch(key, { spec: deploy });
      ctx.log(`${host.name}: image restored, Metal3 provisions the host again`);
      return `${host.name} deprovisioned and provisioning again`;
    },
    async verify(ctx) {
      return waitFor(ctx, `${host.name} to start provisioning again`, () => reprovisioned(ctx));
    },
  };
}

/** Power-cycles through Metal3 (the suffix-less annotation: BMO powers off, removes it, powers on). */
export function powerCycleStep(host: HostFacts): FixStep {
  const key = bmhKey(host.namespace, host.name);
  return {
    id: `power-cycle:${host.name}`,
    title: `Power-cycle ${host.name} so Ignition fetches again`,
    kind: 'change',
    touches: [`baremetalhost ${host.namespace}/${host.name} (annotation ${REBOOT_ANNOTATION})`],
    manual: [`oc -n ${host.namespace} annotate bmh ${host.name} '${REBOOT_ANNOTATION}={"mode":"hard"}'`],
    access: [
      { verb: 'get', ref: RESOURCES.bareMetalHosts, namespace: host.namespace },
      { verb: 'patch', ref: RESOURCES.bareMetalHosts, namespace: host.namespace },
    ],
    async isDone() {
      // A past power cycle leaves no trace; the manifest says whether this fix did it.
      return undefined;
    },
    async apply(ctx) {
      await ctx.backupObject(key);
      await ctx.api.mergePatch(key, {
        metadata: { annotations: { [REBOOT_ANNOTATION]: '{"mode":"hard"}' } },
      });
      return `annotated ${host.name} with ${REBOOT_ANNOTATION}`;
    },
    async verify(ctx) {
      return waitFor(ctx, `Metal3 to power-cycle ${host.name}`, async () => {
        const v = view(await ctx.api.get(key));
        return v && !(REBOOT_ANNOTATION in v.annotations) && v.poweredOn
          ? `${host.name} was powered off and on again`
          : undefined;
      });
    },
  };
}

export function bmcClockStep(host: HostFacts, facts: Facts): FixStep {
  const request = () =>
    bmcRequestOf(host, itemsOf(facts.snapshot.secrets), facts.cluster.version, BMC_TIMEOUT_MS);
  const read = async () => {
    const r = request();
    if (!('access' in r)) throw new StepFailed(r.message, manualHint(host, facts));
    const clock = await readBmcClock(r);
    if (!clock.ok)
      throw new StepFailed(
        `cannot read the BMC clock of ${host.name}: ${clock.message}`,
        manualHint(host, facts),
      );
    return { request: r, clock };
  };
  return {
    id: `bmc-clock:${host.name}`,
    title: `Set the BMC clock of ${host.name} to UTC now (Redfish PATCH DateTime on its Manager)`,
    kind: 'change',
    touches: [`BMC clock of ${host.name} (${host.bmcAddress ?? 'no address'})`],
    manual: bmcClockCommands(bmcTargetOf(host, facts)),
    access: [{ verb: 'get', ref: RESOURCES.secrets, namespace: host.namespace }],
    async isDone() {
      const { clock } = await read();
      return Math.abs(clock.offsetMs) <= CLOCK_TOLERANCE_MS
        ? `the BMC clock of ${host.name} is right (${clock.dateTime})`
        : undefined;
    },
    async apply(ctx) {
      const { request: r, clock } = await read();
      await ctx.backup.saveClock({
        host: host.name,
        namespace: host.namespace,
        manager: clock.manager,
        offsetMs: clock.offsetMs,
        step: ctx.stepId,
      });
      const set = await setBmcClock(r, clock.manager, new Date());
      if (!set.ok) {
        throw new StepFailed(
          `the BMC of ${host.name} refused the new clock: ${set.message}`,
          manualHint(host, facts),
        );
      }
      return `the BMC of ${host.name} was ${clock.dateTime}; set to UTC now`;
    },
    async verify() {
      const { clock } = await read();
      if (Math.abs(clock.offsetMs) > CLOCK_TOLERANCE_MS) {
        throw new StepFailed(
          `the BMC clock of ${host.name} still reads ${clock.dateTime}`,
          manualHint(host, facts),
        );
      }
      return `the BMC clock of ${host.name} reads ${clock.dateTime}`;
    },
  };
}

function manualHint(host: HostFacts, facts: Facts): string {
  return `set the clock by hand, then rerun this fix: ${bmcClockCommands(bmcTargetOf(host, facts)).join('; ')} (or in the firmware setup, F2/Del at boot, to UTC now)`;
}
