/**
 * Lists read page by page, as kubectl does with `--chunk-size` (500 by default): live, each
 * page is one `limit`/`continue` request and the next page is asked for while the caller works
 * on the current one, so only two pages are ever held; a must-gather has its lists on disk, so
 * its one "page" is the whole list, filtered by the same field selector client-side.
 */
import type { ListPage, ListPageOptions } from './live.js';
import type { ClusterSource, KubeObject, Read, ResourceRef } from './types.js';

/** kubectl's default --chunk-size. */
export const DEFAULT_CHUNK_SIZE = 500;

/** A source that can read a list one page at a time (the live source). */
export interface PagedSource extends ClusterSource {
  listPage<T>(ref: ResourceRef, options: ListPageOptions<T>): Promise<Read<ListPage<T>>>;
}

export function isPagedSource(source: ClusterSource): source is PagedSource {
  return typeof (source as Partial<PagedSource>).listPage === 'function';
}

export interface ChunkOptions<T = KubeObject> {
  namespace?: string;
  /** `field=value` terms joined by commas; only `=`/`==` terms on `type`, `metadata.name` and `metadata.namespace` are applied client-side. */
  fieldSelector?: string;
  /** Items per page; 0: one request for the whole list. */
  chunkSize?: number;
  /**
   * What is made of each item as it is read, and held in its place: live, while the page
   * arrives, so a page of secrets is never held as secrets.
   */
  keep?: (item: KubeObject) => T;
}

/** A field selector applied to an object, for a source that cannot apply it (a must-gather). */
export function matchesFieldSelector(obj: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  for (const term of selector.split(',')) {
    const m = /^\s*([\w.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) continue;
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const actual =
      field === 'type'
        ? obj['type']
        : field === 'metadata.name'
          ? obj.metadata.name
          : field === 'metadata.namespace'
            ? obj.metadata.namespace
            : undefined;
    if (actual === undefined && field !== 'type') continue;
    const equal = (actual ?? '') === value;
    if (op === '!=' ? equal : !equal) return false;
  }
  return true;
}

/**
 * Every page of a list, in order. A page that cannot be read is yielded as the failure and ends
 * the list (the pages before it stay valid, as with kubectl). `counter.pages` counts the pages read.
 */
export function listChunks(
  source: ClusterSource,
  ref: ResourceRef,
  options?: ChunkOptions,
  counter?: { pages: number },
): AsyncGenerator<Read<KubeObject[]>>;
export function listChunks<T>(
  source: ClusterSource,
  ref: ResourceRef,
  options: ChunkOptions<T> & { keep: (item: KubeObject) => T },
  counter?: { pages: number },
): AsyncGenerator<Read<T[]>>;
export async function* listChunks<T>(
  source: ClusterSource,
  ref: ResourceRef,
  options: ChunkOptions<T> = {},
  counter: { pages: number } = { pages: 0 },
): AsyncGenerator<Read<T[]>> {
  const keep = options.keep ?? ((item: KubeObject) => item as T);
  if (!isPagedSource(source)) {
    const all = await source.list(ref, options.namespace);
    counter.pages++;
    yield all.ok
      ? {
          ok: true,
          value: all.value.filter((o) => matchesFieldSelector(o, options.fieldSelector)).map(keep),
        }
      : all;
    return;
  }
  const base: ListPageOptions<T> = {
    namespace: options.namespace,
    fieldSelector: options.fieldSelector,
    limit: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    keep,
  };
  // The next page is asked for as soon as the current one's metadata names it, while the
  // current one's items still arrive and are read: the server prepares one page while the
  // other is parsed. Never more than the page being read and the next are in flight.
  let current: PageRequest<T> | undefined;
  const request = (token: string | undefined): PageRequest<T> => {
    const r: PageRequest<T> = { page: undefined as unknown as Promise<Read<ListPage<T>>> };
    r.page = source.listPage(ref, {
      ...base,
      ...(token ? { continue: token } : {}),
      onContinue: (next) => {
        r.announced ??= next;
        if (r === current) startNext(r, r.announced);
      },
    });
    return r;
  };
  const startNext = (r: PageRequest<T>, token: string): void => {
    if (r.next && r.nextToken === token) return;
    r.next?.page.catch(() => undefined);
    r.next = request(token);
    r.nextToken = token;
  };
  current = request(undefined);
  try {
    while (current) {
      const r: PageRequest<T> = current;
      const page = await r.page;
      counter.pages++;
      if (!page.ok) {
        yield page;
        return;
      }
      const token = page.value.continue;
      // The metadata came after the items (or named another page on a retry): ask now.
      if (token) startNext(r, token);
      const next = token ? r.next : undefined;
      if (next?.announced) startNext(next, next.announced);
      current = next;
      yield { ok: true, value: page.value.items };
    }
  } finally {
    // A caller that stops early leaves the pages asked for unread: never an unhandled rejection.
    current?.page.catch(() => undefined);
    current?.next?.page.catch(() => undefined);
  }
}

/** A page asked for, and the one after it once its token is known. */
interface PageRequest<T> {
  page: Promise<Read<ListPage<T>>>;
  /** The next page's token, from the metadata, before the items arrived. */
  announced?: string;
  next?: PageRequest<T>;
  nextToken?: string;
}
