import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deserialize } from 'node:v8';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import type { JsonChapters } from '../data/chapters/parseJsonChapters.js';
import type { ParseFeedOptions } from '../data/feed/parseFeed.js';
import { err, type Chapter, type ParsedFeed, type Result } from '../data/model.js';
import { describeFeedIssue, type FeedParseIssue } from '../data/problems.js';
import type { TranscriptSegment } from '../data/search/passage.js';
import type { ParseDone, ParseTask } from './parseWorker.js';

/** The parsers the poller runs on fetched bodies, answered off the thread that answers people. */
export interface FeedParsers {
  /** Why not, as data (each reader's language words it). */
  parseFeed(bytes: Uint8Array, options?: ParseFeedOptions): Promise<Result<ParsedFeed, FeedParseIssue>>;
  parseJsonChapters(text: string): Promise<Result<JsonChapters>>;
  parseTranscript(text: string, type: string): Promise<Result<TranscriptSegment[]>>;
  /** The chapters of an MP3's ID3v2 tag (the tag's bytes only). */
  parseAudioTag(bytes: Uint8Array): Promise<Result<Chapter[]>>;
}

export interface ParsePoolOptions {
  /** Worker threads. Default: 1 on a machine of two cores or fewer (the main thread keeps one), else 2. */
  threads?: number;
  /**
   * Parses queued for a thread at most (each holds a copy of its body); callers past that wait in line for a place,
   * holding only what they already had. Default 16.
   */
  maxQueue?: number;
  /**
   * A parse not answered this long after it was queued fails: its thread, if it was running, is ended and replaced.
   * Also what keeps a pool whose workers cannot start from holding feeds forever. Default 60 s.
   */
  timeoutMs?: number;
  /** A worker's heap limit: a feed whose parse needs more ends that worker only. Default 512 MB. */
  maxHeapMb?: number;
  /** An idle worker exits after this long, returning its memory; the next parse starts a new one. Default 30 s. */
  idleTimeoutMs?: number;
  /** Debug lines per parse, and errors of a worker that dies or cannot start. */
  log?: Logger;
}

/**
 * The worker's entry beside this module: parseWorker.ts when this runs from source (tsx, vitest), parseWorker.js in a
 * compiled build. A worker thread does not inherit a test runner's transform, so a .ts entry gets tsx's loader,
 * resolved from here (not from the working directory).
 */
function workerEntry(): { filename: string; execArgv: string[] | undefined } {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(fromSource ? './parseWorker.ts' : './parseWorker.js', import.meta.url));
  if (!fromSource) return { filename, execArgv: undefined };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename, execArgv: ['--import', tsx] };
}

/**
 * Feed, chapters and transcript parsing on a small pool of worker threads (piscina). Parsing a big feed takes the CPU
 * for a second or more; on the main thread it held up every interaction until done. What crosses back is the parser's
 * Result, rebuilt here exactly (structured clone; the model is plain objects and strings), its long list a batch per
 * turn of the event loop (see ParseDone).
 *
 * A worker that dies on a hostile body (out of memory, ended after the timeout) fails that body's parse with a reason
 * and is replaced; an exception a parser throws is rethrown as it was, as a bug rather than a verdict on the feed.
 */
export class ParsePool implements FeedParsers {
  readonly threads: number;
  readonly #pool: Piscina<ParseTask, ParseDone>;
  readonly #capacity: number;
  readonly #timeoutMs: number;
  readonly #maxHeapMb: number;
  readonly #log: Logger | undefined;
  /** Parses handed to piscina and not yet answered (at most #capacity), and the callers waiting for a place. */
  #admitted = 0;
  readonly #line: (() => void)[] = [];

