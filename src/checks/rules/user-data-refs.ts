import type { Finding } from '../../diagnosis/model.js';
import { itemsOf } from '../snapshot.js';
import { finding, type Check } from '../types.js';

export const userDataReferences: Check = {
  meta: {
    id: 'user-data-references',
    title: 'Which user-data secret each MachineSet, Machine and BareMetalHost uses',
    docs: 'A host boots with the user-data its BMH names; a MachineSet or Machine that points at an old or unmanaged secret hands out an old pointer.',
    needs: [
      'machinesets and machines.machine.openshift.io in openshift-machine-api',
      'baremetalhosts.metal3.io',
    ],
  },
  run(facts) {
    const out: Finding[] = [];
    const known = (ns: string, name: string) => facts.userData.has(`${ns}/${name}`);
    for (const ms of itemsOf(facts.snapshot.machineSets)) {
      const ref = (
        ms as {
          spec?: { template?: { spec?: { providerSpec?: { value?: { userData?: { name?: string } } } } } };
        }
      ).spec?.template?.spec?.providerSpec?.value?.userData?.name;
      if (ref)
        out.push(
          finding(
            known(ms.metadata.namespace ?? '', ref) || !facts.snapshot.secrets.ok ? 'pass' : 'fail',
            `MachineSet ${ms.metadata.name} uses ${ref}`,
          ),
        );
    }
    for (const h of facts.selected) {
      const machineRef = (
        h.machine as { spec?: { providerSpec?: { value?: { userData?: { name?: string } } } } } | undefined
      )?.spec?.providerSpec?.value?.userData?.name;
      if (h.machine && machineRef && h.userDataRef && machineRef !== h.userDataRef.name) {
        out.push(
          finding(
            'warn',
            `Machine ${h.machine.metadata.name} names ${machineRef}, but its BareMetalHost ${h.name} was given ${h.userDataRef.name}`,
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
      const exists = known(h.userDataRef.namespace, h.userDataRef.name);
      const managed = h.userDataRef.name.endsWith('-managed');
      out.push(
        finding(
          exists || !facts.snapshot.secrets.ok ? (managed ? 'pass' : 'warn') : 'fail',
          `BareMetalHost ${h.name} uses ${h.userDataRef.namespace}/${h.userDataRef.name}${exists ? '' : ' (does not exist)'}${managed ? '' : ' (not managed by the MCO: a CA update does not reach it)'}${h.machine ? `, Machine ${h.machine.metadata.name}` : ''}${h.machineSetName ? ` of MachineSet ${h.machineSetName}` : ''}`,
          { host: h.name },
        ),
      );
    }
    if (out.length === 0)
      out.push(finding('skip', 'no MachineSet and no diagnosed BareMetalHost names a user-data secret'));
    return out;
  },
};
