/**
 * What the exporter's main thread and its collector worker say to each other. Everything in a
 * message is structured-clone data; a collection's text travels as a transferred ArrayBuffer.
 */
import type { LiveSourceOptions } from '../sources/live.js';
import type { CollectorOptions, Published } from './collector.js';
import type { ApiStats } from './serve.js';

/** What the worker is started with. */
export interface CollectorWorkerData {
  source: LiveSourceOptions;
  collector: CollectorOptions;
}

/** A UserError (or a bug) as data: the main thread raises it again with the same exit code. */
export interface ErrorData {
  name: string;
  message: string;
  where?: string;
  hint?: string;
  exitCode?: number;
}

export type FromCollector =
  | { type: 'opened'; location: string }
  | { type: 'fatal'; error: ErrorData }
  | { type: 'log'; line: string }
  | { type: 'stats'; stats: ApiStats }
  | { type: 'collection'; published: Published };

export type ToCollector = { type: 'start' } | { type: 'stop' };
