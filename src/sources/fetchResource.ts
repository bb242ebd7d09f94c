import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Transform, Writable, type Duplex, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { err, ok, type Result } from '../data/model.js';
import { mapProblemText, type FetchProblem } from '../data/problems.js';
import { redactUrls } from '../data/redactUrl.js';
import { PINNED_ADDRESSES, pinnedAddressesKey, type ConnectionPool } from './ConnectionPool.js';
import { DEFAULT_USER_AGENT } from './userAgent.js';
import { systemResolveHost, vetUrl, type ResolveHost, type VettedTarget } from './vetUrl.js';

/** Largest feed accepted, decompressed. */
export const FEED_MAX_BYTES = 15 * 1024 * 1024;
/** Largest chapters or transcript file accepted, decompressed. */
export const SIDECAR_MAX_BYTES = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_REDIRECTS = 5;

const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8';

export interface FetchResourceOptions {
  /** Validators stored from the last 200: sent as If-None-Match / If-Modified-Since. */
  etag?: string;
  lastModified?: string;
  /** Cap on the decompressed body; the download stops as soon as it is exceeded. Default FEED_MAX_BYTES. */
  maxBytes?: number;
  /** For the whole fetch, name resolution and redirects included. Default 15 s. */
  timeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Allow loopback, private, link-local... addresses (ALLOW_PRIVATE_NETWORK). Default false. */
  allowPrivateNetwork?: boolean;
  /** Name resolution used for the SSRF check; the connection goes to the address it returns. Default: the system's. */
  lookup?: ResolveHost;
  /** Default `Podcord/<package version> (+https://github.com/podcord/podcord)`. */
  userAgent?: string;
  /** Default: feed types first, then anything. */
  accept?: string;
  /** Cancels the fetch from outside (shutdown). */
  signal?: AbortSignal;
  /**
   * Asks for bytes `start` to `end` (inclusive) only, uncompressed (`Range`, `Accept-Encoding: identity`): the head of
   * an audio file. A server that ignores `Range` (a 200 with the whole body) is read only until `end` + 1 bytes have
   * come, then the connection is closed; `maxBytes` does not apply.
   */
  range?: { start: number; end: number };
  /**
   * Opens the connection to a vetted target instead of the default (a TCP or TLS connection to `target.address`).
   * For tests that must reach a local server under a public-looking name, and for proxies.
   */
  connect?: (target: VettedTarget) => Duplex;
  /**
   * Keep-alive connections to reuse (and to leave the connection in after the response) instead of one connection per
   * request. Ignored with `connect`.
   */
  connections?: ConnectionPool;
}

interface Hop {
  url: string;
  status: number;
}

export type FetchedResource =
  | {
      status: 'not-modified';
      finalUrl: string;
      permanentRedirect: boolean;
      etag?: string;
      lastModified?: string;
    }
  | {
      status: 'ok';
      bytes: Uint8Array;
      contentType?: string;
      etag?: string;
      lastModified?: string;
      /** The URL the body came from, after redirects. */
      finalUrl: string;
      /** True when there was at least one redirect and every one was 301 or 308: the stored URL should change. */
      permanentRedirect: boolean;
      /** Body bytes taken from the connection (for a range read of a server that ignored it, more than `bytes`). */
      bytesRead: number;
    };

type HopResult =
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'not-modified'; headers: http.IncomingHttpHeaders }
  | { kind: 'ok'; headers: http.IncomingHttpHeaders; bytes: Uint8Array; bytesRead: number };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * GETs a feed, chapters file or transcript over http(s) with every guard a bot fetching user-supplied URLs needs:
 * SSRF checks on every hop and on the address actually connected to, a total timeout, a cap on decompressed bytes,
 * redirects followed by hand, conditional headers. Failures are values (FetchProblem) each language words for a person
 * to act on.
 */
