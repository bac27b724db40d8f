import type { Finding } from '../../../core/report.js';
import { formatRFC3339 } from '../../../pki/gotime.js';
import { rotationOf } from '../../facts/cert-rotation.js';
import { findObject } from '../../facts/secret-data.js';
import { SERVING_SECRET, SERVING_SECRET_REF } from '../../facts/serving-cert.js';
import { servingCert } from '../../rules/serving-cert.js';
import { itemsOf, MCO_NAMESPACE } from '../../snapshot.js';
import { finding } from '../../types.js';
import type { PreflightCheck } from '../types.js';

export const preflightServingCert: PreflightCheck = {
  meta: {
    id: 'mcs-serving-cert',
    title: 'MCS serving certificate: dates, SANs, key pair, and who renews it',
    docs: "diagnose's mcs-serving-cert (it parses, its key matches, it is within its validity, it covers the api-int name and every API VIP), judged for hosts still to come: a certificate that ends within --expiry-warning (default 30d) fails unless a rotator renews it first, and the finding says who renews it on this version (nothing before 4.19; the MCO's rotator from 4.19, only with MachineSets).",
    needs: ['secrets in openshift-machine-config-operator', 'clusterversions.config.openshift.io'],
  },
  run(pf) {
    const { facts } = pf;
    const leaf = facts.servingCert.chain[0];
    const secret = findObject(itemsOf(facts.snapshot.secrets), MCO_NAMESPACE, SERVING_SECRET);
    const rotation =
      leaf && secret
        ? rotationOf(secret, leaf, {
            now: facts.now,
            version: facts.cluster.version,
            hasMachineSets: itemsOf(facts.snapshot.machineSets).length > 0,
          })
        : undefined;
    const renewedInTime = rotation?.state === 'rotated';
    const out: Finding[] = servingCert.run(facts).map((f) =>
      // diagnose warns; before adding hosts, an expiry nobody will prevent is a problem.
      f.cause === 'mcs-cert-expiring' && !renewedInTime
        ? {
            ...f,
            status: 'fail',
            message: `${f.message}: expires within --expiry-warning (${facts.options.expiryWarningDays}d)`,
          }
        : f,
    );
    if (leaf && rotation) {
      const expiring =
        leaf.notAfter.getTime() - facts.now.getTime() < facts.options.expiryWarningDays * 86_400_000;
      out.push(
        finding(
          rotation.state === 'rotated'
            ? 'pass'
            : rotation.state === 'unmanaged'
              ? expiring
                ? 'fail'
                : 'pass'
              : 'warn',
          rotation.state === 'rotated'
            ? `renewed by ${rotation.by} by ${formatRFC3339(rotation.refreshBy!)}, before it expires ${formatRFC3339(leaf.notAfter)}`
            : rotation.state === 'unmanaged'
              ? `nothing renews it on this cluster: ${rotation.why}; it expires ${formatRFC3339(leaf.notAfter)}${expiring ? ', and every host that boots after that fails' : ''}`
              : `${rotation.why}`,
          {
            cause: expiring && rotation.state !== 'rotated' ? 'mcs-cert-expiring' : undefined,
            evidence: [
              {
                text: `OpenShift ${facts.cluster.version ?? '(version unknown)'}, ${itemsOf(facts.snapshot.machineSets).length} MachineSet(s)`,
                source: SERVING_SECRET_REF,
              },
            ],
          },
        ),
      );
    }
    return out;
  },
};
