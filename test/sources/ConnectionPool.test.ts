import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeProblem } from '../../src/messages/problemText.js';
import { ConnectionPool } from '../../src/sources/ConnectionPool.js';
import { fetchResource } from '../../src/sources/fetchResource.js';
import type { ResolvedAddress } from '../../src/sources/vetUrl.js';

/** Kept-alive connections through fetchResource, on real servers on loopback addresses. */

const servers: http.Server[] = [];
const pools: ConnectionPool[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) pool.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function listen(handler: http.RequestListener, address: string, port = 0): Promise<{ port: number; connections: () => number }> {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, resolve);
  });
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

function pool(): ConnectionPool {
  const created = new ConnectionPool({ maxPerHost: 2 });
  pools.push(created);
  return created;
}

const text = (result: Awaited<ReturnType<typeof fetchResource>>): string => {
  if (!result.ok) throw new Error(describeProblem(result.error));
  if (result.value.status !== 'ok') throw new Error('not modified');
  return new TextDecoder().decode(result.value.bytes);
};

describe('ConnectionPool', () => {
  it('reuses one connection for one host', async () => {
    const server = await listen((_req, res) => res.end('feed'), '127.0.0.1');
    const connections = pool();
    for (let i = 0; i < 5; i++) {
      expect(text(await fetchResource(`http://127.0.0.1:${server.port}/f${i}.xml`, { allowPrivateNetwork: true, connections }))).toBe('feed');
    }
    expect(server.connections()).toBe(1);
  });

  it('keeps the connection after an error answer with a short body (a missing MP3, a gone chapters file)', async () => {
    const server = await listen((req, res) => {
      if (req.url === '/gone.mp3') {
        res.writeHead(404, { 'content-type': 'text/plain', 'content-length': '9' });
        res.end('not found');
      } else res.end('feed');
    }, '127.0.0.1');
    const connections = pool();
    for (let i = 0; i < 6; i++) {
      const gone = await fetchResource(`http://127.0.0.1:${server.port}/gone.mp3`, { allowPrivateNetwork: true, connections });
      expect(gone.ok ? 'ok' : gone.error.code).toBe('http');
      expect(text(await fetchResource(`http://127.0.0.1:${server.port}/show.xml`, { allowPrivateNetwork: true, connections }))).toBe('feed');
    }
    // The answer is returned while its body is still being read away, so the next request may open a second one (the
    // host's limit); before, every error answer closed its connection (7 for these 12 requests).
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it('never hands a connection to a request vetted to another address: a name that now resolves elsewhere gets a new one', async () => {
    // The same name and port on two loopback addresses, each server saying which it is.
    const first = await listen((_req, res) => res.end('first address'), '127.0.0.1');
    const second = await listen((_req, res) => res.end('second address'), '127.0.0.2', first.port);
    let answer: ResolvedAddress[] = [{ address: '127.0.0.1', family: 4 }];
    const lookup = async (): Promise<ResolvedAddress[]> => answer;
    const connections = pool();
    const url = `http://feeds.rebinding.test:${first.port}/show.xml`;

    expect(text(await fetchResource(url, { allowPrivateNetwork: true, lookup, connections }))).toBe('first address');
    answer = [{ address: '127.0.0.2', family: 4 }];
    expect(text(await fetchResource(url, { allowPrivateNetwork: true, lookup, connections }))).toBe('second address');
    answer = [{ address: '127.0.0.1', family: 4 }];
    expect(text(await fetchResource(url, { allowPrivateNetwork: true, lookup, connections }))).toBe('first address');
    // The first address's connection was kept for it and used again.
    expect(first.connections()).toBe(1);
    expect(second.connections()).toBe(1);
  });

  it('sends a request again on a new connection when a kept-alive one turns out closed', async () => {
    // A server that drops each connection when a second request comes on it, as one whose idle timeout just ran out.
    const served = new WeakMap<Socket, number>();
    const server = await listen((req, res) => {
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      if (count > 1) req.socket.destroy();
      else res.end('fresh');
    }, '127.0.0.1');
    const connections = pool();
    for (let i = 0; i < 3; i++) {
      expect(text(await fetchResource(`http://127.0.0.1:${server.port}/show.xml`, { allowPrivateNetwork: true, connections }))).toBe('fresh');
    }
    expect(server.connections()).toBe(3);
  });
});
