import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog, EVERY_PODCAST } from '../../src/data/catalog.js';
import { parseFeed } from '../../src/data/feed/parseFeed.js';

/**
 * `npm run inspect` as a process (node + tsx, as the npm script runs it) against feeds and chapters files served on
 * 127.0.0.1. The server runs in this process, so the child is started without blocking the event loop.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'src/cli/inspect.ts');
// Resolved here, so the child finds tsx from any working directory (the .env test runs it in a temporary one).
const tsx = import.meta.resolve('tsx');

interface Run {
  code: number;
  out: string;
  err: string;
}

function inspect(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // The parent's own setting must not decide a test about where the setting comes from.
  if (options.env?.['ALLOW_PRIVATE_NETWORK'] === undefined) delete env['ALLOW_PRIVATE_NETWORK'];
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsx, script, ...args], { cwd: options.cwd ?? emptyDir(), env, timeout: 60_000 }, (error, out, err) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out, err });
    });
  });
}

const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'podcord-inspect-cwd-'));

// What PHP prints before a feed when a plugin warns: over 2 KB of it, so the feed starts well past any short sniff.
const PHP_WARNINGS = Array.from(
  { length: 24 },
  (_, i) =>
    `<br />\n<b>Warning</b>:  Cannot modify header information - headers already sent by (output started at /var/www/wp-content/plugins/seo/seo.php:${i}) in <b>/var/www/wp-includes/feed-rss2.php</b> on line <b>${i + 8}</b><br />\n`,
).join('');

function item(o: { title: string; guid: string; date: string; number?: number; chapters?: string; notes?: string }): string {
  return `<item><title>${o.title}</title><guid isPermaLink="false">${o.guid}</guid><pubDate>${o.date}</pubDate>
${o.number === undefined ? '' : `<itunes:episode>${o.number}</itunes:episode>`}
<enclosure url="https://cdn.example.invalid/${o.guid}.mp3" length="1" type="audio/mpeg"/>
${o.chapters === undefined ? '' : `<podcast:chapters url="${o.chapters}" type="application/json+chapters"/>`}
<description>${o.notes ?? 'Notes.'}</description></item>`;
}

function feed(base: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Junk First</title><link>https://example.invalid/</link>
${item({ title: 'Top 3 tips for hosts', guid: 'e12', date: 'Fri, 04 Dec 2026 09:00:00 +0000', number: 12, chapters: `${base}/chapters/12.json`, notes: '00:00 Notes intro\n01:00 Notes end' })}
${item({ title: 'Bonus: behind the scenes', guid: 'bonus', date: 'Thu, 03 Dec 2026 09:00:00 +0000', chapters: `${base}/chapters/missing.json` })}
${item({ title: 'The third one', guid: 'e11', date: 'Fri, 27 Nov 2026 09:00:00 +0000', number: 11 })}
${item({ title: 'Number two', guid: 'e2', date: 'Fri, 20 Nov 2026 09:00:00 +0000', number: 2 })}
</channel></rss>`;
}

const CHAPTERS_12 = JSON.stringify({
  version: '1.2.0',
  chapters: [
    { startTime: 0, title: 'From the chapters file' },
    { startTime: 95.5, title: 'Second file chapter' },
  ],
});

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/junk-feed.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(`${PHP_WARNINGS}${feed(base)}`);
    } else if (url === '/chapters/12.json') {
      res.writeHead(200, { 'content-type': 'application/json+chapters' });
      res.end(CHAPTERS_12);
    } else {
      res.writeHead(404);
      res.end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

interface Doc {
  podcast: { title: string };
  episodes: { id: string; title: string; chaptersUrl?: string; chaptersUrlProblem?: string; chapters: { startSeconds: number; title: string; source: string; url?: string }[] }[];
}

// Each test starts one to five processes (tsx compiles the CLI in each); the machine may be busy.
describe('npm run inspect, as a process, against a local server', { timeout: 120_000 }, () => {
  it('finds a feed after kilobytes of PHP warnings and shows the chapters its <podcast:chapters> file holds', async () => {
    const run = await inspect([`${base}/junk-feed.xml`, '--json'], { env: { ALLOW_PRIVATE_NETWORK: 'true' } });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.out) as Doc;
    expect(doc.podcast.title).toBe('Junk First');
    expect(doc.episodes.map((e) => e.id)).toEqual(['e12', 'bonus', 'e11', 'e2']);
    const [newest, bonus] = doc.episodes;
    // The file's chapters replace the notes' own list, as the bot's poller does, with links to their moments.
    expect(newest?.chapters).toEqual([
      { startSeconds: 0, title: 'From the chapters file', source: 'json', url: 'https://cdn.example.invalid/e12.mp3#t=0' },
      { startSeconds: 95.5, title: 'Second file chapter', source: 'json', url: 'https://cdn.example.invalid/e12.mp3#t=95' },
    ]);
    expect(newest?.chaptersUrl).toBe(`${base}/chapters/12.json`);
    expect(bonus?.chapters).toEqual([]);
    expect(bonus?.chaptersUrlProblem).toMatch(/^not fetched: .*404/);
  });

  it('says in the text output where the chapters came from and why a file was not used', async () => {
    const run = await inspect([`${base}/junk-feed.xml`], { env: { ALLOW_PRIVATE_NETWORK: 'true' } });
    expect(run.code).toBe(0);
    expect(run.out).toContain('■ Top 3 tips for hosts');
    expect(run.out).toContain('0:00  From the chapters file  https://cdn.example.invalid/e12.mp3#t=0');
    expect(run.out).toContain(`(chapters from json: ${base}/chapters/12.json)`);
    expect(run.out).toMatch(new RegExp(`chapters file ${base}/chapters/missing.json: not fetched: .*404`));
    expect(run.out).not.toContain('Notes intro');
  });

  it('takes ALLOW_PRIVATE_NETWORK from .env as it takes the flag, and refuses a private address without either', async () => {
    const refused = await inspect([`${base}/junk-feed.xml`]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^inspect: .*loopback/);

    const withFlag = await inspect([`${base}/junk-feed.xml`, '--allow-private-network', '--json']);
    expect(withFlag.code).toBe(0);

    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'ALLOW_PRIVATE_NETWORK=true\n');
    const withEnvFile = await inspect([`${base}/junk-feed.xml`, '--json'], { cwd: dir });
    expect(withEnvFile.err).toBe('');
    expect(withEnvFile.code).toBe(0);
    // The chapters file, on the same private address, is fetched under the same permission.
    expect((JSON.parse(withEnvFile.out) as Doc).episodes[0]?.chapters[0]?.source).toBe('json');
    expect(withEnvFile.out).toBe(withFlag.out);
  });

  it('reads --episode N as /episode episode:N does: the episode numbered N, else title words, never the Nth in the feed', async () => {
    const env = { ALLOW_PRIVATE_NETWORK: 'true' };
    const parsed = parseFeed(new TextEncoder().encode(feed(base)));
    if (!parsed.ok) throw new Error(parsed.error);
    const catalog = new Catalog();
    catalog.upsert(parsed.value.podcast, parsed.value.episodes);
    // 2: the episode numbered 2 (fourth in the feed); 3: no episode has that number, the newest title with the word
    // "3" ("Top 3 tips"), not the third item; 11: numbered 11.
    for (const [n, title] of [['2', 'Number two'], ['3', 'Top 3 tips for hosts'], ['11', 'The third one']] as const) {
      const run = await inspect([`${base}/junk-feed.xml`, '--json', '--episode', n], { env });
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.out) as Doc;
      expect(doc.episodes.map((e) => e.title)).toEqual([title]);
      const byCommand = catalog.resolveEpisode(n, undefined, EVERY_PODCAST);
      expect(byCommand.ok && byCommand.value.episode.title).toBe(title);
    }
    const none = await inspect([`${base}/junk-feed.xml`, '--episode', '4'], { env });
    expect(none.code).toBe(1);
    expect(none.out).toBe('');
    expect(none.err).toMatch(/^inspect: No episode matches "4"/);
  });
});

describe('npm run inspect, as a process, on files that start with something else', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'podcord-inspect-files-'));
  const plain = `<rss version="2.0"><channel><title>Starts Late</title>${item({
    title: 'Only',
    guid: 'only',
    date: 'Fri, 04 Dec 2026 09:00:00 +0000',
    notes: '00:00 Hello\n02:00 World',
  })}</channel></rss>`;

  it.each<[string, Uint8Array]>([
    ['a BOM and blank lines', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`\n\n   \n${plain}`)])],
    ['PHP warnings', Buffer.from(`${PHP_WARNINGS}${plain}`)],
    ['a long HTML comment before the XML declaration', Buffer.from(`<!-- ${'cached by a chatty CMS '.repeat(200)}-->\n<?xml version="1.0"?>\n${plain}`)],
    ['a UTF-16 byte-order mark (the whole file in UTF-16)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`<?xml version="1.0" encoding="UTF-16"?>\n${plain}`, 'utf16le')])],
  ])('finds the feed after %s', async (what, bytes) => {
    const file = join(dir, `${what.replace(/\W+/g, '-')}.xml`);
    writeFileSync(file, bytes);
    const run = await inspect([file, '--json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.out) as Doc;
    expect(doc.podcast.title).toBe('Starts Late');
    expect(doc.episodes[0]?.chapters.map((c) => [c.startSeconds, c.title])).toEqual([
      [0, 'Hello'],
      [120, 'World'],
    ]);
  });
});
