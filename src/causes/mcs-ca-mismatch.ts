import { CAUSES } from '../core/causes.js';
import { NO_SKIP_VERIFY_NOTE, reprovisionByHand } from './reprovision.js';
import { MCO, UPDATE_CA, type CauseModule } from './types.js';

export const mcsCaMismatch: CauseModule<'mcs-ca-mismatch'> = {
  id: 'mcs-ca-mismatch',
  summary: CAUSES['mcs-ca-mismatch'],
  stage: 'tls-verified',
  decisive: {
    what: "path validation of the served chain against the pointer's CAs (compared by key, never by name)",
    pattern:
      /certificate signed by unknown authority|do not verify|no .*CA verifies|rejects the served chain/,
  },
  fix: (ctx) => {
    const secret = ctx.userDataSecret ?? 'the pointer';
    const entries = ctx.pointerCaEntries ?? 1;
    return {
      manual: [
        entries > 1
          ? `# ${secret} trusts ${entries} CAs: ${UPDATE_CA} refuses it; add the CA that signs the serving certificate to its certificateAuthorities by hand`
          : secret.startsWith('secret ') && !secret.startsWith('secret openshift-machine-api/')
            ? `# ${secret} is outside openshift-machine-api, where oc does not look: put the CA that signs the serving certificate in its userData by hand`
            : UPDATE_CA,
        ...reprovisionByHand(ctx),
      ],
      notes: [
        'Compare CAs by key, not by name: a regenerated CA keeps the subject "root-ca" with a new key.',
        'A provisioned host keeps the pointer it was provisioned with; fixing the secret alone does not fix it.',
        NO_SKIP_VERIFY_NOTE,
      ],
    };
  },
  probeNextSteps: () => [
    `compare by key: oc get configmap -n ${MCO} machine-config-server-ca -o jsonpath='{.data.ca-bundle\\.crt}' (4.19+) or oc get configmap -n kube-system root-ca -o jsonpath='{.data.ca\\.crt}', against the anchors above`,
    `${UPDATE_CA}  (writes the MCS CA into the worker-user-data secrets)`,
    're-provision the host: its config drive still holds the old pointer config',
  ],
  remedy: { plan: true },
};
