/**
 * Run with `--allow-natives-syntax`: tells whether the chapters a feed yields share V8 hidden classes (psc and notes
 * chapters alike, and the notes chapter lists of parseNotesChapters before and after V8 optimises it). Code that reads
 * chapters (links, replies, the store) is deoptimised and compiled again whenever a new hidden class turns up, which a
 * fresh process pays on its first big feed. Prints one JSON line.
 */
import { parseNotesChapters } from '../../src/data/chapters/parseNotesChapters.js';
import { parseFeed } from '../../src/data/feed/parseFeed.js';

// V8's own tests' helpers; `new Function` because TypeScript cannot parse `%` calls.
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b);') as (a: object, b: object) => boolean;
const prepare = new Function('f', '%PrepareFunctionForOptimization(f);') as (f: unknown) => void;
const optimiseOnNextCall = new Function('f', '%OptimizeFunctionOnNextCall(f);') as (f: unknown) => void;

const notes = ['00:00:00 Welcome and news', '00:12:30 The interview', '00:48:00 Listener mail', 'Thanks for listening!'].join('\n');
const feed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:psc="http://podlove.org/simple-chapters"><channel><title>Show</title><link>https://example.org/</link>
<item><title>With psc</title><guid>a</guid><psc:chapters version="1.2"><psc:chapter start="00:00:00" title="Start"/><psc:chapter start="00:05:00" title="Middle"/></psc:chapters></item>
<item><title>With notes</title><guid>b</guid><description>${notes}</description></item>
</channel></rss>`;

const parsed = parseFeed(Buffer.from(feed));
if (!parsed.ok) throw new Error(parsed.error);
const [withPsc, withNotes] = parsed.value.episodes;
const pscChapter = withPsc?.chapters[0];
const notesChapter = withNotes?.chapters[0];
if (withPsc === undefined || pscChapter === undefined || notesChapter === undefined) throw new Error('the feed yielded no chapters');

const unoptimised = parseNotesChapters(notes);
prepare(parseNotesChapters);
for (let i = 0; i < 3; i++) parseNotesChapters(notes);
optimiseOnNextCall(parseNotesChapters);
const optimised = parseNotesChapters(notes);

process.stdout.write(
  `${JSON.stringify({
    chapters: sameMap(pscChapter, notesChapter),
    listsOnceOptimised: sameMap(unoptimised, optimised),
    notesListAndPscList: sameMap(optimised, withPsc.chapters),
  })}\n`,
);
