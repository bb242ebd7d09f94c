import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type InspectJson } from '../../src/cli/inspect.js';
import { startAudioServer, type AudioServer } from '../support/audioServer.js';
import { cover, id3Tag, silentFrames } from '../support/taggedMp3.js';

/** `npm run inspect` on audio: an MP3 itself, and the MP3 of the episode asked for with --episode. */

const root = fileURLToPath(new URL('../..', import.meta.url));
const tag = id3Tag({
  image: cover(40_000),
  chapter: [
    { elementID: 'x', startTimeMs: 0, endTimeMs: 90_000, tags: { title: 'Welcome aboard' } },
    { elementID: 'y', startTimeMs: 90_000, endTimeMs: 400_000, tags: { title: 'Knots and splices', userDefinedUrl: [{ description: 'u', url: 'https://example.com/knots' }] } },
  ],
  tableOfContents: [{ elementID: 'toc', isOrdered: true, elements: ['x', 'y'] }],
});

let audio: AudioServer;
let feedServer: http.Server;
let feedUrl: string;

beforeAll(async () => {
  audio = await startAudioServer();
  audio.files.set('/ep.mp3', { head: tag, size: 20 * 1024 * 1024, ranges: true });
  const enclosure = audio.url('/ep.mp3');
  feedServer = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?>
<rss version="2.0"><channel><title>Sailing</title>
<item><title>Knots</title><guid>k1</guid><enclosure url="${enclosure}" type="audio/mpeg" length="1"/>
<description>0:00 Hello
5:00 Notes chapter</description></item></channel></rss>`);
  });
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed.xml`;
});

afterAll(async () => {
  await audio.close();
  await new Promise<void>((resolve) => feedServer.close(() => resolve()));
});

async function inspect(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _e, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await main(args, sink((s) => (out += s)), sink((s) => (err += s)));
  return { code, out, err };
}

describe('inspect on audio', () => {
  it('prints the ID3 chapters of an MP3 file, run as `npm run inspect` runs it (tsx)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podcord-inspect-'));
    const file = join(dir, 'episode.mp3');
    writeFileSync(file, Buffer.concat([tag, silentFrames(20)]));
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/inspect.ts'), file], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/0:00\s+Welcome aboard\n\s+1:30\s+Knots and splices\n\s+\(chapters from audio\)/);
    expect(result.stdout).toContain(`2 chapter(s) in its ${tag.length}-byte ID3 tag`);
  });

  it('reads an MP3 URL with range requests, the tag only', async () => {
    const before = audio.requests.length;
    const { code, out } = await inspect(audio.url('/ep.mp3'), '--allow-private-network', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out) as InspectJson;
    expect(json.episodes[0]?.chapters.map((c) => [c.startSeconds, c.title, c.source])).toStrictEqual([
      [0, 'Welcome aboard', 'audio'],
      [90, 'Knots and splices', 'audio'],
    ]);
    expect(audio.requests.slice(before).map((r) => r.range)).toStrictEqual(['bytes=0-9', `bytes=0-${tag.length - 1}`]);
  });

  it('shows the chapters of the MP3 of the episode asked for over its show notes, with what was read', async () => {
    const { code, out } = await inspect(feedUrl, '--episode', 'Knots', '--allow-private-network'); // found as /episode finds it: by title word
    expect(code).toBe(0);
    expect(out).toContain('Welcome aboard');
    expect(out).not.toContain('Notes chapter');
    expect(out).toContain('(chapters from audio)');
    expect(out).toContain(`audio file: 2 chapter(s) in its ID3 tag; ${tag.length + 10} bytes read in 2 range request(s)`);
    // Without --episode the feed is shown as it is (no read per episode).
    const all = await inspect(feedUrl, '--allow-private-network');
    expect(all.out).toContain('Notes chapter');
  });
});
