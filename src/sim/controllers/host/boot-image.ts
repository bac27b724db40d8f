/**
 * What a worker of each OpenShift version boots: the RHCOS boot image's kernel and Ignition,
 * and the kubelet the installed system runs. Ignition versions are those of the RHCOS boot
 * images (4.12: 2.14.0, 4.16: 2.18.0; 4.19: 2.20.0 is our guess for RHEL 9.6's, not a fact);
 * kernels are the RHEL releases RHCOS of that version is built on; kubelet minors follow the
 * Kubernetes release each OpenShift ships.
 */
import { RELEASES } from '../../scenarios/versions.js';
import { maxStableSpec } from '../../../ignition/compat.js';
import { acceptForSpec } from '../../../probes/ignition-client.js';
import type { OpenShiftVersion } from '../../seed.js';

export interface BootImage {
  ignitionVersion: string;
  /** `uname -r` of the boot image. */
  kernel: string;
  /** /etc/os-release PRETTY_NAME of the installed system, as the login banner prints it. */
  osImage: string;
  kubeletVersion: string;
  crioVersion: string;
}

const BOOT_IMAGES: Record<OpenShiftVersion, BootImage> = {
  '4.12': {
    ignitionVersion: '2.14.0',
    kernel: '4.18.0-372.73.1.el8_6.x86_64',
    osImage: 'Red Hat Enterprise Linux CoreOS 412.86.202310111352-0 (Ootpa)',
    kubeletVersion: 'v1.25.14',
    crioVersion: 'cri-o://1.25.4',
  },
  '4.16': {
    ignitionVersion: '2.18.0',
    kernel: '5.14.0-427.22.1.el9_4.x86_64',
    osImage: 'Red Hat Enterprise Linux CoreOS 416.94.202406251923-0',
    kubeletVersion: 'v1.29.6',
    crioVersion: 'cri-o://1.29.6',
  },
  '4.19': {
    ignitionVersion: '2.20.0',
    kernel: '5.14.0-570.19.1.el9_6.x86_64',
    osImage: 'Red Hat Enterprise Linux CoreOS 9.6.20250611-0 (Plow)',
    kubeletVersion: 'v1.32.5',
    crioVersion: 'cri-o://1.32.5',
  },
};

/**
 * The boot image runs Ignition; the machine-config-daemon's firstboot then pivots to the
 * cluster's own OS image before the kubelet starts, so the Node reports the cluster's versions.
 */
export function bootImageFor(version: OpenShiftVersion): BootImage {
  const release = RELEASES[version];
  return {
    ...BOOT_IMAGES[version],
    osImage: release.osImage,
    kubeletVersion: release.kubeletVersion,
    crioVersion: release.containerRuntimeVersion,
  };
}

/**
 * The RHCOS build of the boot image (`416.94.202406251923-0`, `9.6.20250611-0`): what the
 * cluster records as the `metal` artifact's release in configmap coreos-bootimages.
 */
export function bootImageRelease(version: OpenShiftVersion): string {
  return /CoreOS (\S+)/.exec(BOOT_IMAGES[version].osImage)?.[1] ?? '';
}

/** The request headers this Ignition sends: it asks for the newest stable spec it knows. */
export function ignitionRequestHeaders(ignitionVersion: string): { accept: string; userAgent: string } {
  return { accept: acceptForSpec(maxStableSpec(ignitionVersion)), userAgent: `Ignition/${ignitionVersion}` };
}
