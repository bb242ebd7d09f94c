import { performance } from 'node:perf_hooks';
import { serialize } from 'node:v8';
import { threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { parseJsonChapters } from '../data/chapters/parseJsonChapters.js';
import { parseFeedDetailed, type ParseFeedOptions } from '../data/feed/parseFeed.js';
import { parseTranscript } from '../data/transcripts/parseTranscript.js';
import { parseAudioTag } from './parseAudioTag.js';

/**
 * What a ParsePool thread runs (piscina loads this file in each worker and calls the default export per task): the
 * pure parsers of src/data on a fetched body, so the thread that answers people never waits on one.
 */

export type ParseTask =
  | { kind: 'feed'; bytes: Uint8Array; options: ParseFeedOptions }
  | { kind: 'jsonChapters'; text: string }
  | { kind: 'transcript'; text: string; type: string }
  | { kind: 'audioTag'; bytes: Uint8Array };

export interface ParseDone {
  /**
   * The parser's Result, as it returned it, except for its one long list (a feed's episodes, a transcript's segments),
   * which is left empty here and sent in `batches`.
   */
  result: unknown;
  /**
   * That list, BATCH items at a time, each serialized here (v8.serialize, what structured clone does) and transferred,
   * not copied. Sent whole, 20,000 episodes were rebuilt on the main thread in one go as the message arrived (60 ms
   * and more on the development machine); in batches the main thread rebuilds one per turn of its event loop.
   */
  batches: ArrayBuffer[];
  /** The worker's thread, for the pool's debug log (and the tests that show the parse left the main thread). */
  threadId: number;
  ms: number;
}

/** Episodes or segments per batch: a few milliseconds of rebuilding each, for the largest episodes seen. */
const BATCH = 250;

export default async function parseWorker(task: ParseTask): Promise<ParseDone> {
  const started = performance.now();
  const batches: ArrayBuffer[] = [];
  const send = <T>(list: T[]): T[] => {
    if (list.length <= BATCH) return list;
    for (let i = 0; i < list.length; i += BATCH) {
      const bytes = serialize(list.slice(i, i + BATCH));
      // A Buffer can be a view on a larger shared one: transfer a copy of exactly its bytes when it is.
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      batches.push((whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer);
    }
    return [];
  };
  let result: unknown;
  if (task.kind === 'feed') {
    const parsed = parseFeedDetailed(task.bytes, task.options);
    result = parsed.ok ? { ok: true, value: { podcast: parsed.value.podcast, episodes: send(parsed.value.episodes) } } : parsed;
  } else if (task.kind === 'transcript') {
    const parsed = parseTranscript(task.text, task.type);
    result = parsed.ok ? { ok: true, value: send(parsed.value) } : parsed;
  } else if (task.kind === 'audioTag') {
    // music-metadata reads through a tokenizer, which is asynchronous even over bytes in memory.
    result = await parseAudioTag(task.bytes);
  } else {
    result = parseJsonChapters(task.text);
  }
  const done: ParseDone = { result, batches, threadId, ms: performance.now() - started };
  return move({ [transferableSymbol]: batches, [valueSymbol]: done }) as unknown as ParseDone;
}
