import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/inspect.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (path: string): string => join(root, 'test/fixtures', path);
const seed = join(root, 'src/data/samples/the-most-interesting-thing-in-ai.txt');

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

describe('inspect', () => {
  it('prints the seed page as one JSON document with its 13 chapters', async () => {
    const { code, out, err } = await inspect(seed, '--json');
    expect(code).toBe(0);
    expect(err).toBe('');
    const doc = JSON.parse(out) as { podcast: { title: string }; episodes: { title: string; durationSeconds: number; publishedAt: string; chapters: { startSeconds: number; title: string; source: string }[] }[] };
    expect(doc.podcast.title).toBe('The Most Interesting Thing in AI');
    expect(doc.episodes).toHaveLength(1);
    const [episode] = doc.episodes;
    expect(episode?.title).toBe('The Case for Open-Source AI - with Nicholas Thompson and Raffi Krikorian');
    expect(episode?.durationSeconds).toBe(3240);
    expect(episode?.publishedAt).toBe('2026-05-06T00:00:00.000Z');
    expect(episode?.chapters.map((c) => c.startSeconds)).toEqual([0, 145, 301, 510, 698, 861, 1000, 1340, 1604, 1924, 2156, 2357, 2816]);
    expect(episode?.chapters.every((c) => c.source === 'notes')).toBe(true);
    // The page has no audio URL, so no chapter gets an invented link.
    expect(episode?.chapters.some((c) => 'url' in c)).toBe(false);
  });

  it('prints a feed episode with timestamp links and omits absent values', async () => {
    // The feed's one episode has no number: /episode finds it by its title's words, and so does --episode.
    const { code, out } = await inspect(fixture('feeds/psc_attributes_minimal.rss'), '--json', '--episode', 'Episode');
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { episodes: { chapters: { source: string; url?: string; startSeconds: number }[] }[] };
    expect(doc.episodes).toHaveLength(1);
    const chapters = doc.episodes[0]?.chapters ?? [];
    expect(chapters.length).toBeGreaterThan(0);
    expect(chapters.every((c) => c.source === 'psc')).toBe(true);
    for (const c of chapters) if (c.url) expect(c.url).toMatch(new RegExp(`#t=${Math.floor(c.startSeconds)}$`));
    expect(out).not.toContain('null');
  });

  it('reads a chapters JSON file as one episode', async () => {
    const { code, out } = await inspect(fixture('chapters/pc20-spec_example.json'), '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { episodes: { chapters: { source: string }[] }[] };
    expect(doc.episodes[0]?.chapters.length).toBeGreaterThan(0);
    expect(doc.episodes[0]?.chapters.every((c) => c.source === 'json')).toBe(true);
  });

  it('shows a host the chapters and the platforms’ verdict in plain text', async () => {
    const { code, out } = await inspect(seed);
    expect(code).toBe(0);
    expect(out).toContain('46:56  Preserving humanity in the age of AI');
    expect(out).toMatch(/✓ youtube would show these chapters/);
  });

  it('fails with one clear line and exit code 1 on bad input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podcord-inspect-'));
    const broken = join(dir, 'broken.xml');
    writeFileSync(broken, '<?xml version="1.0"?><rss version="2.0"><channel><title>Cut');
    for (const args of [[broken], [join(dir, 'missing.xml')], [seed, '--episode', 'two'], [seed, '--episode', '9'], []]) {
      const { code, out, err } = await inspect(...args);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err.split('\n')[0]).toMatch(/^inspect: \S/);
    }
    expect((await inspect(broken)).err).toMatch(/truncated/);
  });

  it('refuses a URL on a private address unless allowed', async () => {
    const { code, err } = await inspect('http://127.0.0.1:9/feed.xml');
    expect(code).toBe(1);
    expect(err).toMatch(/loopback/);
  });

  it('runs as `npm run inspect` does, exiting 1 with the message on stderr', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/inspect.ts'), join(root, 'nope.xml'), '--json'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(`inspect: No such file: ${join(root, 'nope.xml')}`);
  });
});