export async function fetchResource(url: string, options: FetchResourceOptions = {}): Promise<Result<FetchedResource, FetchProblem>> {
  const result = await fetchFollowingRedirects(url, options);
  // Problems may be shown in Discord: never with the user:password (or token) of a private feed URL in them.
  return result.ok ? result : err(mapProblemText(result.error, redactUrls));
}

async function fetchFollowingRedirects(url: string, options: FetchResourceOptions): Promise<Result<FetchedResource, FetchProblem>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const abortMessage = (): FetchProblem => (timeout.aborted ? { code: 'timeout', url, ms: timeoutMs } : { code: 'cancelled', url });

  const headers: Record<string, string> = {
    'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
    accept: options.accept ?? FEED_ACCEPT,
    // A byte range of a compressed body would be a range of the compressed bytes: ranges are asked for as they are.
    'accept-encoding': options.range ? 'identity' : 'gzip, deflate, br',
  };
  if (options.range) headers.range = `bytes=${options.range.start}-${options.range.end}`;
  if (options.etag !== undefined) headers['if-none-match'] = options.etag;
  if (options.lastModified !== undefined) headers['if-modified-since'] = options.lastModified;

  const hops: Hop[] = [];
  const visited = new Set<string>();
  let current = url;
  for (;;) {
    if (signal.aborted) return err(abortMessage());
    const vetted = await raceAbort(
      vetUrl(current, {
        allowPrivateNetwork: options.allowPrivateNetwork ?? false,
        resolveHost: options.lookup ?? systemResolveHost,
      }),
      signal,
    );
    if (vetted === undefined) return err(abortMessage());
    if (!vetted.ok) return hops.length === 0 ? vetted : err({ ...vetted.error, redirectedFrom: url });
    const target = vetted.value;
    visited.add(target.url.href);

    const hop = await requestOnce(target, headers, signal, options.maxBytes ?? FEED_MAX_BYTES, options);
    if (!hop.ok) return err(signal.aborted ? abortMessage() : hop.error);
    const result = hop.value;
    const permanentRedirect = hops.length > 0 && hops.every((h) => h.status === 301 || h.status === 308);

    if (result.kind === 'redirect') {
      let next: URL;
      try {
        next = new URL(result.location, target.url);
      } catch {
        return err({ code: 'redirectInvalid', url, from: target.url.href, location: result.location });
      }
      hops.push({ url: target.url.href, status: result.status });
      if (visited.has(next.href)) return err({ code: 'redirectLoop', url, at: next.href });
      if (hops.length > maxRedirects) return err({ code: 'tooManyRedirects', url, max: maxRedirects });
      current = next.href;
      continue;
    }
    const etag = header(result.headers, 'etag');
    const lastModified = header(result.headers, 'last-modified');
    const finalUrl = target.url.href;
    if (result.kind === 'not-modified') {
      return ok({
        status: 'not-modified',
        finalUrl,
        permanentRedirect,
        ...(etag !== undefined && { etag }),
        ...(lastModified !== undefined && { lastModified }),
      });
    }
    const contentType = header(result.headers, 'content-type');
    return ok({
      status: 'ok',
      bytes: result.bytes,
      ...(contentType !== undefined && { contentType }),
      ...(etag !== undefined && { etag }),
      ...(lastModified !== undefined && { lastModified }),
      finalUrl,
      permanentRedirect,
      bytesRead: result.bytesRead,
    });
  }
}

