import { readFileSync } from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { operatorAdvice } from '../../src/data/problems.js';
import { describeProblem } from '../../src/messages/problemText.js';
import { fetchResource, type FetchResourceOptions, type FetchedResource } from '../../src/sources/fetchResource.js';
import type { ResolveHost } from '../../src/sources/vetUrl.js';
import { startTestServer, unusedPort, type TestServer } from './testServer.js';

const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Test</title></channel></rss>';
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const local: FetchResourceOptions = { allowPrivateNetwork: true };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  server = await startTestServer(handler);
  return server;
}

function expectOk(result: Awaited<ReturnType<typeof fetchResource>>): FetchedResource {
  if (!result.ok) throw new Error(`expected ok, got error: ${result.error}`);
  return result.value;
}

function expectBody(result: Awaited<ReturnType<typeof fetchResource>>): Extract<FetchedResource, { status: 'ok' }> {
  const value = expectOk(result);
  if (value.status !== 'ok') throw new Error(`expected a body, got ${value.status}`);
  return value;
}

function expectError(result: Awaited<ReturnType<typeof fetchResource>>): string {
  if (result.ok) throw new Error(`expected an error, got ${result.value.status}`);
  return describeProblem(result.error);
}

/** Zeros forever: a body with no end, so only an early abort lets the test finish. */
function endlessZeros(): Readable {
  const chunk = Buffer.alloc(64 * 1024);
  return new Readable({
    read() {
      this.push(chunk);
    },
  });
}

describe('fetchResource: conditional requests', () => {
  it('returns the body and ETag, then not-modified when the stored ETag is sent back', async () => {
    const s = await serve((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' }).end();
        return;
      }
      res.writeHead(200, { etag: '"v1"', 'content-type': 'application/rss+xml; charset=utf-8' }).end(FEED);
    });
    const first = expectBody(await fetchResource(`${s.origin}/feed.xml`, local));
    expect(text(first.bytes)).toBe(FEED);
    expect(first.etag).toBe('"v1"');
    expect(first.contentType).toBe('application/rss+xml; charset=utf-8');
    expect(first.finalUrl).toBe(`${s.origin}/feed.xml`);
    expect(first.permanentRedirect).toBe(false);
    expect(s.seen[0]?.headers['if-none-match']).toBeUndefined();

    const second = expectOk(await fetchResource(`${s.origin}/feed.xml`, { ...local, etag: first.etag ?? '' }));
    expect(second.status).toBe('not-modified');
    expect(s.seen[1]?.headers['if-none-match']).toBe('"v1"');
  });

  it('sends If-Modified-Since from a stored Last-Modified and reports it from a 200', async () => {
    const stamp = 'Wed, 21 Oct 2015 07:28:00 GMT';
    const s = await serve((req, res) => {
      if (req.headers['if-modified-since'] === stamp) {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, { 'last-modified': stamp }).end(FEED);
    });
    const first = expectBody(await fetchResource(`${s.origin}/feed.xml`, local));
    expect(first.lastModified).toBe(stamp);
    expect(first.etag).toBeUndefined();
    expect('etag' in first).toBe(false);

    const second = expectOk(await fetchResource(`${s.origin}/feed.xml`, { ...local, lastModified: stamp }));
    expect(second.status).toBe('not-modified');
    expect(s.seen[1]?.headers['if-modified-since']).toBe(stamp);
  });

  it('sends basic auth from the URL of a private feed, and keeps the password out of error messages', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/private') return void res.writeHead(200).end(FEED);
      res.writeHead(401).end();
    });
    const withAuth = `http://listener:s%40cret@127.0.0.1:${s.port}`;
    expectBody(await fetchResource(`${withAuth}/private`, local));
    expect(s.seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('listener:s@cret').toString('base64')}`);
    const error = expectError(await fetchResource(`${withAuth}/other`, local));
    expect(error).toBe(`Could not fetch http://***@127.0.0.1:${s.port}/other: the server answered HTTP 401 Unauthorized.`);
  });

  it('identifies itself with the Podcord User-Agent and accepts compressed bodies', async () => {
    const s = await serve((_req, res) => res.end(FEED));
    expectBody(await fetchResource(`${s.origin}/`, local));
    expect(s.seen[0]?.headers['user-agent']).toMatch(/^Podcord\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/podcord\/podcord\)$/);
    expect(s.seen[0]?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });
});

