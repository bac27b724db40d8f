import type { Finding } from '../../../core/report.js';
import { finding } from '../../types.js';
import { isWaiting } from '../gather.js';
import type { PreflightCheck } from '../types.js';

export const apiIntResolved: PreflightCheck = {
  meta: {
    id: 'api-int-domain-name-resolved-correctly',
    assistedServiceId: 'api-int-domain-name-resolved-correctly',
    title: 'The api-int name resolves, to an API VIP, and not to a new host',
    docs: "assisted-service's check from the host side, made from here: api-int.<cluster>.<domain> must resolve (with --resolve, as the workers' DNS answers; else this machine's /etc/hosts and DNS), on platforms with API VIPs to one of them, and never to the address of a host about to boot (it would fetch from itself). This machine's DNS is not the workers': a name it cannot resolve is a warning, not a failure.",
    needs: ['infrastructures.config.openshift.io', 'DNS as this machine (or --resolve) answers it'],
  },
  run(pf) {
    const { apiInt, facts } = pf;
    if (!apiInt.name)
      return [
        finding('unknown', 'Infrastructure has no status.apiServerInternalURI: the api-int name is unknown'),
      ];
    if (apiInt.error || apiInt.addresses.length === 0)
      return [
        finding(
          'warn',
          `${apiInt.name} does not resolve from this machine (${apiInt.error ?? 'no address'}); the workers use their own DNS: give --resolve ${apiInt.name}:<IP> to check what they get`,
        ),
      ];
    const out: Finding[] = [];
    const via = apiInt.source === 'override' ? '--resolve' : apiInt.source === 'hosts' ? '/etc/hosts' : 'DNS';
    const vips = facts.cluster.apiVips;
    const onVip = apiInt.addresses.filter((a) => vips.includes(a));
    out.push(
      finding(
        vips.length === 0 || onVip.length > 0 ? 'pass' : 'fail',
        `${apiInt.name} resolves to ${apiInt.addresses.join(', ')} (${via})${vips.length === 0 ? '' : onVip.length > 0 ? `, the API VIP` : `, which is none of the API VIPs ${vips.join(', ')}`}`,
        { cause: vips.length === 0 || onVip.length > 0 ? undefined : 'mcs-unreachable' },
      ),
    );
    for (const h of facts.hosts.filter(isWaiting)) {
      const own = h.ips.filter((ip) => apiInt.addresses.includes(ip));
      if (own.length)
        out.push(
          finding(
            'fail',
            `${apiInt.name} resolves to ${own.join(', ')}, an address of ${h.name}: it would fetch from itself`,
            {
              host: h.name,
              cause: 'mcs-unreachable',
            },
          ),
        );
    }
    return out;
  },
};
