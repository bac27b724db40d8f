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
 * stream's metal build). A newer cluster keeps the boot image it was installed with on bare
 * metal unless the stream is updated, which is why the configmap, not ClusterVersion, is read.
 */
export const RHCOS_IGNITION: Readonly<Record<string, string>> = {
  '4.10': '2.13.0',
  '4.11': '2.14.0',
  '4.12': '2.14.0',
  '4.13': '2.15.0',
  '4.14': '2.16.2',
  '4.15': '2.17.0',
  '4.16': '2.18.0',
  '4.17': '2.19.0',
  '4.18': '2.20.0',
  '4.19': '2.20.0',
};

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
