import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Code that reads chapters is specialised by V8 for the hidden classes it has seen; a new one, turning up halfway through
 * a fresh process's first big feed, throws that code away to be compiled again (part of the cold parse the feed bench
 * measures). So every chapter, from psc or from the notes, and every chapter list, whether V8 has optimised the reading
 * yet or not, shares one hidden class. Checked with V8's own intrinsics in a child process (--allow-natives-syntax).
 */
describe('chapter shapes', () => {
  it('psc and notes chapters share a hidden class, and so do notes chapter lists before and after optimisation and psc lists', () => {
    const child = path.join(import.meta.dirname, '../support/chapterShapesChild.ts');
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', child], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const line = run.stdout.trim().split('\n').pop() ?? '';
    expect(JSON.parse(line)).toEqual({ chapters: true, listsOnceOptimised: true, notesListAndPscList: true });
  }, 60_000);
});
