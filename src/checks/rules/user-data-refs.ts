import type { Finding } from '../../core/report.js';
import { machineUserDataRef, providerKind, type MachineUserDataRef } from '../facts/machine-user-data.js';
import { findObject } from '../facts/secret-data.js';
import { itemsOf, MACHINE_API_NAMESPACE, MCO_NAMESPACE } from '../snapshot.js';
import { finding, type Check } from '../types.js';

export const userDataReferences: Check = {
  meta: {
    id: 'user-data-references',
    title: 'Which user-data secret each MachineSet, Machine and BareMetalHost uses',
    docs: 'A host boots with the user-data its BMH names; a MachineSet or Machine that points at an old or unmanaged secret hands out an old pointer. MachineSets name it in providerSpec.value.userData on bare metal and providerSpec.value.userDataSecret on AWS, Azure, GCP, vSphere, OpenStack, Nutanix and the others.',
    needs: [
      'machinesets and machines.machine.openshift.io in openshift-machine-api',
      'baremetalhosts.metal3.io',
      'secrets in openshift-machine-api',
    ],
  },
  run(facts) {
    const out: Finding[] = [];
    const secretsRead = facts.snapshot.secrets;
    const secrets = itemsOf(secretsRead);
    // Whether the secret exists: undefined when this run could not see that namespace's secrets.
    const exists = (ref: { namespace: string; name: string }): boolean | undefined => {
      if (!secretsRead.ok) return undefined;
      if (
        facts.snapshot.secretsScope === 'namespaces' &&
        ref.namespace !== MACHINE_API_NAMESPACE &&
        ref.namespace !== MCO_NAMESPACE
      )
        return undefined;
      return findObject(secrets, ref.namespace, ref.name) !== undefined;
    };
    const describe = (ref: MachineUserDataRef): string => {
      const found = exists(ref);
      return `${ref.namespace}/${ref.name} (providerSpec.value.${ref.field})${found === false ? ' (does not exist)' : ''}`;
    };

    const machineSets = facts.snapshot.machineSets;
    if (!machineSets.ok && machineSets.reason === 'forbidden')
      out.push(finding('unknown', `MachineSets could not be read: ${machineSets.message}`));
    for (const ms of itemsOf(machineSets)) {
      const ref = machineUserDataRef(ms);
      const platform = providerKind(ms);
      const what = `MachineSet ${ms.metadata.name}${platform ? ` (${platform})` : ''}`;
      if (!ref) {
        out.push(
          finding(
            'warn',
            `${what} names no user-data secret (neither providerSpec.value.userData nor userDataSecret): its machines get no pointer config`,
          ),
        );
        continue;
      }
      out.push(
        finding(exists(ref) === false ? 'fail' : 'pass', `${what} uses ${describe(ref)}`, {
          evidence: [
            {
              text: `providerSpec.value.${ref.field}.name: ${ref.name}`,
              source: `MachineSet ${ms.metadata.namespace ?? MACHINE_API_NAMESPACE}/${ms.metadata.name}`,
            },
          ],
        }),
      );
    }

    for (const h of facts.selected) {
      const machineRef = h.machine ? machineUserDataRef(h.machine) : undefined;
      if (h.machine && machineRef && h.userDataRef && machineRef.name !== h.userDataRef.name) {
        out.push(
          finding(
            'warn',
            `Machine ${h.machine.metadata.name} names ${machineRef.name}, but its BareMetalHost ${h.name} was given ${h.userDataRef.name}`,
            { host: h.name },
          ),
        );
      }
      if (!h.userDataRef) {
        out.push(
          finding(h.consumer ? 'warn' : 'skip', `BareMetalHost ${h.name} names no user-data secret`, {
            host: h.name,
          }),
        );
        continue;
      }
      const found = exists(h.userDataRef);
      const managed = h.userDataRef.name.endsWith('-managed');
      out.push(
        finding(
          found === false ? 'fail' : managed ? 'pass' : 'warn',
          `BareMetalHost ${h.name} uses ${h.userDataRef.namespace}/${h.userDataRef.name}${found === false ? ' (does not exist)' : ''}${managed ? '' : ' (not managed by the MCO: a CA update does not reach it)'}${h.machine ? `, Machine ${h.machine.metadata.name}` : ''}${h.machineSetName ? ` of MachineSet ${h.machineSetName}` : ''}`,
          { host: h.name },
        ),
      );
    }
    if (out.length === 0)
      out.push(
        finding(
          'skip',
          machineSets.ok
            ? 'no MachineSet and no diagnosed BareMetalHost names a user-data secret'
            : `no diagnosed BareMetalHost names a user-data secret; MachineSets: ${machineSets.message}`,
        ),
      );
    return out;
  },
};