/** One request to one vetted target, connecting only to `target.address`. */
async function requestOnce(
  target: VettedTarget,
  headers: Record<string, string>,
  signal: AbortSignal,
  maxBytes: number,
  { connect, connections, range }: Pick<FetchResourceOptions, 'connect' | 'connections' | 'range'>,
): Promise<Result<HopResult, FetchProblem>> {
  const href = target.url.href;
  const isHttps = target.url.protocol === 'https:';
  const transport = isHttps ? https : http;
  // The connection goes to the addresses vetted above, never to a second DNS answer. (With `all`, Node's
  // happy-eyeballs connect tries them in order.)
  const pinnedLookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, target.addresses.map(({ address, family }) => ({ address, family })));
    else callback(null, target.address, target.family);
  };
  const requestOptions: https.RequestOptions = {
    method: 'GET',
    protocol: target.url.protocol,
    hostname: target.hostname,
    port: target.port,
    path: `${target.url.pathname}${target.url.search}`,
    // Explicit, so it is the same with or without an agent: no port when it is the scheme's default.
    headers: { ...headers, host: target.url.host },
    // Basic auth from this hop's own URL only: credentials never follow a redirect to another URL.
    ...(target.url.username !== '' && {
      auth: `${decodeURIComponent(target.url.username)}:${decodeURIComponent(target.url.password)}`,
    }),
    signal,
    ...(connect
      ? { createConnection: () => connect(target) }
      : connections
        ? // Pooled by host and vetted addresses (see ConnectionPool): a new connection still goes through pinnedLookup.
          { agent: connections.agentFor(target), lookup: pinnedLookup, [PINNED_ADDRESSES]: pinnedAddressesKey(target) }
        : { agent: new transport.Agent({ keepAlive: false }), lookup: pinnedLookup }),
  };

  let request: http.ClientRequest | undefined;
  const send = (): Promise<Result<http.IncomingMessage, FetchProblem> & { staleConnection?: boolean }> =>
    new Promise((resolve) => {
      let sent: http.ClientRequest;
      try {
        sent = transport.request(requestOptions);
      } catch (cause) {
        resolve(err(networkProblem(href, cause)));
        return;
      }
      request = sent;
      sent.once('response', (res) => resolve(ok(res)));
      // `on`, not `once`: a late second error (an abort after the response) must not go unhandled.
      sent.on('error', (cause) => {
        const code = (cause as { code?: unknown }).code;
        // A kept-alive connection the server closed while it sat idle fails at once: not the feed's fault.
        const staleConnection = sent.reusedSocket && !signal.aborted && (code === 'ECONNRESET' || code === 'EPIPE');
        resolve({ ...err(networkProblem(href, cause)), staleConnection });
      });
      sent.end();
    });
  let response = await send();
  // A GET may be sent again; each idle connection can have gone stale, then a new one is opened.
  for (let retries = 0; !response.ok && response.staleConnection === true && retries < 3; retries++) response = await send();
  if (!response.ok) return response;
  const res = response.value;
  const status = res.statusCode ?? 0;
  const destroy = (): void => {
    res.destroy();
    request?.destroy();
  };
  // A response without a body to speak of is read to its end, so a kept-alive connection goes back to the pool.
  const finish = (): void => {
    const declared = Number(header(res.headers, 'content-length'));
    if (connections !== undefined && (status === 304 || (Number.isFinite(declared) && declared <= 64 * 1024))) res.resume();
    else destroy();
  };

  if (REDIRECT_STATUSES.has(status)) {
    finish();
    const location = header(res.headers, 'location');
    if (location === undefined) return err({ code: 'redirectNoLocation', url: href, status });
    return ok({ kind: 'redirect', status, location });
  }
  if (status === 304) {
    finish();
    return ok({ kind: 'not-modified', headers: res.headers });
  }
  // An error answer's short body is read away too: a missing MP3 or chapters file must not cost the host's connection.
  if (status === 416 && range) {
    finish();
    return err({ code: 'rangeUnsatisfiable', url: href, start: range.start, end: range.end });
  }
  if (status < 200 || status > 299) {
    finish();
    return err({ code: 'http', url: href, status, ...(res.statusMessage && { statusText: res.statusMessage }) });
  }

  const decoders = decodersFor(header(res.headers, 'content-encoding'));
  if (!decoders.ok) {
    destroy();
    return err({ code: 'encoding', url: href, coding: decoders.error });
  }
  const tooLarge: FetchProblem = { code: 'tooLarge', url: href, limitBytes: maxBytes };
  // A range read stops by itself once it has what it asked for: a 206 is that range, a 200 the whole body from byte 0.
  const partial = range !== undefined && status === 206;
  const wanted = range === undefined ? undefined : partial ? range.end - range.start + 1 : range.end + 1;
  const declared = Number(header(res.headers, 'content-length'));
  if (wanted === undefined && decoders.value.length === 0 && Number.isFinite(declared) && declared > maxBytes) {
    destroy();
    return err(tooLarge);
  }

  const chunks: Buffer[] = [];
  let total = 0;
  let kept = 0;
  let overCap = false;
  let enough = false;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (wanted !== undefined) {
        const part = chunk.subarray(0, Math.min(chunk.length, wanted - kept));
        chunks.push(part);
        kept += part.length;
        if (kept < wanted) {
          callback();
          return;
        }
        // Everything asked for is in: the rest (the audio of a server that ignored Range) is never read.
        enough = true;
        callback(new Error('enough'));
        return;
      }
      if (total > maxBytes) {
        overCap = true;
        callback(new Error('over the size cap'));
        return;
      }
      chunks.push(chunk);
      kept += chunk.length;
      callback();
    },
  });
  try {
    await pipeline([res, ...decoders.value, sink], { signal });
  } catch (cause) {
    destroy();
    if (overCap) return err(tooLarge);
    if (!enough) return err(networkProblem(href, cause));
  }
  let bytes = new Uint8Array(Buffer.concat(chunks, kept));
  // A 200 to a range read is the body from its first byte: the range is cut out of it.
  if (range !== undefined && !partial) bytes = bytes.subarray(Math.min(range.start, bytes.length));
  return ok({ kind: 'ok', headers: res.headers, bytes, bytesRead: total });
}

