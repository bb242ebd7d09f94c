import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chapter } from '../../src/data/model.js';
import { parseAudioTag } from '../../src/sources/parseAudioTag.js';
import { AUDIO_TAG_MAX_BYTES, id3TagSize, mayCarryId3, readAudioChapters, type ReadAudioChaptersOptions } from '../../src/sources/readAudioChapters.js';
import { startAudioServer, type AudioServer } from '../support/audioServer.js';
import { cover, id3Tag, silentFrames } from '../support/taggedMp3.js';

/**
 * ID3 chapters read from real MP3s (tags written by node-id3, then silent MPEG frames) served over HTTP on 127.0.0.1,
 * by servers that honour Range and by servers that ignore it: the chapters come out exact, and what is read is the
 * tag and never the audio.
 */

const MB = 1024 * 1024;
/** What one read from a socket may bring beyond what was asked for (Node reads up to 64 KB at a time). */
const SOCKET_READ = 64 * 1024;

let server: AudioServer;
const options: ReadAudioChaptersOptions = { fetchOptions: { allowPrivateNetwork: true }, parse: parseAudioTag };

// Written in another order than they are played, and the table of contents names the order to show them in.
const tags = {
  title: 'Episode 12',
  image: cover(300_000),
  chapter: [
    { elementID: 'ch2', startTimeMs: 95_500, endTimeMs: 600_000, tags: { title: 'Ränder & rutor', userDefinedUrl: [{ description: 'chapter url', url: 'https://example.com/stripes' }] } },
    { elementID: 'ch1', startTimeMs: 0, endTimeMs: 95_500, tags: { title: 'Intro' } },
    { elementID: 'ch3', startTimeMs: 600_000, endTimeMs: 3_000_000, tags: { title: 'Listener mail 📬' } },
  ],
  tableOfContents: [{ elementID: 'toc', isOrdered: true, elements: ['ch1', 'ch2', 'ch3'] }],
};
const expected: Chapter[] = [
  { startSeconds: 0, endSeconds: 95.5, title: 'Intro', source: 'audio' },
  { startSeconds: 95.5, endSeconds: 600, title: 'Ränder & rutor', url: 'https://example.com/stripes', source: 'audio' },
  { startSeconds: 600, endSeconds: 3000, title: 'Listener mail 📬', source: 'audio' },
];
const tag = id3Tag(tags);

beforeAll(async () => {
  server = await startAudioServer();
  // A tagged episode of 50 MB, with and without Range support; the same without a tag; a tag past the cap.
  server.files.set('/ranged.mp3', { head: tag, size: 50 * MB, ranges: true, etag: '"v1"' });
  server.files.set('/plain.mp3', { head: tag, size: 50 * MB, ranges: false });
  server.files.set('/untagged.mp3', { head: silentFrames(1), size: 50 * MB, ranges: true });
  server.files.set('/untagged-plain.mp3', { head: silentFrames(1), size: 50 * MB, ranges: false });
  server.files.set('/huge-tag.mp3', { head: id3Tag({ ...tags, image: cover(AUDIO_TAG_MAX_BYTES + 1000) }), size: 10 * MB, ranges: true });
  server.files.set('/short.mp3', { head: tag.subarray(0, 5000), size: 5000, ranges: true });
});

afterAll(async () => {
  await server.close();
});

function requestsFor(path: string) {
  return server.requests.filter((r) => r.path === path);
}

