/**
 * `oc get csr|bmh|nodes` output pasted along with a console (the usual shape of a support
 * question): each table row is read against the join pipeline's later stages. Only short
 * pasted text is read this way (explain's every-line mode); `mcs-doctor diagnose` judges the
 * same objects live or from a must-gather, with their ages and events.
 *  - CSRs: a node-bootstrapper or `system:node:` request still `Pending` → csr-pending;
 *  - BareMetalHosts: a host still `registering`, `inspecting`, `match profile` or `preparing`,
 *    or one whose ERROR column is set, before provisioning → bmh-stuck;
 *  - Nodes: `NotReady` → node-not-ready.
 */
import type { CauseId } from '../core/causes.js';
import type { Classified, Signature } from './log-signatures.js';

const table = (id: string, title: string, cause: CauseId, note: string): Signature => ({
  id,
  title,
  cause,
  note,
  side: 'cluster',
});

const CSR_PENDING = table(
  'csr-pending-row',
  'oc get csr: a node CSR is Pending',
  'csr-pending',
  'The host fetched its config and its kubelet asked to join; nobody approved. mcs-doctor diagnose (or verify --approve-csrs) says why the machine-approver did not.',
);
const BMH_BEFORE_PROVISIONING = table(
  'bmh-not-provisioned-row',
  'oc get bmh: a host has not reached provisioning',
  'bmh-stuck',
  'The host never booted the image that fetches Ignition: its BMC, inspection or hardware is the problem, not the MCS. mcs-doctor diagnose reads its status and events.',
);
const NODE_NOT_READY = table(
  'node-not-ready-row',
  'oc get nodes: a node is NotReady',
  'node-not-ready',
  'The node joined but its kubelet is not Ready (network plugin, kubelet or container runtime).',
);

type Kind = 'csr' | 'bmh' | 'nodes';

const BMH_WAITING =
  /\s(registering|inspecting|match profile|preparing|inspect(?:ion)? failed|registration error|inspection error|provisioning error)\s/i;

/** Reads table rows; remembers which table the last header started. */
export class PastedTables {
  private kind?: Kind;
  /** `-A` tables start with NAMESPACE. */
  private namespaced = false;

  classify(line: string): Classified | undefined {
    const text = line.replace(/^[>\s+]+/, '');
    if (/^(?:NAMESPACE\s+)?NAME\s/.test(text)) {
      this.namespaced = text.startsWith('NAMESPACE');
      this.kind = /\bREQUESTOR\b/.test(text)
        ? 'csr'
        : /\bBMC\b/.test(text)
          ? 'bmh'
          : /\bROLES\b/.test(text) && /\bVERSION\b/.test(text)
            ? 'nodes'
            : undefined;
      return undefined;
    }
    if (!this.kind || text.trim() === '' || text.startsWith('```')) {
      if (text.trim() === '' || text.startsWith('```')) this.kind = undefined;
      return undefined;
    }
    switch (this.kind) {
      case 'csr': {
        const m =
          /^(csr-\S+)\s.*\s(system:serviceaccount:openshift-machine-config-operator:node-bootstrapper|system:node:\S+)\s.*\bPending\s*$/.exec(
            text,
          );
        return m
          ? {
              kind: 'failure',
              signature: CSR_PENDING,
              evidence: { csr: m[1] as string, requestor: m[2] as string },
            }
          : undefined;
      }
      case 'bmh': {
        const name = (this.namespaced ? /^\S+\s+(\S+)/ : /^(\S+)/).exec(text)?.[1];
        const waiting = BMH_WAITING.exec(` ${text} `);
        const error = /(?:timeout|error|failed)\s*$/i.exec(text);
        if (!waiting && !error) return undefined;
        return {
          kind: 'failure',
          signature: BMH_BEFORE_PROVISIONING,
          evidence: {
            host: name ?? '?',
            ...(waiting ? { state: waiting[1] as string } : {}),
            ...(error
              ? {
                  error: text
                    .trim()
                    .split(/\s{2,}/)
                    .pop() as string,
                }
              : {}),
          },
        };
      }
      case 'nodes': {
        const m = /^(\S+)\s+NotReady\b/.exec(text);
        return m
          ? { kind: 'failure', signature: NODE_NOT_READY, evidence: { node: m[1] as string } }
          : undefined;
      }
    }
  }
}
