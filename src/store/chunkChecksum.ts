import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';

/**
 * The CRC-32 of chunks given in order (readTopicIndex: a saved topic index's header and body as they are read).
 * `add` never computes on the calling thread when made by chunkChecksumOffThread: at a million episodes the file is
 * 1.2 GB and its CRC took 1.3 s of the thread that restores the catalogue and answers, right at a start.
 */
export interface ChunkChecksum {
  /** The next chunk. Its bytes must not change until `result` settles (they are read later, maybe on another thread). */
  add(bytes: Uint8Array): void;
  /** The CRC-32 of everything added. */
  result(): Promise<number>;
  /** Stops without a result (the read failed); idempotent. */
  close(): void;
}

/** On this thread, chunk by chunk as added. */
export function chunkChecksumHere(): ChunkChecksum {
  let crc = 0;
  return {
    add: (bytes) => void (crc = crc32(bytes, crc)),
    result: async () => crc,
    close: () => {},
  };
}

// Plain JavaScript run as given (`eval`): nothing to load or compile, so the thread is there in milliseconds, from the
// sources (tsx) and the build alike. Messages: a chunk (its CRC taken on), or null (the CRC so far is posted back).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { crc32 } = require('node:zlib');
let crc = 0;
parentPort.on('message', (bytes) => {
  if (bytes === null) parentPort.postMessage(crc);
  else crc = crc32(bytes, crc);
});
`;

/**
 * On a worker thread: a chunk on a SharedArrayBuffer is handed over as it is, any other copied to it (a memory copy,
 * a fraction of the CRC's time). Should the worker fail, the CRC is computed here from the chunks kept (views, not
 * copies), so a failed thread never makes a good file look corrupt.
 */
export function chunkChecksumOffThread(): ChunkChecksum {
  const chunks: Uint8Array[] = [];
  let worker: Worker | undefined;
  let failed = false;
  let answer: ((crc: number) => void) | undefined;
  let fail: (() => void) | undefined;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (crc: number) => answer?.(crc));
    worker.on('error', () => {
      failed = true;
      fail?.();
    });
    worker.on('exit', () => {
      failed = true;
      fail?.();
    });
  } catch {
    failed = true;
  }
  const here = (): number => chunks.reduce((crc, bytes) => crc32(bytes, crc), 0);
  const close = (): void => {
    answer = fail = undefined;
    const w = worker;
    worker = undefined;
    void w?.terminate();
  };
  return {
    add(bytes) {
      chunks.push(bytes);
      if (failed || worker === undefined) return;
      if (bytes.buffer instanceof SharedArrayBuffer) worker.postMessage(bytes);
      else {
        const copy = bytes.slice();
        worker.postMessage(copy, [copy.buffer]);
      }
    },
    async result() {
      if (!failed && worker !== undefined) {
        const w = worker;
        const crc = await new Promise<number | undefined>((resolve) => {
          answer = resolve;
          fail = () => resolve(undefined);
          w.postMessage(null);
        });
        close();
        if (crc !== undefined) return crc;
      }
      close();
      return here();
    },
    close,
  };
}
