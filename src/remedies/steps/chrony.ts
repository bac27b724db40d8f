/**
 * A chrony MachineConfig for the worker pool with the user's own NTP servers (there is no
 * default: a public server may be unreachable or forbidden). It keeps joined nodes on time; it
 * cannot help a host that has not joined, which never runs its MachineConfigs.
 */
import { StepFailed, type FixStep } from '../types.js';
import { MACHINE_CONFIGS } from '../util.js';

export const CHRONY_MACHINE_CONFIG = '99-worker-mcs-doctor-chrony';

export function chronyConf(servers: string[]): string {
  return [
    ...servers.map((s) => `server ${s} iburst`),
    'driftfile /var/lib/chrony/drift',
    'makestep 1.0 3',
    'rtcsync',
    'logdir /var/log/chrony',
    '',
  ].join('\n');
}

export function chronyStep(servers: string[]): FixStep {
  const key = { ref: MACHINE_CONFIGS, name: CHRONY_MACHINE_CONFIG };
  const conf = chronyConf(servers);
  const source = `data:text/plain;charset=utf-8;base64,${Buffer.from(conf).toString('base64')}`;
  const matches = (mc: Record<string, unknown> | undefined) =>
    JSON.stringify(mc?.['spec'] ?? {}).includes(Buffer.from(conf).toString('base64'));
  return {
    id: 'chrony-machineconfig',
    title: `Create MachineConfig ${CHRONY_MACHINE_CONFIG} (chrony with ${servers.join(', ')}) for the worker pool`,
    kind: 'change',
    touches: [`machineconfig ${CHRONY_MACHINE_CONFIG} (the worker pool rolls out: nodes reboot one by one)`],
    manual: [
      `oc apply -f 99-worker-chrony.yaml   # /etc/chrony.conf with: ${servers.map((s) => `server ${s} iburst`).join('; ')}`,
    ],
    access: [
      { verb: 'get', ref: MACHINE_CONFIGS },
      { verb: 'create', ref: MACHINE_CONFIGS },
      { verb: 'update', ref: MACHINE_CONFIGS },
    ],
    async isDone(ctx) {
      return matches(await ctx.api.get(key))
        ? `${CHRONY_MACHINE_CONFIG} already has these servers`
        : undefined;
    },
    async apply(ctx) {
      const current = await ctx.backupObject(key);
      const spec = {
        config: {
          ignition: { version: '3.2.0' },
          storage: {
            files: [{ path: '/etc/chrony.conf', mode: 420, overwrite: true, contents: { source } }],
          },
        },
      };
      if (current) await ctx.api.replace(MACHINE_CONFIGS, { ...current, spec });
      else {
        await ctx.api.create(MACHINE_CONFIGS, {
          apiVersion: 'machineconfiguration.openshift.io/v1',
          kind: 'MachineConfig',
          metadata: {
            name: CHRONY_MACHINE_CONFIG,
            labels: { 'machineconfiguration.openshift.io/role': 'worker' },
          },
          spec,
        });
      }
      return `${CHRONY_MACHINE_CONFIG} written`;
    },
    async verify(ctx) {
      if (!matches(await ctx.api.get(key)))
        throw new StepFailed(`${CHRONY_MACHINE_CONFIG} does not hold the servers`);
      return `${CHRONY_MACHINE_CONFIG} holds ${servers.join(', ')}`;
    },
  };
}
