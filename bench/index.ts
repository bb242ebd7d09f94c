/**
 * `npm run bench`: every benchmark, each printing its figures against named peers measured in the same run
 * (rss-parser and fast-xml-parser, MiniSearch, a naive sequential poll loop; `poll` also SQLite against PostgreSQL
 * with one and two workers) or against the goal where no peer runs that path. `npm run bench -- feeds search`
 * runs only those. `parsing`: the event-loop stall of a big feed's parse with and without the worker pool; `compaction`:
 * the stall of a topic-index compaction (this thread vs a worker) and of indexing a big podcast (at once vs in slices).
 * `indexload`: loading the library bench's saved topic index, as a start did before (whole, at once) and does now (in
 * chunks and slices): the longest event-loop hold and the wall time. `pgsearch`: PostgreSQL's own full-text search against Podcord's index (relevance set, latency and size at 100,000
 * episodes). `pgindex`: an `interactions` replica on PostgreSQL
 * loading the saved topic index against building it (it copies the library bench's database, so it runs after it).
 * `catalogue`: reading the stored catalogue (every episode's summary) from SQLite and PostgreSQL, as a start does.
 * `topicsave`: one save of the topic index by a process holding the library bench's library (peak RSS, time, longest
 * event-loop hold), from a worker's second library as before and streamed from the library as now.
 */
import { runCatalogueReadBench } from './catalogueRead.js';
import { runCompactStallBench } from './compactStall.js';
import { runFeedBench } from './feeds.js';
import { runIndexLoadBench } from './indexLoad.js';
import { runInteractionBench } from './interactions.js';
import { runLibraryBench } from './library.js';
import { runParseStallBench } from './parseStall.js';
import { runPgSearchBench } from './pgFullText.js';
import { runPollBench } from './poll.js';
import { runPostgresTopicIndexBench } from './postgresTopicIndex.js';
import { runSearchBench } from './search.js';
import { runSemanticBench } from './semantic.js';
import { runTopicSaveBench } from './topicSave.js';

const all = { feeds: runFeedBench, search: () => runSearchBench(), semantic: () => runSemanticBench(), interactions: runInteractionBench, poll: runPollBench, parsing: runParseStallBench, compaction: runCompactStallBench, library: runLibraryBench, indexload: runIndexLoadBench, pgsearch: runPgSearchBench, pgindex: runPostgresTopicIndexBench, catalogue: runCatalogueReadBench, topicsave: runTopicSaveBench } as const;
type Name = keyof typeof all;

const wanted = process.argv.slice(2).filter((a): a is Name => a in all);
for (const name of wanted.length > 0 ? wanted : (Object.keys(all) as Name[])) {
  console.log(`\n=== ${name} ===`);
  await all[name]();
}
