/** What differs between the OpenShift versions a scenario can run: release, kubelet, OS. */
import type { OpenShiftVersion } from '../seed.js';

export interface ReleaseInfo {
  /** Full release, as ClusterVersion and ClusterOperators report it. */
  full: string;
  channel: string;
  kubeletVersion: string;
  osImage: string;
  containerRuntimeVersion: string;
  kernelVersion: string;
  /** Release image digest (sha256 hex). */
  releaseDigest: string;
}

export const RELEASES: Record<OpenShiftVersion, ReleaseInfo> = {
  '4.12': {
    full: '4.12.66',
    channel: 'stable-4.12',
    kubeletVersion: 'v1.25.16+306a47e',
    osImage: 'Red Hat Enterprise Linux CoreOS 412.86.202409101507-0 (Ootpa)',
    containerRuntimeVersion: 'cri-o://1.25.5-13.1.rhaos4.12.git76343da.el8',
    kernelVersion: '4.18.0-372.118.1.el8_6.x86_64',
    releaseDigest: 'f7b4b8e0a0b3c5b2b5d1b6a0e6f1d3c8a9e2b7c4d5f6a1b2c3d4e5f6a7b8c9d0',
  },
  '4.16': {
    full: '4.16.40',
    channel: 'stable-4.16',
    kubeletVersion: 'v1.29.14+9df43a6',
    osImage: 'Red Hat Enterprise Linux CoreOS 416.94.202504151456-0',
    containerRuntimeVersion: 'cri-o://1.29.13-6.rhaos4.16.gitc9a2b3e.el9',
    kernelVersion: '5.14.0-427.65.1.el9_4.x86_64',
    releaseDigest: '3a1c9e5d7b2f4a6c8e0d2b4f6a8c0e2d4f6b8a0c2e4d6f8b0a2c4e6d8f0b2a4c',
  },
  '4.19': {
    full: '4.19.10',
    channel: 'stable-4.19',
    kubeletVersion: 'v1.32.7',
    osImage: 'Red Hat Enterprise Linux CoreOS 9.6.20250811-0 (Plow)',
    containerRuntimeVersion: 'cri-o://1.32.7-3.rhaos4.19.git3d4a5b6.el9',
    kernelVersion: '5.14.0-570.35.1.el9_6.x86_64',
    releaseDigest: '9c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c0e',
  },
};

export function releaseImage(version: OpenShiftVersion): string {
  return `quay.io/openshift-release-dev/ocp-release@sha256:${RELEASES[version].releaseDigest}`;
}
