import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeed } from '../../bench/generateFeed.js';

/*
 * The first parse of a fresh process (`inspect`, a new bot's first poll) runs while V8 compiles its code; code thrown
 * away halfway through is compiled again, and a fresh process pays for it. One way to throw it away is a literal (`{...}`
 * or `[]`) whose objects are kept: episodes' persons and chapter lists are the result, so after a few young-generation
 * collections V8 switches the literal to old-space allocation and deoptimises every function allocating there ("code
 * dependencies": the allocation site's tenuring changed). Read from V8's own trace in a child process: which functions'
 * optimised code was marked for deoptimisation, by the source V8 printed when it optimised them.
 */
let dir = '';
let feedPath = '';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'podcord-cold-deopts-'));
  feedPath = path.join(dir, 'feed.xml');
  // The feed bench's generated feed (notes chapters in every third item, psc in every fourth) with persons in every item,
  // as real Podcasting 2.0 feeds list them: a host with a picture and a page, a guest with a page, someone in a group.
  let item = 0;
  const persons = () =>
    `<podcast:person role="host" img="https://example.org/host.jpg" href="https://example.org/host">Host Name</podcast:person>\n` +
    `<podcast:person role="guest" href="https://example.org/guests/${item}">Guest number ${item}</podcast:person>\n` +
    `<podcast:person group="cast">Someone ${item++ % 7}</podcast:person>\n`;
  writeFileSync(feedPath, generateFeed(5_000).replace(/<\/item>/g, () => `${persons()}</item>`));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The sources of the functions whose optimised code V8 threw away for code dependencies during a cold parse. */
function codeThrownAway(): string[] {
  const child = path.join(import.meta.dirname, '../support/coldDeoptsChild.ts');
  const run = spawnSync(process.execPath, ['--trace-deopt', '--print-opt-source', '--import', 'tsx', child, feedPath], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/PARSED 5000 episodes, 15000 persons, 16226 chapters/);
  // `--- FUNCTION SOURCE (file:///.../personTag.ts:) id{50,-1} ...`: the function V8 optimised as `opt id 50`. The ids
  // are counted per isolate, and tsx's loader thread is another one: an id may name two functions, and both are kept.
  const sources = new Map<string, string[]>();
  for (const m of run.stdout.matchAll(/^--- FUNCTION SOURCE \(([^)]*)\) id\{(\d+),-1\}/gm)) {
    const id = m[2] ?? '';
    sources.set(id, [...(sources.get(id) ?? []), m[1] ?? '']);
  }
  const thrown: string[] = [];
  for (const m of run.stdout.matchAll(/marking dependent code .*\(opt id (\d+)\) for deoptimization, reason: code dependencies/g)) {
    thrown.push(...(sources.get(m[1] ?? '') ?? [`opt id ${m[1]}`]));
  }
  return thrown;
}

describe('a cold parse keeps its optimised code', () => {
  it('making the persons and notes chapter lists the result keeps throws no optimised code away', () => {
    const thrown = codeThrownAway().filter((source) => /\/src\/data\/(feed\/personTag|chapters\/parseNotesChapters)\.ts:/.test(source));
    expect(thrown).toEqual([]);
  }, 120_000);
});