describe('readAudioChapters', () => {
  it('reads the chapters of a tagged MP3 exactly, in table-of-contents order, with two range reads of the tag only', async () => {
    const read = await readAudioChapters(server.url('/ranged.mp3'), options);
    if (!read.ok || read.value.status !== 'ok') throw new Error(JSON.stringify(read));
    expect(read.value.chapters).toStrictEqual(expected);
    expect(read.value.etag).toBe('"v1"');
    expect(requestsFor('/ranged.mp3').map((r) => [r.range, r.status])).toStrictEqual([
      ['bytes=0-9', 206],
      [`bytes=0-${tag.length - 1}`, 206],
    ]);
    console.log(`tag of ${tag.length} bytes (a 300 KB cover in it), Range honoured: ${read.value.bytesRead} bytes read in ${read.value.requests} requests`);
    expect(read.value.bytesRead).toBe(10 + tag.length);
  });

  it('reads no further than the tag from a server that ignores Range', async () => {
    const read = await readAudioChapters(server.url('/plain.mp3'), options);
    if (!read.ok || read.value.status !== 'ok') throw new Error(JSON.stringify(read));
    expect(read.value.chapters).toStrictEqual(expected);
    const seen = requestsFor('/plain.mp3');
    expect(seen.map((r) => r.status)).toStrictEqual([200, 200]);
    const sent = seen.reduce((n, r) => n + r.bytesSent, 0);
    console.log(`tag of ${tag.length} bytes, Range ignored: ${read.value.bytesRead} bytes read (the server had pushed ${sent} of 2 × 50 MB into the sockets when they were closed)`);
    expect(read.value.bytesRead).toBeGreaterThanOrEqual(tag.length);
    // At most the tag plus one socket read past what each request needed.
    expect(read.value.bytesRead).toBeLessThanOrEqual(tag.length + 10 + 2 * SOCKET_READ);
    expect(sent).toBeLessThan(2 * 50 * MB);
  });

  it('costs one 10-byte range read for a 50 MB enclosure without a tag', async () => {
    const read = await readAudioChapters(server.url('/untagged.mp3'), options);
    expect(read).toMatchObject({ ok: true, value: { status: 'ok', chapters: [], requests: 1, bytesRead: 10, note: 'no ID3v2 tag at the start of the file' } });
    expect(requestsFor('/untagged.mp3').map((r) => [r.range, r.status])).toStrictEqual([['bytes=0-9', 206]]);
    console.log('50 MB without a tag, Range honoured: 10 bytes read in 1 request');
  });

  it('costs one request, stopped at once, for an untagged enclosure on a server that ignores Range', async () => {
    const read = await readAudioChapters(server.url('/untagged-plain.mp3'), options);
    if (!read.ok || read.value.status !== 'ok') throw new Error(JSON.stringify(read));
    expect(read.value).toMatchObject({ chapters: [], requests: 1 });
    expect(requestsFor('/untagged-plain.mp3')).toHaveLength(1);
    console.log(`50 MB without a tag, Range ignored: ${read.value.bytesRead} bytes read in 1 request`);
    expect(read.value.bytesRead).toBeLessThanOrEqual(10 + SOCKET_READ);
  });

  it('does not read a tag larger than the cap (mostly pictures), after its 10-byte header', async () => {
    const read = await readAudioChapters(server.url('/huge-tag.mp3'), options);
    expect(read).toMatchObject({ ok: true, value: { status: 'ok', chapters: [], requests: 1, bytesRead: 10 } });
    if (read.ok && read.value.status === 'ok') expect(read.value.note).toMatch(/more than the 2097152 read/);
  });

  it('asks again conditionally: an unchanged file answers 304 to the header read', async () => {
    const before = requestsFor('/ranged.mp3').length;
    const read = await readAudioChapters(server.url('/ranged.mp3'), { ...options, etag: '"v1"' });
    expect(read).toStrictEqual({ ok: true, value: { status: 'not-modified' } });
    expect(requestsFor('/ranged.mp3').slice(before).map((r) => r.status)).toStrictEqual([304]);
  });

  it('fails with a reason for a file that ends inside its tag, and for a missing file', async () => {
    expect(await readAudioChapters(server.url('/short.mp3'), options)).toMatchObject({ ok: false, error: expect.stringMatching(/the file ends inside it/) });
    expect(await readAudioChapters(server.url('/missing.mp3'), options)).toMatchObject({ ok: false, error: expect.stringMatching(/HTTP 404/) });
  });

  it('goes through the guarded fetch: a private address is refused unless allowed', async () => {
    const before = server.requests.length;
    const read = await readAudioChapters(server.url('/ranged.mp3'), { ...options, fetchOptions: {} });
    expect(read.ok).toBe(false);
    expect(server.requests.length).toBe(before);
  });
});

describe('id3TagSize', () => {
  const header = (major: number, flags: number, size: number[]) => Uint8Array.from([0x49, 0x44, 0x33, major, 0, flags, ...size]);

  it('reads the syncsafe size and adds the header, and a v2.4 footer when flagged', () => {
    expect(id3TagSize(header(3, 0, [0, 0, 0x02, 0x01]))).toBe(10 + 257);
    expect(id3TagSize(header(4, 0x10, [0, 0, 0x02, 0x01]))).toBe(10 + 257 + 10);
    expect(id3TagSize(header(3, 0x10, [0, 0, 0x02, 0x01]))).toBe(10 + 257);
    expect(id3TagSize(header(4, 0, [0x7f, 0x7f, 0x7f, 0x7f]))).toBe(10 + 0x0fffffff);
  });

  it('is undefined for anything else', () => {
    expect(id3TagSize(header(3, 0, [0, 0, 0x80, 0]))).toBeUndefined();
    expect(id3TagSize(header(5, 0, [0, 0, 1, 0]))).toBeUndefined();
    expect(id3TagSize(Uint8Array.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(id3TagSize(Uint8Array.from([0x49, 0x44, 0x33]))).toBeUndefined();
  });
});

describe('mayCarryId3', () => {
  it('is true for MPEG audio and for untyped enclosures that do not name another format', () => {
    expect(mayCarryId3('https://cdn.example/e.mp3', 'audio/mpeg')).toBe(true);
    expect(mayCarryId3('https://cdn.example/e', 'audio/mp3')).toBe(true);
    expect(mayCarryId3('https://cdn.example/e.mp3?x=1', undefined)).toBe(true);
    expect(mayCarryId3('https://cdn.example/e.m4a', 'audio/x-m4a')).toBe(false);
    expect(mayCarryId3('https://cdn.example/e.m4a', undefined)).toBe(false);
    expect(mayCarryId3('https://cdn.example/live.m3u8', 'application/x-mpegURL')).toBe(false);
  });
});
