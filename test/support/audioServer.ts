import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SILENT_FRAME } from './taggedMp3.js';

/**
 * Enclosures served over real HTTP on 127.0.0.1: a head (an ID3 tag, or nothing) followed by silent MPEG frames up to
 * `size` bytes, generated as they are sent, so a 50 MB file costs no 50 MB anywhere. A file may honour `Range` (206)
 * or ignore it (200 with the whole body, as some hosts do); it answers `If-None-Match` with 304.
 */
export interface ServedAudio {
  head: Buffer;
  size: number;
  ranges: boolean;
  etag?: string;
  /** Answer only once this settles (a slow host). */
  holdUntil?: Promise<unknown>;
}

export interface AudioRequest {
  path: string;
  range?: string;
  status: number;
  /** Body bytes handed to the connection before the client closed it (socket buffers hold some the client never read). */
  bytesSent: number;
}

export interface AudioServer {
  origin: string;
  files: Map<string, ServedAudio>;
  requests: AudioRequest[];
  url(pathname: string): string;
  close(): Promise<void>;
}

/** Bytes `start`..`end` (inclusive) of a served file. */
function bytesOf(file: ServedAudio, start: number, end: number): Buffer {
  const out = Buffer.alloc(end - start + 1);
  for (let i = 0, p = start; p <= end; i++, p++) {
    out[i] = p < file.head.length ? (file.head[p] ?? 0) : (SILENT_FRAME[(p - file.head.length) % SILENT_FRAME.length] ?? 0);
  }
  return out;
}

export async function startAudioServer(): Promise<AudioServer> {
  const files = new Map<string, ServedAudio>();
  const requests: AudioRequest[] = [];
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    await files.get(path)?.holdUntil;
    const file = files.get(path);
    const range = req.headers.range;
    const seen: AudioRequest = { path, ...(range !== undefined && { range }), status: 0, bytesSent: 0 };
    requests.push(seen);
    if (file === undefined) {
      seen.status = 404;
      res.writeHead(404).end();
      return;
    }
    const validators = file.etag === undefined ? {} : { etag: file.etag };
    if (file.etag !== undefined && req.headers['if-none-match'] === file.etag) {
      seen.status = 304;
      res.writeHead(304, validators).end();
      return;
    }
    let start = 0;
    let end = file.size - 1;
    const asked = file.ranges && range !== undefined ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    if (asked) {
      start = Number(asked[1]);
      end = Math.min(file.size - 1, asked[2] === '' ? file.size - 1 : Number(asked[2]));
      if (start >= file.size) {
        seen.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${file.size}` }).end();
        return;
      }
      seen.status = 206;
      res.writeHead(206, { ...validators, 'content-type': 'audio/mpeg', 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${file.size}` });
    } else {
      seen.status = 200;
      res.writeHead(200, { ...validators, 'content-type': 'audio/mpeg', 'content-length': file.size, ...(file.ranges && { 'accept-ranges': 'bytes' }) });
    }
    // Sent 64 KB at a time as the client takes them; stopped when it hangs up.
    let at = start;
    let closed = false;
    res.once('close', () => (closed = true));
    const pump = (): void => {
      while (!closed && at <= end) {
        const chunk = bytesOf(file, at, Math.min(end, at + 65_535));
        at += chunk.length;
        seen.bytesSent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    files,
    requests,
    url: (pathname) => `${origin}${pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
