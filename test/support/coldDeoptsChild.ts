/**
 * Run with `--trace-deopt --print-opt-source` and a feed file: its first parse in this fresh process, the result kept as
 * a bot keeps its episodes. V8's trace on stdout then says which optimised code it threw away, and the sources it printed
 * say whose it was (see coldDeopts.test.ts).
 */
import { readFileSync } from 'node:fs';
import { parseFeed } from '../../src/data/feed/parseFeed.js';

const parsed = parseFeed(readFileSync(process.argv[2] ?? ''));
if (!parsed.ok) throw new Error(parsed.error);
const { episodes } = parsed.value;
const persons = episodes.reduce((n, e) => n + (e.persons?.length ?? 0), 0);
const chapters = episodes.reduce((n, e) => n + e.chapters.length, 0);
process.stdout.write(`\nPARSED ${episodes.length} episodes, ${persons} persons, ${chapters} chapters\n`);
