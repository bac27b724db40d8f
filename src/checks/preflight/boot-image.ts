/**
 * The Ignition a new host boots with is its boot image's, not the cluster's: it decides which
 * pointer specs are accepted, the Accept header (the newest stable spec it knows) and, from 2.16
 * (built with Go >= 1.20), the `tls: failed to verify certificate: ` before x509 errors.
 *
 * Where the cluster records the boot image: configmap openshift-machine-config-operator/
 * coreos-bootimages, key `stream` (CoreOS stream metadata: `"stream": "rhcos-4.16"` and each
 * architecture's `artifacts.metal.release`, the RHCOS build). The stream's OpenShift minor gives
 * the Ignition its RHCOS ships. Without the configmap (before 4.10, or unreadable), or for a
 * stream not in the table, --ignition-version says it, else probe's default (2.14.0).
 */
import { DEFAULT_WORKER_IGNITION, parseIgnitionVersion } from '../../ignition/compat.js';
import type { KubeObject } from '../../sources/types.js';
import { configMapValue, findObject } from '../facts/secret-data.js';
import { MCO_NAMESPACE } from '../snapshot.js';
import type { BootImageIgnition } from './types.js';

export const BOOT_IMAGES_CONFIGMAP = 'coreos-bootimages';

/**
 * Ignition in the RHCOS boot image of each OpenShift minor (the `ignition` package of the
 * stream's metal build), only where a source says it:
 * - 4.11 `ignition-2.14.0-3.rhaos4.11.el8` (advisory RHSA-2022:5068, 4.11.0);
 * - 4.12 `ignition-2.14.0-5.rhaos4.12.el8` (RHSA-2022:7398);
 * - 4.13 `ignition-2.15.0-1.el9` from RHEL 9.2 AppStream, which openshift/os release-4.13's
 *   manifest-rhel-9.2.yaml enables beside the 4.13 repo (openshift/os#1187, #1188);
 * - 4.14 `ignition-2.16.2-1.1.rhaos4.14.el9` (RHSA-2023:5009);
 * - 4.15 `ignition-2.16.2-2.rhaos4.15.el9` (RHSA-2023:7201; ocp-build-data pins the same);
 * - 4.16 `ignition-2.18.0-2.1.rhaos4.16.el9` (RHSA-2024:0045);
 * - 4.17 and 4.18 the 4.16 build: "The 4.17 and 4.18 build of Ignition encounters a FIPS panic
 *   so we are using the 4.16 build" (openshift/os release-4.17 and release-4.18
 *   kola-denylist.yaml, OCPBUGS-42688); ocp-build-data's 4.18 pin is
 *   `ignition-2.18.0-6.rhaos4.16.el9`.
 * 4.10 (2.12.0 or 2.13.0) and 4.19 (Ignition from RHEL 9.6 AppStream) are not known for sure.
 * A cluster keeps the boot image it was installed with on bare metal unless the stream is
 * updated, which is why the configmap, not ClusterVersion, is read.
 */
export const RHCOS_IGNITION: Readonly<Record<string, string>> = {
  '4.11': '2.14.0',
  '4.12': '2.14.0',
  '4.13': '2.15.0',
  '4.14': '2.16.2',
  '4.15': '2.16.2',
  '4.16': '2.18.0',
  '4.17': '2.18.0',
  '4.18': '2.18.0',
};

const minorNumber = (minor: string): [number, number] => {
  const [major, n] = minor.split('.').map(Number);
  return [major ?? 0, n ?? 0];
};

/** The newest minor in the table: a newer stream boots at least its Ignition. */
function newestKnown(): [string, string] {
  const minors = Object.keys(RHCOS_IGNITION).sort((a, b) => minorNumber(a)[1] - minorNumber(b)[1]);
  const minor = minors[minors.length - 1]!;
  return [minor, RHCOS_IGNITION[minor]!];
}

function newerThanTable(minor: string | undefined): boolean {
  if (!minor) return false;
  const [major, n] = minorNumber(minor);
  const [newestMajor, newestN] = minorNumber(newestKnown()[0]);
  return major > newestMajor || (major === newestMajor && n > newestN);
}

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** The stream name and the x86_64 metal release of a coreos-bootimages configmap. */
export function readBootImagesStream(cm: KubeObject): { stream?: string; release?: string } {
  const text = configMapValue(cm, 'stream');
  if (!text) return {};
  try {
    const json = o(JSON.parse(text));
    const stream = typeof json['stream'] === 'string' ? json['stream'] : undefined;
    const arches = o(json['architectures']);
    const arch = o(arches['x86_64'] ?? Object.values(arches)[0]);
    const release = o(o(arch['artifacts'])['metal'])['release'];
    return { stream, release: typeof release === 'string' ? release : undefined };
  } catch {
    return {};
  }
}

/** `rhcos-4.16` -> `4.16`; else the release's `416.` prefix (RHCOS builds before the 9.x scheme). */
function openshiftMinorOf(stream: string | undefined, release: string | undefined): string | undefined {
  const fromStream = /(\d+)\.(\d+)$/.exec(stream ?? '');
  if (fromStream) return `${fromStream[1]}.${fromStream[2]}`;
  const fromRelease = /^4(\d\d)\.\d+\./.exec(release ?? '');
  return fromRelease ? `4.${Number(fromRelease[1])}` : undefined;
}

/**
 * The boot image's Ignition: `--ignition-version` when given (the person knows the image their
 * hosts boot), else what the cluster records, else probe's default.
 */
export function bootImageIgnition(
  mcoConfigMaps: readonly KubeObject[],
  flag: string | undefined,
): BootImageIgnition {
  const cm = findObject(mcoConfigMaps, MCO_NAMESPACE, BOOT_IMAGES_CONFIGMAP);
  const { stream, release } = cm ? readBootImagesStream(cm) : {};
  const minor = openshiftMinorOf(stream, release);
  const recorded = minor ? RHCOS_IGNITION[minor] : undefined;
  const where = `configmap ${MCO_NAMESPACE}/${BOOT_IMAGES_CONFIGMAP}`;
  const seen = stream || release ? `${where} records ${[stream, release].filter(Boolean).join(' ')}` : '';
  if (flag) {
    const version = parseIgnitionVersion(flag) ?? flag;
    return {
      ignitionVersion: version,
      from: 'flag',
      stream,
      release,
      detail: `given with --ignition-version${recorded && recorded !== version ? `; ${seen}, whose Ignition is ${recorded}` : ''}`,
    };
  }
  if (recorded) {
    return {
      ignitionVersion: recorded,
      from: 'cluster',
      stream,
      release,
      detail: `${seen}: RHCOS ${minor} boots Ignition ${recorded}`,
    };
  }
  if (newerThanTable(minor)) {
    // Ignition only moves forward between RHCOS streams: the newest known is the nearest guess.
    const [newestMinor, newest] = newestKnown();
    return {
      ignitionVersion: newest,
      from: 'default',
      stream,
      release,
      detail: `${seen}, newer than any stream whose Ignition mcs-doctor knows; assumed at least RHCOS ${newestMinor}'s Ignition ${newest}: give --ignition-version (rpm -q ignition on the boot image)`,
    };
  }
  return {
    ignitionVersion: DEFAULT_WORKER_IGNITION,
    from: 'default',
    stream,
    release,
    detail: `${
      cm
        ? seen
          ? `${seen}, a stream whose Ignition mcs-doctor does not know`
          : `${where} names no stream`
        : `no ${where} (it exists from 4.10)`
    }; assumed Ignition ${DEFAULT_WORKER_IGNITION}: give --ignition-version (rpm -q ignition on the boot image)`,
  };
}
