import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringsFor } from '../../src/messages/strings.js';
import { fetchResource } from '../../src/sources/fetchResource.js';
import { startTestServer, type TestServer } from './testServer.js';

/** Range reads through the guarded fetch (the head of an audio file), against servers that keep to Range and not. */

let server: TestServer;
const body = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    if (req.url === '/overlong') return void res.writeHead(206, { 'content-range': 'bytes 0-9/36' }).end(body); // sends more than asked
    if (req.url === '/short') return void res.writeHead(416, { 'content-range': 'bytes */3' }).end();
    if (req.url === '/ignores') return void res.writeHead(200, { 'content-length': body.length }).end(body);
    res.writeHead(404).end();
  });
});

afterAll(async () => {
  await server.close();
});

describe('fetchResource with a range', () => {
  it('asks for the bytes uncompressed, and keeps no more than asked even when the server sends more', async () => {
    const result = await fetchResource(`${server.origin}/overlong`, { allowPrivateNetwork: true, range: { start: 0, end: 9 } });
    expect(result).toMatchObject({ ok: true, value: { status: 'ok' } });
    if (result.ok && result.value.status === 'ok') expect(Buffer.from(result.value.bytes).toString()).toBe('0123456789');
    const seen = server.seen.find((r) => r.url === '/overlong');
    expect(seen?.headers.range).toBe('bytes=0-9');
    expect(seen?.headers['accept-encoding']).toBe('identity');
  });

  it('cuts the range out of a whole body from a server that ignores Range', async () => {
    const result = await fetchResource(`${server.origin}/ignores`, { allowPrivateNetwork: true, range: { start: 4, end: 11 } });
    if (!result.ok || result.value.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(Buffer.from(result.value.bytes).toString()).toBe('456789ab');
  });

  it('says a file is too short for the range (416)', async () => {
    const result = await fetchResource(`${server.origin}/short`, { allowPrivateNetwork: true, range: { start: 0, end: 9 } });
    expect(result).toStrictEqual({ ok: false, error: { code: 'rangeUnsatisfiable', url: `${server.origin}/short`, start: 0, end: 9 } });
    if (result.ok) return;
    expect(stringsFor('en').problem(result.error)).toBe(`Could not fetch ${server.origin}/short: it holds no bytes 0-9 (HTTP 416).`);
    expect(stringsFor('sv').problem(result.error)).toBe(`Kunde inte hämta ${server.origin}/short: filen har inga byte 0–9 (HTTP 416).`);
  });
});
