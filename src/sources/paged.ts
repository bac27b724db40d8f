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
  listPage(ref: ResourceRef, options: ListPageOptions): Promise<Read<ListPage>>;
}

export function isPagedSource(source: ClusterSource): source is PagedSource {
  return typeof (source as Partial<PagedSource>).listPage === 'function';
}

export interface ChunkOptions {
  namespace?: string;
  /** `field=value` terms joined by commas; only `=`/`==` terms on `type`, `metadata.name` and `metadata.namespace` are applied client-side. */
  fieldSelector?: string;
  /** Items per page; 0: one request for the whole list. */
  chunkSize?: number;
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
export async function* listChunks(
  source: ClusterSource,
  ref: ResourceRef,
  options: ChunkOptions = {},
  counter: { pages: number } = { pages: 0 },
): AsyncGenerator<Read<KubeObject[]>> {
  if (!isPagedSource(source)) {
    const all = await source.list(ref, options.namespace);
    counter.pages++;
    yield all.ok
      ? { ok: true, value: all.value.filter((o) => matchesFieldSelector(o, options.fieldSelector)) }
      : all;
    return;
  }
  const base: ListPageOptions = {
    namespace: options.namespace,
    fieldSelector: options.fieldSelector,
    limit: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
  };
  let pending: Promise<Read<ListPage>> | undefined = source.listPage(ref, base);
  try {
    while (pending) {
      const page: Read<ListPage> = await pending;
      pending = undefined;
      counter.pages++;
      if (!page.ok) {
        yield page;
        return;
      }
      // Ask for the next page before handing this one over: the server prepares it while the caller parses.
      if (page.value.continue) {
        pending = source.listPage(ref, { ...base, continue: page.value.continue });
      }
      yield { ok: true, value: page.value.items };
    }
  } finally {
    // A caller that stops early leaves the prefetched page unread: never an unhandled rejection.
    pending?.catch(() => undefined);
  }
}
