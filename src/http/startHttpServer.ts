import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import type { REST } from '@discordjs/rest';
import { InteractionResponseType, InteractionType, type APIInteraction } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import { fromApiInteraction } from '../interactions/IncomingInteraction.js';
import type { InteractionCore } from '../interactions/InteractionCore.js';
import type { Metrics } from '../metrics.js';
import { HttpResponder } from './HttpResponder.js';
import { interactionPublicKey, isSignedByDiscord } from './interactionSignature.js';

/**
 * The HTTP side of a Podcord process, on INTERACTIONS_PORT:
 *
 * - `POST /interactions` (only when `interactions` is given): Discord's way of delivering interactions to a bot that
 *   set an Interactions Endpoint URL. Every request is checked against the application's public key first; a missing
 *   or bad signature gets 401 and nothing is handled (Discord sends such requests on purpose to test the endpoint).
 *   A PING is answered PONG; commands, autocomplete and buttons go to the same core as the gateway's, answered in the
 *   HTTP response (or deferred, then edited through @discordjs/rest).
 * - `GET /healthz`: 200 once `ready()` says so (the store reachable, the catalogue loaded), else 503.
 * - `GET /metrics`: the Prometheus text format.
 *
 * Nothing is kept between requests: any number of replicas behind a load balancer answer alike.
 */

export interface InteractionsEndpoint {
  /** DISCORD_PUBLIC_KEY: the application's Ed25519 public key, 64 hex digits. */
  publicKey: string;
  core: InteractionCore;
  /** Sends the edits and follow-ups of deferred answers (`api`: DISCORD_API_URL). No bot token is needed for them. */
  rest: REST;
}

export interface HttpServerOptions {
  /** INTERACTIONS_PORT; 0 picks a free one (tests). */
  port: number;
  /** Default: every interface. */
  host?: string;
  /** Serve POST /interactions; without it that path is 404 (a worker serves health and metrics only). */
  interactions?: InteractionsEndpoint;
  /** Whether this process can do its work (GET /healthz); may be async (a store round trip). */
  ready: () => boolean | Promise<boolean>;
  metrics: Metrics;
  log: Logger;
}

export interface HttpServer {
  readonly port: number;
  /** `http://host:port`, for tests and logs. */
  readonly url: string;
  /** Stops listening and waits for the requests in progress (their deferred edits included). */
  close(): Promise<void>;
}

/** Discord's interactions are small; anything near this is not one. */
export const MAX_INTERACTION_BYTES = 1024 * 1024;
/** How long a client that sent too big a body may go on sending (into the void) before its connection is cut. */
const OVERSIZED_GRACE_MS = 10_000;
/** A readiness check that takes longer than this (a store that does not answer) counts as not ready. */
const READY_TIMEOUT_MS = 2_000;

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { log, metrics } = options;
  const key: KeyObject | undefined = options.interactions && interactionPublicKey(options.interactions.publicKey);
  const inFlight = new Set<Promise<void>>();

  const server = createServer((req, res) => {
    const handled = route(req, res).catch((error: unknown) => {
      log.error({ err: error, path: req.url }, 'HTTP request failed');
      if (!res.headersSent) plain(res, 500, 'internal error');
      else res.destroy();
    });
    const tracked = handled.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/interactions' && options.interactions && key) {
      if (req.method !== 'POST') return plain(res, 405, 'method not allowed', { allow: 'POST' });
      return interaction(req, res, options.interactions, key);
    }
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const ok = await isReady();
      return plain(res, ok ? 200 : 503, ok ? 'ok' : 'not ready');
    }
    if (path === '/metrics' && req.method === 'GET') {
      const text = await metrics.text();
      res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    return plain(res, 404, 'not found');
  }

  async function isReady(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, READY_TIMEOUT_MS, false)));
    try {
      return await Promise.race([Promise.resolve().then(options.ready), late]);
    } catch (error) {
      log.warn({ err: error }, 'readiness check failed');
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async function interaction(req: IncomingMessage, res: ServerResponse, endpoint: InteractionsEndpoint, publicKey: KeyObject): Promise<void> {
    const signature = header(req, 'x-signature-ed25519');
    const timestamp = header(req, 'x-signature-timestamp');
    if (signature === undefined || timestamp === undefined) {
      metrics.interactionRejected('signature');
      return plain(res, 401, 'invalid request signature');
    }
    const body = await readBody(req, MAX_INTERACTION_BYTES);
    if (body === undefined) {
      metrics.interactionRejected('body');
      // The rest is read and dropped (a client still sending would otherwise miss this answer), and the connection
      // closed; one that keeps sending is cut off after a while.
      res.setHeader('connection', 'close');
      req.resume();
      setTimeout(() => req.destroy(), OVERSIZED_GRACE_MS).unref();
      return plain(res, 400, `the body is over ${MAX_INTERACTION_BYTES} bytes`);
    }
    if (!isSignedByDiscord(publicKey, signature, timestamp, body)) {
      metrics.interactionRejected('signature');
      return plain(res, 401, 'invalid request signature');
    }
    let payload: APIInteraction;
    try {
      payload = JSON.parse(body.toString('utf8')) as APIInteraction;
    } catch {
      metrics.interactionRejected('body');
      return plain(res, 400, 'the body is not JSON');
    }
    if (typeof payload !== 'object' || payload === null || typeof payload.type !== 'number') {
      metrics.interactionRejected('body');
      return plain(res, 400, 'the body is not an interaction');
    }
    if (payload.type === InteractionType.Ping) return json(res, { type: InteractionResponseType.Pong });
    const incoming = fromApiInteraction(payload);
    if (incoming === undefined || typeof payload.token !== 'string' || typeof payload.application_id !== 'string') {
      metrics.interactionRejected('unsupported');
      return plain(res, 400, 'Podcord has no handler for this kind of interaction');
    }
    const responder = new HttpResponder(res, endpoint.rest, payload);
    await endpoint.core.handle(incoming, responder);
    // The core answers every interaction it handles (its error funnel included); this is a last resort.
    if (!responder.answered && !res.headersSent) plain(res, 500, 'the interaction was not answered');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.error({ err: error }, 'HTTP server error'));
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ port: address.port, interactions: options.interactions !== undefined }, 'HTTP server listening');

  return {
    port: address.port,
    url,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The whole body, or undefined as soon as it is longer than `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = `${text}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function json(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
