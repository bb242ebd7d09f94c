import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompactionJob, CompactionResult } from '../data/search/compactSegments.js';
import type { Compactor } from '../data/search/Compactor.js';
import type { Logger } from '../logger.js';
import type { CompactReply } from './compactWorker.js';

/**
 * The worker's entry beside this module: compactWorker.ts from source (tsx, vitest), compactWorker.js in a compiled
 * build. A worker thread does not inherit a test runner's or tsx's transform: from source it registers tsx's ESM
 * loader (resolved from here) before it imports the .ts entry, as buildTopicIndexInWorker's does.
 */
function startWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './compactWorker.ts' : './compactWorker.js', import.meta.url);
  if (!fromSource) return new Worker(fileURLToPath(entry));
  // tsx's ESM register API (dist/esm/api/index.cjs -> .mjs: the same API for import()).
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return new Worker(`import(${JSON.stringify(api)}).then(({ register }) => (register(), import(${JSON.stringify(entry.href)})))`, { eval: true });
}

/**
 * Computes a SearchIndex's compactions on one worker thread, so the thread that answers people only begins and swaps
 * them (see SearchIndex.beginCompaction). The job's big arrays are on SharedArrayBuffers (the index keeps them there)
 * and so are the result's: neither crossing copies them; only the word lists are cloned. The thread starts with the
 * first job, does not keep the process alive, and is started again after it failed. Jobs run one at a time.
 */
export class WorkerCompactor implements Compactor {
  readonly shares = true;
  #worker: Worker | undefined;
  #pending: { resolve: (r: CompactionResult) => void; reject: (e: Error) => void } | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** The worker's thread id and milliseconds of the last compaction (for logs and tests). */
  last: { threadId: number; ms: number } | undefined;

  constructor(private readonly log?: Logger) {}

  compact(job: CompactionJob): Promise<CompactionResult> {
    const run = this.#queue.then(() => this.#run(job));
    this.#queue = run.catch(() => {});
    return run;
  }

  #run(job: CompactionJob): Promise<CompactionResult> {
    const worker = this.#start();
    return new Promise<CompactionResult>((resolve, reject) => {
      this.#pending = { resolve, reject };
      // Keeps the process alive only while a job runs (a finished bot exits without ending this thread).
      worker.ref();
      worker.postMessage(job);
    }).finally(() => {
      this.#pending = undefined;
      this.#worker?.unref();
    });
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = startWorker();
    worker.unref();
    worker.on('message', (reply: CompactReply) => {
      if (reply.ok) {
        this.last = { threadId: reply.threadId, ms: reply.ms };
        this.log?.debug({ threadId: reply.threadId, ms: Math.round(reply.ms), passages: reply.result.live }, 'topic index compacted on a worker thread');
        this.#pending?.resolve(reply.result);
      } else this.#pending?.reject(new Error(reply.error));
    });
    const failed = (error: Error): void => {
      if (this.#worker === worker) this.#worker = undefined;
      this.log?.error({ err: error }, 'the topic index compaction worker failed; compacting on the main thread instead');
      this.#pending?.reject(error);
    };
    worker.on('error', failed);
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#pending?.reject(new Error(`the compaction worker exited with ${code}`));
    });
    this.#worker = worker;
    return worker;
  }

  /** Ends the thread (a job in flight fails; its index stays as it was). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}
