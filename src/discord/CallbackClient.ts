import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';

export interface CallbackResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

const RESPONSE_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 60_000;
const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/**
 * POSTs JSON to one origin over keep-alive HTTP/1.1 connections, and writes each request to its socket before `post`
 * returns. undici (6.2x) holds a request for a reused connection until the event loop's check phase (to look for a
 * close the server may have sent meanwhile), so when a burst of interactions arrives in one read, every answer waited
 * for the whole burst to be handled. The price of writing at once is the rare request written to a connection the
 * server had just closed: when nothing at all came back, it is sent once more on a new connection.
 */
export class CallbackClient {
  readonly #url: URL;
  readonly #userAgent: string;
  readonly #tls: ConnectionOptions;
  readonly #idle: Connection[] = [];
  readonly #open = new Set<Connection>();
  #closed = false;

  /** `tls`: more options for https origins (a private CA, say). */
  constructor(origin: string, userAgent: string, tls: ConnectionOptions = {}) {
    this.#url = new URL(origin);
    this.#userAgent = userAgent;
    this.#tls = tls;
  }

  post(path: string, json: string): Promise<CallbackResponse> {
    if (this.#closed) return Promise.reject(new Error('the callback client is closed'));
    // One string, written as UTF-8 straight from the string by the socket: no Buffers to make and join per request.
    const request =
      `POST ${path} HTTP/1.1\r\nHost: ${this.#url.host}\r\nUser-Agent: ${this.#userAgent}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
    return this.#send(request, true);
  }

  /** Connections now open (idle or busy). */
  get connections(): number {
    return this.#open.size;
  }

  close(): Promise<void> {
    this.#closed = true;
    for (const connection of this.#open) connection.socket.destroy();
    this.#open.clear();
    this.#idle.length = 0;
    return Promise.resolve();
  }

  async #send(request: string, mayResend: boolean): Promise<CallbackResponse> {
    let reused = this.#idle.pop();
    while (reused?.socket.destroyed) {
      this.#drop(reused);
      reused = this.#idle.pop();
    }
    const connection = reused ?? this.#connect();
    try {
      const { response, keepAlive } = await connection.exchange(request);
      if (keepAlive && !this.#closed) this.#idle.push(connection);
      else this.#drop(connection);
      return response;
    } catch (error) {
      this.#drop(connection);
      if (reused && mayResend && error instanceof NothingBack) return this.#send(request, false);
      throw error;
    }
  }

  #connect(): Connection {
    const secure = this.#url.protocol === 'https:';
    const host = this.#url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(this.#url.port) || (secure ? 443 : 80);
    // Both sockets keep what is written before they connect and send it once they have.
    const socket = secure ? connectTls({ ...this.#tls, host, port, servername: host, ALPNProtocols: ['http/1.1'] }) : connectTcp({ host, port });
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    const connection = new Connection(socket, () => this.#drop(connection));
    this.#open.add(connection);
    return connection;
  }

  #drop(connection: Connection): void {
    connection.socket.destroy();
    this.#open.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
  }
}

/** The connection ended or failed before a single byte of the response arrived. */
class NothingBack extends Error {}

interface Exchange {
  resolve: (result: { response: CallbackResponse; keepAlive: boolean }) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One socket, one request at a time, its response read by a small HTTP/1.1 parser. */
class Connection {
  #buffer: Buffer = Buffer.alloc(0);
  #exchange: Exchange | undefined;

  constructor(
    readonly socket: Socket,
    onClosedWhileIdle: () => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#read(false);
    });
    const ended = (error?: Error): void => {
      if (!this.#exchange) return onClosedWhileIdle();
      // A response without a length runs to the close.
      if (!error && this.#read(true)) return;
      const message = error?.message ?? 'the connection closed before the response was complete';
      this.#settle((exchange) => exchange.reject(this.#buffer.length === 0 ? new NothingBack(message) : new Error(message)));
    };
    socket.on('error', ended);
    socket.on('end', () => ended());
    socket.on('close', () => ended());
  }

  exchange(request: string): Promise<{ response: CallbackResponse; keepAlive: boolean }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#settle((exchange) => exchange.reject(new Error(`no response within ${RESPONSE_TIMEOUT_MS / 1000} s`)));
        this.socket.destroy();
      }, RESPONSE_TIMEOUT_MS);
      this.#exchange = { resolve, reject, timer };
      this.#buffer = Buffer.alloc(0);
      this.socket.write(request);
    });
  }

  #settle(finish: (exchange: Exchange) => void): void {
    const exchange = this.#exchange;
    if (!exchange) return;
    this.#exchange = undefined;
    clearTimeout(exchange.timer);
    finish(exchange);
  }

  /** Settles the exchange once the buffer holds a whole response; `atClose`: the connection has ended. */
  #read(atClose: boolean): boolean {
    if (!this.#exchange) return false;
    const end = this.#buffer.indexOf(HEADER_END);
    if (end < 0) return false;
    const lines = this.#buffer.toString('latin1', 0, end).split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
    if (!statusLine) {
      this.#settle((exchange) => exchange.reject(new Error(`not an HTTP response: ${JSON.stringify(lines[0]?.slice(0, 60))}`)));
      this.socket.destroy();
      return true;
    }
    const status = Number(statusLine[2]);
    const start = end + HEADER_END.length;
    if (status < 200) {
      // An informational response (100 Continue) comes before the real one.
      this.#buffer = this.#buffer.subarray(start);
      return this.#read(atClose);
    }
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let body: Buffer | undefined;
    try {
      body = status === 204 || status === 304 ? Buffer.alloc(0) : this.#body(start, headers, atClose);
    } catch (error) {
      this.#settle((exchange) => exchange.reject(error as Error));
      this.socket.destroy();
      return true;
    }
    if (!body) return false;
    const keepAlive = !atClose && statusLine[1] === '1' && !/\bclose\b/i.test(headers['connection'] ?? '');
    this.#buffer = Buffer.alloc(0);
    this.#settle((exchange) => exchange.resolve({ response: { status, headers, body: body.toString('utf8') }, keepAlive }));
    return true;
  }

  /** The whole body from `start`, or undefined while more is to come. */
  #body(start: number, headers: Record<string, string>, atClose: boolean): Buffer | undefined {
    const buffer = this.#buffer;
    if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const chunks: Buffer[] = [];
      for (let at = start; ; ) {
        const lineEnd = buffer.indexOf(CRLF, at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
        if (!(size >= 0)) throw new Error('a malformed chunked response');
        // The last chunk, then optional trailers, then an empty line.
        if (size === 0) return buffer.indexOf(HEADER_END, lineEnd) >= 0 ? Buffer.concat(chunks) : undefined;
        if (buffer.length < lineEnd + 2 + size + 2) return undefined;
        chunks.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
    }
    const length = headers['content-length'];
    if (length !== undefined) return buffer.length >= start + Number(length) ? buffer.subarray(start, start + Number(length)) : undefined;
    return atClose ? buffer.subarray(start) : undefined;
  }
}
