import { isJoined } from '../facts/index.js';
import { isCertificateRejection } from '../facts/mcs.js';
import type { Finding } from '../../core/report.js';
import { finding, type Check } from '../types.js';

function countBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
}

export const mcsLogs: Check = {
  meta: {
    id: 'mcs-logs',
    title: 'Machine Config Server logs: worker fetches and TLS handshake errors',
    docs: 'Each fetch logs "Pool worker requested by address:... User-Agent:..."; a worker that rejects the certificate shows as "http: TLS handshake error from <worker>: remote error: tls: bad certificate". Together they say which hosts reached the MCS and which refused its certificate. mcs-doctor\'s own fetches (User-Agent "Ignition/<version> mcs-doctor/<version>") are counted apart, never as a worker\'s, and so are hang-ups from the address they come from.',
    needs: ['pods/log in openshift-machine-config-operator'],
  },
  run(facts) {
    const { mcs } = facts;
    const out: Finding[] = mcs.logsUnread.map((m) => finding('unknown', `log not read: ${m}`));
    if (mcs.logsRead === 0)
      return out.length ? out : [finding('unknown', 'no machine-config-server log to read')];
    for (const [ip, list] of countBy(mcs.fetches, (f) => f.ip)) {
      const last = list[list.length - 1]!;
      const agents = [...new Set(list.map((f) => f.userAgent))].join(', ');
      out.push(
        finding(
          'pass',
          `${list.length} fetch(es) of pool ${last.pool} from ${ip} (User-Agent ${agents})${last.time ? `, last ${last.time}` : ''}`,
          {
            evidence: [
              {
                text: `Pool ${last.pool} requested by address:"${ip}" User-Agent:"${last.userAgent}"`,
                source: `log of pod ${last.pod}`,
              },
            ],
          },
        ),
      );
    }
    for (const [ip, list] of countBy(mcs.handshakeErrors, (e) => e.ip)) {
      const last = list[list.length - 1]!;
      const host = facts.hosts.find((h) => h.ips.includes(ip));
      const rejected = isCertificateRejection(last.error);
      // A worker that fetched its config after rejecting the certificate has got past it (a fix).
      const fetchedSince = mcs.fetches.some((f) => f.ip === ip) && (host ? isJoined(host) : false);
      out.push(
        finding(
          fetchedSince ? 'pass' : rejected ? 'fail' : 'warn',
          `${list.length} TLS handshake error(s) from ${ip}${host ? ` (${host.name})` : ''}: ${last.error}${fetchedSince ? '; it has fetched its config and joined since' : ''}`,
          {
            host: host?.name,
            evidence: [
              {
                text: `http: TLS handshake error from ${ip}: ${last.error}`,
                source: `log of pod ${last.pod}`,
              },
            ],
          },
        ),
      );
    }
    const own = mcs.ownFetches ?? [];
    if (own.length > 0) {
      const last = own[own.length - 1]!;
      const ips = [...new Set(own.map((f) => f.ip))].join(', ');
      out.push(
        finding(
          'pass',
          `${own.length} probe(s) by mcs-doctor, not workers (address ${ips}, User-Agent ${[...new Set(own.map((f) => f.userAgent))].join(', ')})${last.time ? `, last ${last.time}` : ''}`,
          {
            evidence: [
              {
                text: `Pool ${last.pool} requested by address:"${last.ip}" User-Agent:"${last.userAgent}"`,
                source: `log of pod ${last.pod}`,
              },
            ],
          },
        ),
      );
    }
    for (const [ip, list] of countBy(mcs.ownHandshakeErrors ?? [], (e) => e.ip)) {
      const last = list[list.length - 1]!;
      out.push(
        finding(
          'pass',
          `${list.length} TLS handshake hang-up(s) by ${ip}, the address mcs-doctor's own probes come from (a client on that machine, not a worker): ${last.error}`,
          {
            evidence: [
              {
                text: `http: TLS handshake error from ${ip}: ${last.error}`,
                source: `log of pod ${last.pod}`,
              },
            ],
          },
        ),
      );
    }
    for (const f of mcs.fatal)
      out.push(
        finding('fail', `fatal: ${f.line}`, { evidence: [{ text: f.line, source: `log of pod ${f.pod}` }] }),
      );
    if (out.length === 0)
      out.push(finding('pass', `${mcs.logsRead} log(s) read: no worker fetch and no handshake error`));
    return out;
  },
};
