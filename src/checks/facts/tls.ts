/**
 * The worker's TLS verdict for one host: the chain the MCS serves (from the endpoint probed here,
 * else the serving secret), verified as Go does against the pointer's CAs, for the URL host, now
 * and at the host's clock. When the pointer's CAs are unknown (a must-gather redacts user-data),
 * the cluster's own CA sources stand in, and the report says so.
 */
import { verifyChain } from '../../pki/verify.js';
import type { CertInfo, VerifyResult } from '../../pki/types.js';
import { urlHost as hostOfUrl } from '../../probes/url.js';
import type { HostFacts } from './hosts.js';
import {
  pointerAnchors,
  pointerUrl,
  type EndpointProbe,
  type Facts,
  type HostClock,
  type PointerChoice,
} from './index.js';

export interface TlsAssessment {
  pointer: PointerChoice;
  url?: string;
  urlHost?: string;
  chainSource: 'endpoint' | 'secret' | 'none';
  chain: CertInfo[];
  /** The anchors verified against, and where they came from. */
  anchors: CertInfo[];
  anchorsFrom: 'pointer' | 'cluster-cas' | 'none';
  now?: VerifyResult;
  atHostClock?: VerifyResult;
  clock: HostClock;
  probe?: EndpointProbe;
}

/**
 * Assessments already made, per facts and host: diagnoseHost and the callers that report on the
 * same host (the exporter's metrics, the rules) ask for the same verdict; facts do not change
 * once built, so it is computed once. Held only as long as the facts are.
 */
const assessed = new WeakMap<Facts, WeakMap<HostFacts, TlsAssessment>>();

export function assessTls(facts: Facts, host: HostFacts): TlsAssessment {
  let byHost = assessed.get(facts);
  if (!byHost) assessed.set(facts, (byHost = new WeakMap()));
  let tls = byHost.get(host);
  if (!tls) byHost.set(host, (tls = assessPointer(facts, facts.pointerFor(host), facts.clockOf(host))));
  return tls;
}

/**
 * The same verdict for a pointer whoever boots with it: a user-data secret the next host of a
 * MachineSet will get (the exporter judges each), at `clock` when one is known.
 */
export function assessPointer(facts: Facts, pointer: PointerChoice, clock: HostClock): TlsAssessment {
  const probe = facts.probeFor(pointer.pointer);
  const url =
    (pointer.pointer && pointerUrl(pointer.pointer)) ??
    (facts.cluster.apiServerInternalURI
      ? facts.cluster.apiServerInternalURI.replace(/:\d+$/, ':22623') + '/config/worker'
      : undefined);
  const urlHost = hostOfUrl(url);
  let chain: CertInfo[] = [];
  let chainSource: TlsAssessment['chainSource'] = 'none';
  if (probe?.ok && probe.result.chain.length > 0) {
    chain = probe.result.chain;
    chainSource = 'endpoint';
  } else if (facts.servingCert.chain.length > 0) {
    chain = facts.servingCert.chain;
    chainSource = 'secret';
  }
  let anchors: CertInfo[] = [];
  let anchorsFrom: TlsAssessment['anchorsFrom'] = 'none';
  if (pointer.pointer) {
    anchors = pointerAnchors(pointer.pointer);
    anchorsFrom = 'pointer';
  } else {
    anchors = facts.caSources.flatMap((s) => s.certs);
    if (anchors.length > 0) anchorsFrom = 'cluster-cas';
  }
  const out: TlsAssessment = {
    pointer,
    url,
    urlHost,
    chainSource,
    chain,
    anchors,
    anchorsFrom,
    clock,
    probe,
  };
  if (chain.length === 0 || !urlHost) return out;
  const verify = (at: Date): VerifyResult => verifyChain({ chain, roots: anchors, host: urlHost, at });
  out.now = verify(facts.now);
  if (clock.at) out.atHostClock = verify(clock.at);
  return out;
}
