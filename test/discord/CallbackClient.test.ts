import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CallbackClient } from '../../src/discord/CallbackClient.js';

/** The keep-alive HTTP/1.1 client the interaction callbacks go through, against real servers on 127.0.0.1. */

const servers: (HttpServer | TcpServer)[] = [];
const clients: CallbackClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const server of servers.splice(0)) {
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen<S extends HttpServer | TcpServer>(server: S, scheme = 'http'): Promise<{ server: S; origin: string }> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const CERT = readFileSync(new URL('../fixtures/tls/localhost-cert.pem', import.meta.url));
const KEY = readFileSync(new URL('../fixtures/tls/localhost-key.pem', import.meta.url));

function client(origin: string): CallbackClient {
  const c = new CallbackClient(origin, 'DiscordBot (test, 1)', { ca: CERT });
  clients.push(c);
  return c;
}

/** A TCP server that hands each complete request (head and Content-Length body) to `answer`, with its socket. */
function rawServer(answer: (socket: Socket, request: string, index: number, connection: number) => void): TcpServer {
  let connections = 0;
  return createTcpServer((socket) => {
    const connection = ++connections;
    let buffer = '';
    let index = 0;
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const request = buffer.slice(0, end + 4 + length);
        buffer = buffer.slice(end + 4 + length);
        answer(socket, request, index++, connection);
      }
    });
    socket.on('error', () => {});
  });
}

describe('CallbackClient', () => {
  it('POSTs JSON with its length and user agent, and reuses one keep-alive connection for requests in turn', async () => {
    let connections = 0;
    const seen: { method: string | undefined; url: string | undefined; type: string | undefined; agent: string | undefined; body: string }[] = [];
    const { server, origin } = await listen(
      createHttpServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], agent: req.headers['user-agent'], body });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body.length }));
        });
      }),
    );
    server.on('connection', () => connections++);
    const http = client(origin);
    for (let i = 0; i < 5; i++) {
      const response = await http.post(`/api/v10/interactions/${i}/tok/callback`, JSON.stringify({ type: 8, data: { choices: [{ name: 'Avsnitt ö', value: 'k' }] } }));
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ echo: seen[i]!.body.length });
    }
    expect(connections).toBe(1);
    expect(seen[4]).toEqual({
      method: 'POST',
      url: '/api/v10/interactions/4/tok/callback',
      type: 'application/json',
      agent: 'DiscordBot (test, 1)',
      body: '{"type":8,"data":{"choices":[{"name":"Avsnitt ö","value":"k"}]}}',
    });
  });

  it('writes a request on a kept connection before post returns: the server has it before the next check phase', async () => {
    const order: string[] = [];
    const { origin } = await listen(
      createHttpServer((req, res) => {
        order.push(`request ${req.url}`);
        req.resume();
        req.on('end', () => res.writeHead(204).end());
      }),
    );
    const http = client(origin);
    await http.post('/warm', '{}');
    order.length = 0;
    // From a timer, so the loop's next phase is the poll that reads what the server was sent.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const answered = http.post('/now', '{}');
    // undici would only write in the check phase (this immediate's), so the server would read it a loop turn later.
    setImmediate(() => order.push('immediate'));
    await answered;
    expect(order).toEqual(['request /now', 'immediate']);
  });

  it('speaks TLS to an https origin, checking its certificate, and keeps the connection', async () => {
    let connections = 0;
    const { server, origin } = await listen(
      createHttpsServer({ cert: CERT, key: KEY }, (req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"secure":true}'));
      }),
      'https',
    );
    server.on('secureConnection', () => connections++);
    const http = client(origin);
    expect((await http.post('/a', '{}')).body).toBe('{"secure":true}');
    expect((await http.post('/b', '{}')).body).toBe('{"secure":true}');
    expect(connections).toBe(1);
    await expect(new CallbackClient(origin, 'x').post('/c', '{}')).rejects.toThrow(/self[- ]signed/);
  });

  it('reads 204 No Content, chunked bodies split across packets, and bodies that run to the close', async () => {
    const { origin } = await listen(
      rawServer((socket, request) => {
        if (request.includes('/empty')) socket.write('HTTP/1.1 204 No Content\r\n\r\n');
        else if (request.includes('/chunked')) {
          socket.write('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0.5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"mes');
          setTimeout(() => socket.write('\r\nd\r\nsage":"slow"}\r\n'), 20);
          setTimeout(() => socket.write('0\r\n\r\n'), 40);
        } else socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\nupstream down');
      }),
    );
    const http = client(origin);
    expect(await http.post('/empty', '{}')).toEqual({ status: 204, headers: {}, body: '' });
    const chunked = await http.post('/chunked', '{}');
    expect(chunked.status).toBe(429);
    expect(chunked.headers['retry-after']).toBe('0.5');
    expect(JSON.parse(chunked.body)).toEqual({ message: 'slow' });
    expect(await http.post('/close', '{}')).toMatchObject({ status: 500, body: 'upstream down' });
    expect(http.connections).toBe(0);
  });

  it('opens a new connection when the server has closed the idle one', async () => {
    let connections = 0;
    const { server, origin } = await listen(createHttpServer((_req, res) => res.writeHead(204).end()));
    server.on('connection', () => connections++);
    const http = client(origin);
    expect((await http.post('/a', '{}')).status).toBe(204);
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await http.post('/b', '{}')).status).toBe(204);
    expect(connections).toBe(2);
  });

  it('sends a request again on a new connection when a reused one closes before any of the response', async () => {
    const requests: { connection: number; index: number }[] = [];
    const { origin } = await listen(
      rawServer((socket, _request, index, connection) => {
        requests.push({ connection, index });
        // The first connection answers once, then dies on the next request as if it had timed out just then.
        if (connection === 1 && index === 1) socket.destroy();
        else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }),
    );
    const http = client(origin);
    expect((await http.post('/first', '{}')).body).toBe('ok');
    expect((await http.post('/second', '{}')).body).toBe('ok');
    expect(requests).toEqual([
      { connection: 1, index: 0 },
      { connection: 1, index: 1 },
      { connection: 2, index: 0 },
    ]);
  });

  it('does not send again once part of the response has come back, and says what went wrong', async () => {
    let requests = 0;
    const { origin } = await listen(
      rawServer((socket) => {
        requests++;
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\npart');
      }),
    );
    await expect(client(origin).post('/x', '{}')).rejects.toThrow(/closed before the response was complete/);
    expect(requests).toBe(1);
  });

  it('rejects with the connection error when nothing listens, and once closed', async () => {
    const { server, origin } = await listen(createHttpServer());
    await new Promise((resolve) => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    const http = client(origin);
    await expect(http.post('/x', '{}')).rejects.toThrow(/ECONNREFUSED/);
    await http.close();
    await expect(http.post('/x', '{}')).rejects.toThrow(/closed/);
  });
});