describe('fetchResource: compressed bodies', () => {
  it.each([
    ['gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['deflate', (b: Buffer) => zlib.deflateSync(b)],
    ['br', (b: Buffer) => zlib.brotliCompressSync(b)],
  ])('decompresses a %s body', async (encoding, compress) => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-encoding': encoding }).end(compress(Buffer.from(FEED))));
    expect(text(expectBody(await fetchResource(`${s.origin}/`, local)).bytes)).toBe(FEED);
  });

  it('decompresses raw deflate sent as "deflate"', async () => {
    const s = await serve((_req, res) =>
      res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateRawSync(Buffer.from(FEED))),
    );
    expect(text(expectBody(await fetchResource(`${s.origin}/`, local)).bytes)).toBe(FEED);
  });

  it('refuses an unknown Content-Encoding', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-encoding': 'zstd' }).end('x'));
    expect(expectError(await fetchResource(`${s.origin}/`, local))).toMatch(/unsupported Content-Encoding "zstd"/);
  });

  it('reports a corrupt compressed body', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all'));
    expect(expectError(await fetchResource(`${s.origin}/`, local))).toMatch(/Could not fetch/);
  });
});

describe('fetchResource: size cap', () => {
  it('accepts a body of exactly maxBytes', async () => {
    const s = await serve((_req, res) => res.end(Buffer.alloc(1000, 97)));
    expect(expectBody(await fetchResource(`${s.origin}/`, { ...local, maxBytes: 1000 })).bytes.length).toBe(1000);
  });

  it('refuses a body that never ends once it passes the cap', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      endlessZeros().pipe(res);
    });
    const error = expectError(await fetchResource(`${s.origin}/huge.xml`, { ...local, maxBytes: 1024 * 1024 }));
    expect(error).toBe(`Refusing ${s.origin}/huge.xml: the response is larger than the 1 MB limit.`);
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(20 * 1024 * 1024) });
      res.write(Buffer.alloc(10)); // and then nothing more: only the header can have ended the fetch
    });
    expect(expectError(await fetchResource(`${s.origin}/`, local))).toMatch(/larger than the 15 MB limit/);
  });

  it('refuses a gzip bomb on decompressed size, before the stream ends', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      // Compresses about 1000:1 and never ends: only counting decompressed bytes can stop it.
      endlessZeros().pipe(zlib.createGzip()).pipe(res);
    });
    const error = expectError(await fetchResource(`${s.origin}/bomb`, { ...local, maxBytes: 1024 * 1024 }));
    expect(error).toMatch(/larger than the 1 MB limit/);
  });

  it('counts a brotli body on decompressed size', async () => {
    const s = await serve((_req, res) =>
      res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(Buffer.alloc(2 * 1024 * 1024))),
    );
    expect(expectError(await fetchResource(`${s.origin}/`, { ...local, maxBytes: 1024 * 1024 }))).toMatch(/1 MB limit/);
  });
});

describe('fetchResource: failures', () => {
  it('times out on a server that never answers', async () => {
    const s = await serve(() => undefined);
    const error = expectError(await fetchResource(`${s.origin}/slow`, { ...local, timeoutMs: 200 }));
    expect(error).toBe(`Timed out after 200 ms fetching ${s.origin}/slow.`);
  });

  it('times out on a body that stops half way', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part');
    });
    expect(expectError(await fetchResource(`${s.origin}/`, { ...local, timeoutMs: 200 }))).toMatch(/^Timed out/);
  });

  it('stops when the caller cancels', async () => {
    const s = await serve(() => undefined);
    const controller = new AbortController();
    const pending = fetchResource(`${s.origin}/`, { ...local, signal: controller.signal });
    controller.abort();
    expect(expectError(await pending)).toBe(`Fetching ${s.origin}/ was cancelled.`);
  });

  it('reports connection refused clearly', async () => {
    const port = await unusedPort();
    const error = expectError(await fetchResource(`http://127.0.0.1:${port}/feed`, local));
    expect(error).toBe(`Could not fetch http://127.0.0.1:${port}/feed: connection refused (ECONNREFUSED).`);
  });

  it('reports an HTTP error status', async () => {
    const s = await serve((_req, res) => res.writeHead(404).end('gone'));
    expect(expectError(await fetchResource(`${s.origin}/missing`, local))).toBe(
      `Could not fetch ${s.origin}/missing: the server answered HTTP 404 Not Found.`,
    );
  });

  it('reports a name that does not resolve', async () => {
    const lookup: ResolveHost = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(expectError(await fetchResource('https://no-such-host.example/feed', { lookup }))).toBe(
      'Could not fetch https://no-such-host.example/feed: no-such-host.example could not be resolved (no such host).',
    );
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/feed.xml', 'gopher://example.com/', 'data:text/plain,hi'])(
    'refuses the non-http URL %s',
    async (url) => {
      expect(expectError(await fetchResource(url, local))).toMatch(/^Refusing to fetch .*: only http and https URLs/);
    },
  );

  it('refuses text that is not a URL', async () => {
    expect(expectError(await fetchResource('not a url', local))).toBe('"not a url" is not a valid URL.');
  });
});