/**
 * Decompressors for a Content-Encoding list, in the order to apply them (the reverse of how they were applied); the
 * coding it does not know, if any.
 */
function decodersFor(contentEncoding: string | undefined): Result<Duplex[]> {
  if (contentEncoding === undefined) return ok([]);
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  const decoders: Duplex[] = [];
  // Browsers accept truncated compressed bodies; so do we (a sync flush instead of an "unexpected end" error).
  const lenient = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(zlib.createGunzip(lenient));
    else if (coding === 'deflate') decoders.push(new InflateEither());
    else if (coding === 'br') decoders.push(zlib.createBrotliDecompress());
    else return err(coding);
  }
  return ok(decoders);
}

/**
 * "deflate" should mean zlib-wrapped deflate, but some servers send raw deflate: look at the first byte and inflate
 * whichever it is (as browsers do).
 */
class InflateEither extends Transform {
  private inner: zlib.Inflate | zlib.InflateRaw | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.inner === undefined) {
      const lenient = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
      const first = chunk[0] ?? 0;
      const inner = (first & 0x0f) === 0x08 ? zlib.createInflate(lenient) : zlib.createInflateRaw(lenient);
      inner.on('data', (data: Buffer) => this.push(data));
      inner.on('error', (cause) => this.destroy(cause));
      this.inner = inner;
    }
    this.inner.write(chunk, () => callback());
  }

  override _flush(callback: TransformCallback): void {
    if (this.inner === undefined) {
      callback();
      return;
    }
    this.inner.once('end', () => callback());
    this.inner.end();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.inner?.destroy();
    callback(error);
  }
}

/** Waits for `promise` unless `signal` aborts first (then `undefined`). */
async function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

/** A connection or stream error: its system code (worded by each language) and the system's own text. */
function networkProblem(href: string, cause: unknown): FetchProblem {
  if (!(cause instanceof Error)) return { code: 'network', url: href, detail: String(cause) };
  const code = (cause as { code?: unknown }).code;
  return { code: 'network', url: href, ...(typeof code === 'string' && { errno: code }), detail: cause.message };
}
