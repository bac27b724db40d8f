/**
 * The one read-only view of a cluster that every check uses, whether it is live (a kubeconfig)
 * or offline (a must-gather). A read that cannot be done is a value, never an exception: checks
 * turn it into an `unknown` with the reason, so a partial source gives a partial report.
 */
import type { KubeObject } from '../core/kube.js';

export type { KubeObject };

/** A resource type as the API and a must-gather name it. */
export interface ResourceRef {
  /** '' for the core group (a must-gather calls it `core`). */
  readonly group: string;
  readonly version: string;
  /** Lower-case plural: the URL segment and the must-gather file name. */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** Why a read gave nothing. */
export type UnavailableReason =
  /** RBAC refused it (live); `permission` says what to grant. */
  | 'forbidden'
  /** The object does not exist (a get), or the resource type is not served (a list). */
  | 'not-found'
  /** A must-gather does not contain it. */
  | 'not-collected'
  /** The API failed (5xx, timeout, a bad body) or a file could not be read or parsed. */
  | 'error';

export interface Unavailable {
  readonly ok: false;
  readonly reason: UnavailableReason;
  /** What went wrong, for a person: the API's message, the file and the parse error. */
  readonly message: string;
  /** For `forbidden`: the rule to grant, as `verb resource.group [in namespace NS]`. */
  readonly permission?: string;
}

export type Read<T> = { readonly ok: true; readonly value: T } | Unavailable;

export interface PodLogOptions {
  /** The previous container instance's log (`kubectl logs --previous`, must-gather `previous.log`). */
  readonly previous?: boolean;
  /** Each line prefixed with the time it was written (`kubectl logs --timestamps`); live only. */
  readonly timestamps?: boolean;
}

export interface SourceStats {
  /** API requests made (live) or files opened (must-gather). */
  readonly requests: number;
}

export interface ClusterSource {
  readonly kind: 'live' | 'must-gather';
  /** Where the data comes from, for the report: the API URL and context, or the must-gather root. */
  readonly location: string;
  /**
   * Every object of a type, in one namespace or (no namespace, or a cluster-scoped type) all of
   * them. Live: one list call. Must-gather: the list file and the per-object files.
   */
  list(ref: ResourceRef, namespace?: string): Promise<Read<KubeObject[]>>;
  /** A container's log text. */
  podLog(namespace: string, pod: string, container: string, options?: PodLogOptions): Promise<Read<string>>;
  /** Whether secret values were redacted by the collector (a must-gather), so keys and user-data cannot be read. */
  readonly redactsSecrets: boolean;
  /** The time the data was collected: now (live), or the must-gather `timestamp`. */
  readonly collectedAt: Date;
  stats(): SourceStats;
  close(): Promise<void>;
}