describe('fetchResource: redirects', () => {
  /** /r/<status>/<n> redirects n more times with that status, then serves the feed at /feed. */
  async function redirector(): Promise<TestServer> {
    return serve((req, res, { origin }) => {
      const match = /^\/r\/(\d+)\/(\d+)$/.exec(req.url ?? '');
      if (match) {
        const remaining = Number(match[2]);
        const next = remaining <= 1 ? '/feed' : `/r/${match[1]}/${remaining - 1}`;
        res.writeHead(Number(match[1]), { location: next }).end();
        return;
      }
      if (req.url === '/mixed') {
        res.writeHead(301, { location: `${origin}/r/302/1` }).end();
        return;
      }
      if (req.url === '/loop-a') return void res.writeHead(301, { location: '/loop-b' }).end();
      if (req.url === '/loop-b') return void res.writeHead(301, { location: '/loop-a' }).end();
      res.writeHead(200, { etag: '"final"' }).end(FEED);
    });
  }

  it.each([301, 308])('follows %i and reports a permanent redirect', async (status) => {
    const s = await redirector();
    const value = expectBody(await fetchResource(`${s.origin}/r/${status}/1`, local));
    expect(value.finalUrl).toBe(`${s.origin}/feed`);
    expect(value.permanentRedirect).toBe(true);
    expect(text(value.bytes)).toBe(FEED);
  });

  it.each([302, 303, 307])('follows %i without reporting a permanent redirect', async (status) => {
    const s = await redirector();
    const value = expectBody(await fetchResource(`${s.origin}/r/${status}/1`, local));
    expect(value.finalUrl).toBe(`${s.origin}/feed`);
    expect(value.permanentRedirect).toBe(false);
  });

  it('does not report a permanent redirect when any hop is temporary', async () => {
    const s = await redirector();
    const value = expectBody(await fetchResource(`${s.origin}/mixed`, local));
    expect(value.finalUrl).toBe(`${s.origin}/feed`);
    expect(value.permanentRedirect).toBe(false);
  });

  it('follows five redirects', async () => {
    const s = await redirector();
    expect(expectBody(await fetchResource(`${s.origin}/r/301/5`, local)).permanentRedirect).toBe(true);
  });

  it('refuses a sixth redirect', async () => {
    const s = await redirector();
    expect(expectError(await fetchResource(`${s.origin}/r/302/6`, local))).toBe(
      `Could not fetch ${s.origin}/r/302/6: more than 5 redirects.`,
    );
    expect(s.seen.map((r) => r.url)).not.toContain('/feed');
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const s = await serve((_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    expect(expectError(await fetchResource(`${s.origin}/feed`, local))).toBe(
      `Refusing to fetch file:///etc/passwd: only http and https URLs can be fetched, not file. (redirected from ${s.origin}/feed)`,
    );
  });

  it('refuses a redirect loop', async () => {
    const s = await redirector();
    expect(expectError(await fetchResource(`${s.origin}/loop-a`, local))).toBe(
      `Could not fetch ${s.origin}/loop-a: redirect loop at ${s.origin}/loop-a.`,
    );
  });

  it('reports a permanent redirect that ends in not-modified', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/old') return void res.writeHead(308, { location: '/new' }).end();
      res.writeHead(304).end();
    });
    const value = expectOk(await fetchResource(`${s.origin}/old`, { ...local, etag: '"x"' }));
    expect(value).toEqual({ status: 'not-modified', finalUrl: `${s.origin}/new`, permanentRedirect: true });
    expect(s.seen[1]?.headers['if-none-match']).toBe('"x"');
  });
});