  constructor(options: ParsePoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? (availableParallelism() <= 2 ? 1 : 2));
    // Bounded here, not by piscina's maxQueue: that one does not count tasks carrying an AbortSignal, as these do.
    this.#capacity = this.threads + Math.max(0, options.maxQueue ?? 16);
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#maxHeapMb = options.maxHeapMb ?? 512;
    this.#log = options.log;
    const { filename, execArgv } = workerEntry();
    this.#pool = new Piscina<ParseTask, ParseDone>({
      filename,
      ...(execArgv && { execArgv }),
      // Started on the first parse, not with the bot: a start that parses nothing costs no thread.
      minThreads: 0,
      maxThreads: this.threads,
      idleTimeout: options.idleTimeoutMs ?? 30_000,
      resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMb },
    });
    // A worker that dies with no task, or cannot start at all: unhandled, this 'error' event would end the process.
    this.#pool.on('error', (error: unknown) => this.#log?.error({ err: error }, 'a parse worker failed'));
  }

  /** Callers waiting for a place in the queue. */
  get waiting(): number {
    return this.#line.length;
  }

  parseFeed(bytes: Uint8Array, options: ParseFeedOptions = {}): Promise<Result<ParsedFeed, FeedParseIssue>> {
    return this.#run({ kind: 'feed', bytes, options }) as Promise<Result<ParsedFeed, FeedParseIssue>>;
  }

  parseJsonChapters(text: string): Promise<Result<JsonChapters>> {
    return this.#run({ kind: 'jsonChapters', text }) as Promise<Result<JsonChapters>>;
  }

  parseTranscript(text: string, type: string): Promise<Result<TranscriptSegment[]>> {
    return this.#run({ kind: 'transcript', text, type }) as Promise<Result<TranscriptSegment[]>>;
  }

  parseAudioTag(bytes: Uint8Array): Promise<Result<Chapter[]>> {
    return this.#run({ kind: 'audioTag', bytes }) as Promise<Result<Chapter[]>>;
  }

  /** Ends the threads; parses still running or queued fail. */
  async close(): Promise<void> {
    await this.#pool.destroy();
  }

  /** A feed's failure is a FeedParseIssue, a chapters file's or transcript's an English reason (they are only logged). */
  async #run(asked: ParseTask): Promise<Result<unknown, unknown>> {
    if (this.#admitted < this.#capacity) this.#admitted++;
    else await new Promise<void>((resolve) => this.#line.push(resolve)); // handed the place of a parse that ended
    let done: ParseDone;
    try {
      // A feed's bytes go in a copy of their own, transferred rather than cloned: cloning 20 MB held this thread ~30 ms
      // (the serializer's growing buffer), a plain copy a few. The caller's stay usable (a /feed add preview and its
      // adoption parse the same response).
      const task = asked.kind === 'feed' ? { ...asked, bytes: new Uint8Array(asked.bytes) } : asked;
      const transferList = task.kind === 'feed' ? [task.bytes.buffer as ArrayBuffer] : [];
      done = await this.#pool.run(task, { transferList, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (error) {
      const issue = this.#workerFailure(error);
      if (issue === undefined) throw error;
      const reason = describeFeedIssue(issue);
      this.#log?.warn({ task: asked.kind, reason }, 'parse stopped');
      return err(asked.kind === 'feed' ? issue : reason);
    } finally {
      const next = this.#line.shift();
      if (next) next();
      else this.#admitted--;
    }
    this.#log?.debug({ task: asked.kind, ms: Math.round(done.ms), threadId: done.threadId }, 'parsed in a worker');
    return done.batches.length === 0 ? (done.result as Result<unknown>) : withList(asked, done.result, await rebuild(done.batches));
  }

  /** Why a parse ended without an answer from the parser, for /feed list; undefined for the parser's own throw. */
  #workerFailure(error: unknown): FeedParseIssue | undefined {
    const e = error as { name?: unknown; code?: unknown; message?: unknown } | null;
    if (e?.name === 'AbortError') return { kind: 'timedOut', seconds: Math.round(this.#timeoutMs / 1000) };
    if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') return { kind: 'outOfMemory', megabytes: this.#maxHeapMb };
    if (typeof e?.message === 'string' && /^worker exited with code|^Terminating worker thread/.test(e.message)) return { kind: 'parserStopped' };
    return undefined;
  }
}

/** The long list a worker sent in batches, rebuilt one batch per turn of the event loop so interactions get in between. */
async function rebuild(batches: readonly ArrayBuffer[]): Promise<unknown[]> {
  const list: unknown[] = [];
  for (const batch of batches) {
    await nextTurn();
    for (const item of deserialize(new Uint8Array(batch)) as unknown[]) list.push(item);
  }
  return list;
}

/** The worker's result with its long list put back where the worker took it from (see ParseDone). */
function withList(task: ParseTask, result: unknown, list: unknown[]): Result<unknown> {
  const { value } = result as { ok: true; value: unknown };
  return task.kind === 'feed' ? { ok: true, value: { ...(value as ParsedFeed), episodes: list } } : { ok: true, value: list };
}
