import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { convertWinkEmbeddings, loadWordVectors } from '../../../src/sources/loadWordVectors.js';

/** A file in the package's shape: {"words": [...], "vectors": {"word": [d1..dn, l2norm, rank]}, ...}. */
function winkFile(entries: [string, number[], number][], dims: number): string {
  const vectors = entries.map(([w, v, rank]) => `${JSON.stringify(w)}:[${[...v, Math.hypot(...v), rank].join(',')}]`).join(',');
  return `{"precision":8,"l2NormIndex":${dims},"wordIndex":${dims + 1},"size":${entries.length},"dimensions":${dims},"words":[${entries.map(([w]) => JSON.stringify(w)).join(',')}],"vectors":{${vectors}},"unkVector":[${new Array(dims + 2).fill(0).join(',')}]}`;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podcord-vectors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('convertWinkEmbeddings', () => {
  it('keeps the most common words the tokenizer can produce, in rank order, with their vectors', async () => {
    const path = join(dir, 'wink.json');
    await writeFile(
      path,
      winkFile(
        [
          ['car', [1, 0, 0], 2],
          ['the', [0, 1, 0], 0],
          [',', [0, 0, 1], 1],
          ['"', [0, 0, 1], 3],
          ['long-term', [0.5, 0.5, 0], 4],
          ['Car', [1, 1, 1], 5],
          ['crash', [-1.5e-1, 2, 0], 6],
          ['rare', [1, 1, 0], 7],
        ],
        3,
      ),
    );
    const vectors = await convertWinkEmbeddings(path, 4);
    expect(vectors.words).toEqual(['the', 'car', 'long-term', 'crash']);
    const crash = vectors.vector(vectors.lookup('crash'));
    expect(crash[0]).toBeCloseTo(-0.15 / Math.hypot(0.15, 2), 1);
    expect(crash[1]).toBeCloseTo(2 / Math.hypot(0.15, 2), 1);
  });

  it('stops with a reason on a file without vectors', async () => {
    const path = join(dir, 'other.json');
    await writeFile(path, '{"words": ["a"]}');
    await expect(convertWinkEmbeddings(path, 10)).rejects.toThrow(/no "vectors"/);
  });
});

describe('loadWordVectors', () => {
  it('says why when there is neither a cached file nor the package', async () => {
    const loaded = await loadWordVectors({ cachePath: join(dir, 'none.bin'), sourcePath: null });
    expect(loaded).toEqual({ ok: false, reason: expect.stringMatching(/none\.bin.*not installed: run `npm run vectors` once/) });
    const missing = await loadWordVectors({ cachePath: join(dir, 'none.bin'), sourcePath: join(dir, 'gone.json') });
    expect(missing).toEqual({ ok: false, reason: expect.stringMatching(/gone\.json: run `npm run vectors` once/) });
  });

  it('converts once, writes the cache, and reads the cache from then on', async () => {
    const source = join(dir, 'wink.json');
    await writeFile(source, winkFile([['car', [1, 0], 0], ['crash', [0, 1], 1]], 2));
    const cachePath = join(dir, 'cache', 'vectors.bin');
    const first = await loadWordVectors({ cachePath, sourcePath: source });
    expect(first.ok && first.from).toBe('converted');
    await rm(source);
    const second = await loadWordVectors({ cachePath, sourcePath: source });
    expect(second.ok && second.from).toBe('cache');
    expect(second.ok && second.vectors.words).toEqual(['car', 'crash']);
  });

  it('reports a damaged cache file instead of serving it', async () => {
    const cachePath = join(dir, 'vectors.bin');
    await writeFile(cachePath, 'not vectors at all, just text');
    const loaded = await loadWordVectors({ cachePath, sourcePath: null });
    expect(loaded).toEqual({
      ok: false,
      reason: expect.stringMatching(/vectors\.bin: word vectors: not a Podcord word-vector file: run `npm run vectors -- --force`/),
    });
    expect(await readFile(cachePath, 'utf8')).toBe('not vectors at all, just text');
  });
});