describe('fetchResource: private network guard', () => {
  const publicLookup: ResolveHost = async () => [{ address: '93.184.216.34', family: 4 }];

  it.each([
    ['a loopback literal', (port: number) => `http://127.0.0.1:${port}/feed`, 'a loopback address (127.0.0.1)'],
    ['localhost', (port: number) => `http://localhost:${port}/feed`, 'localhost is a local name'],
    ['a subdomain of localhost', () => 'http://feeds.localhost/', 'feeds.localhost is a local name'],
    ['a 10.x address', () => 'http://10.1.2.3/feed', 'a private address (10.1.2.3)'],
    ['a 192.168.x address', () => 'https://192.168.0.10/feed', 'a private address (192.168.0.10)'],
    ['a 172.16/12 address', () => 'http://172.31.255.255/', 'a private address (172.31.255.255)'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/', 'a carrier-grade NAT address (100.64.0.1)'],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/', 'a link-local address (169.254.169.254)'],
    ['the unspecified address', () => 'http://0.0.0.0/', 'an unspecified address (0.0.0.0)'],
    ['IPv6 loopback', (port: number) => `http://[::1]:${port}/feed`, 'a loopback address (::1)'],
    ['IPv4-mapped IPv6 loopback', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`, 'a loopback address (::ffff:7f00:1)'],
    ['an IPv6 unique local address', () => 'http://[fd00::1]/', 'a unique local address (fd00::1)'],
    ['an IPv6 link-local address', () => 'http://[fe80::1]/', 'a link-local address (fe80::1)'],
    ['decimal 2130706433', (port: number) => `http://2130706433:${port}/`, 'a loopback address (127.0.0.1)'],
    ['hex and short form 0x7f.1', (port: number) => `http://0x7f.1:${port}/`, 'a loopback address (127.0.0.1)'],
    ['octal 0177.0.0.1', (port: number) => `http://0177.0.0.1:${port}/`, 'a loopback address (127.0.0.1)'],
    ['multicast', () => 'http://224.0.0.1/', 'a multicast address (224.0.0.1)'],
  ])('refuses %s', async (_name, makeUrl, reason) => {
    const s = await serve((_req, res) => res.end(FEED));
    const url = makeUrl(s.port);
    const result = await fetchResource(url, { lookup: publicLookup });
    const error = expectError(result);
    expect(error).toContain(`Refusing to fetch ${url}: `);
    expect(error).toContain(reason);
    // The advice is the operator's: beside the problem (for the log), never in it.
    expect(error).not.toContain('ALLOW_PRIVATE_NETWORK');
    expect(!result.ok && operatorAdvice(result.error)).toContain('Set ALLOW_PRIVATE_NETWORK=true');
    expect(s.seen).toHaveLength(0);
  });

  it('gives the documented message for a loopback literal', async () => {
    expect(expectError(await fetchResource('http://127.0.0.1/feed.xml'))).toBe(
      'Refusing to fetch http://127.0.0.1/feed.xml: it resolves to a loopback address (127.0.0.1), and this bot fetches only from public ' +
        'addresses.',
    );
  });

  it('refuses a public-looking name that resolves to loopback', async () => {
    const s = await serve((_req, res) => res.end(FEED));
    const lookup: ResolveHost = async () => [{ address: '127.0.0.1', family: 4 }];
    const error = expectError(await fetchResource(`http://feeds.example.com:${s.port}/feed`, { lookup }));
    expect(error).toContain('it resolves to a loopback address (127.0.0.1)');
    expect(s.seen).toHaveLength(0);
  });

  it('refuses a name when any of its addresses is private, not only the first', async () => {
    const lookup: ResolveHost = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '::ffff:10.0.0.1', family: 6 },
    ];
    expect(expectError(await fetchResource('http://feeds.example.com/feed', { lookup }))).toContain(
      'a private address (::ffff:10.0.0.1)',
    );
  });

  it('refuses a public URL that redirects to a loopback address', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/start') return void res.writeHead(302, { location: 'http://127.0.0.1/secret' }).end();
      res.end('secret');
    });
    // feeds.example.com "is" 93.184.216.34; the test reaches that address through its own server.
    const connect = (): net.Socket => net.connect(s.port, '127.0.0.1');
    const error = expectError(await fetchResource('http://feeds.example.com/start', { lookup: publicLookup, connect }));
    expect(error).toBe(
      'Refusing to fetch http://127.0.0.1/secret: it resolves to a loopback address (127.0.0.1), and this bot fetches only from public ' +
        'addresses. (redirected from http://feeds.example.com/start)',
    );
    expect(s.seen.map((r) => r.url)).toEqual(['/start']);
  });

  it('connects to the address it vetted, even if the name resolves elsewhere a moment later', async () => {
    const s = await serve((_req, res) => res.end(FEED));
    const answers = [[{ address: '93.184.216.34', family: 4 as const }], [{ address: '127.0.0.1', family: 4 as const }]];
    let lookups = 0;
    const lookup: ResolveHost = async () => answers[Math.min(lookups++, 1)] ?? [];
    const connectedTo: string[] = [];
    const connect = (target: { address: string }): net.Socket => {
      connectedTo.push(target.address);
      return net.connect(s.port, '127.0.0.1');
    };
    expectBody(await fetchResource('http://rebind.example.com/feed', { lookup, connect }));
    expect(lookups).toBe(1);
    expect(connectedTo).toEqual(['93.184.216.34']);
    expect(s.seen[0]?.headers.host).toBe('rebind.example.com');
  });

  it('connects to the resolved address, not to whatever the system resolver says about the name', async () => {
    const s = await serve((_req, res) => res.end(FEED));
    // No system resolver knows this name: only the injected one does.
    const lookup: ResolveHost = async () => [{ address: '127.0.0.1', family: 4 }];
    const value = expectBody(await fetchResource(`http://feeds.podcord.invalid:${s.port}/feed`, { ...local, lookup }));
    expect(text(value.bytes)).toBe(FEED);
    expect(s.seen[0]?.headers.host).toBe(`feeds.podcord.invalid:${s.port}`);
  });

  it('falls back to the next vetted address when the first refuses the connection', async () => {
    const s = await serve((_req, res) => res.end(FEED));
    // Nothing listens on 127.0.0.2 (the server is bound to 127.0.0.1 only).
    const lookup: ResolveHost = async () => [
      { address: '127.0.0.2', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    const value = expectBody(await fetchResource(`http://two.podcord.invalid:${s.port}/feed`, { ...local, lookup }));
    expect(text(value.bytes)).toBe(FEED);
  });

  it('allows private addresses when allowPrivateNetwork is true', async () => {
    const s = await serve((_req, res) => res.end(FEED));
    const lookup: ResolveHost = async () => [{ address: '127.0.0.1', family: 4 }];
    for (const url of [`${s.origin}/a`, `http://2130706433:${s.port}/b`, `http://localhost:${s.port}/c`]) {
      expect(text(expectBody(await fetchResource(url, { ...local, lookup })).bytes)).toBe(FEED);
    }
    expect(s.seen.map((r) => r.url)).toEqual(['/a', '/b', '/c']);
  });
});

describe('fetchResource: https', () => {
  it('connects over TLS to the vetted address, sends the host name for SNI and verifies the certificate', async () => {
    const fixtures = new URL('./fixtures/', import.meta.url);
    const credentials = {
      key: readFileSync(new URL('test-only-tls.key', fixtures)),
      cert: readFileSync(new URL('test-only-tls.crt', fixtures)),
    };
    const context = tls.createSecureContext(credentials);
    const servernames: string[] = [];
    const tlsServer = https.createServer(
      {
        ...credentials,
        SNICallback: (servername, callback) => {
          servernames.push(servername);
          callback(null, context);
        },
      },
      (_req, res) => res.end(FEED),
    );
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = tlsServer.address() as AddressInfo;
      // Only the injected resolver knows this name: the connection can only have gone to the address it gave.
      const lookup: ResolveHost = async () => [{ address: '127.0.0.1', family: 4 }];
      const error = expectError(await fetchResource(`https://feeds.podcord.test:${port}/feed`, { ...local, lookup }));
      // The self-signed certificate is not trusted: reaching that verdict means the handshake ran against our server.
      expect(error).toBe(
        `Could not fetch https://feeds.podcord.test:${port}/feed: TLS problem: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT).`,
      );
      expect(servernames).toEqual(['feeds.podcord.test']);
    } finally {
      tlsServer.closeAllConnections();
      await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
    }
  });
});
