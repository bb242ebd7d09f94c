/**
 * Search results digest: every result list the bench query mix gets from a SearchIndex, written as JSON lines, so a
 * refactor of the index can be shown to change no result (same passages, order, scores, highlights, suggestions,
 * completions, serialized bytes). Run it on the code before and after, and diff:
 *
 *   npx tsx bench/searchDigest.ts > after.jsonl
 *   npx tsx bench/searchDigest.ts --index /path/to/old/src/data/search/SearchIndex.ts > before.jsonl
 *   diff before.jsonl after.jsonl && echo same
 *
 * Two indexes per corpus size: one built in one go (compact segment only), and one grown in batches with a small
 * mutableLimit and episodes removed along the way (compact + mutable segments, tombstones). The bench corpus is
 * chapter titles only, so the second one also spreads passages over every field and joins neighbouring titles into
 * longer passages (term frequencies above 1, per-field averages, phrase distances). Each also pruned from small words
 * (SearchIndexOptions.pruning), which by default only an index of 2,000,000 passages does.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Passage, PassageField } from '../src/data/search/passage.js';
import type { SearchIndex as SearchIndexType } from '../src/data/search/SearchIndex.js';
import { generateCorpus, generateQueries } from './generateCorpus.js';

const FIELDS: PassageField[] = ['chapterTitle', 'chapterDescription', 'episodeTitle', 'notes', 'transcript'];
const NOW = Date.parse('2017-06-01T12:00:00Z');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const modulePath = arg('--index') ?? new URL('../src/data/search/SearchIndex.ts', import.meta.url).pathname;
const sizes = (arg('--sizes') ?? '10000,60000').split(',').map(Number);
const { SearchIndex } = (await import(pathToFileURL(modulePath).href)) as { SearchIndex: typeof SearchIndexType };

const out = (label: string, value: unknown): void => {
  process.stdout.write(`${JSON.stringify({ label, value })}\n`);
};

function mixedFields(passages: readonly Passage[]): Passage[] {
  return passages.map((p, i) => {
    const next = passages[i + 1];
    const field = FIELDS[i % FIELDS.length] as PassageField;
    // Longer passages for the long fields, so words repeat and phrase distances vary.
    const text = (field === 'transcript' || field === 'notes') && next !== undefined ? `${p.text} ${next.text} ${p.text}` : p.text;
    const copy: Passage = { ...p, field, text };
    if (i % 11 === 0) delete copy.publishedAt;
    return copy;
  });
}

function queryAll(name: string, index: SearchIndexType, passages: readonly Passage[], queries: readonly string[]): void {
  const podcasts = [...new Set(passages.map((p) => p.podcastId))];
  const half = podcasts.filter((_, i) => Math.floor(i / 2) % 2 === 0);
  const three = [podcasts[0]!, podcasts[1]!, podcasts[Math.floor(podcasts.length / 2)]!];
  const variants: [string, Parameters<SearchIndexType['search']>[1]][] = [
    ['default', undefined],
    ['half', { podcastIds: half }],
    ['three', { podcastIds: three, limit: 10, maxPerEpisode: 1 }],
    ['now', { now: NOW, limit: 20 }],
    ['plain', { prefix: false, fuzzy: false, limit: 8, maxPerEpisode: 3 }],
    ['none', { podcastIds: ['no-such-podcast'] }],
  ];
  for (const [variant, options] of variants) {
    for (const q of queries) out(`${name} search ${variant} ${q}`, index.search(q, options));
  }
  for (const q of queries) {
    const typed = q.slice(0, Math.max(2, Math.ceil(q.length * 0.6)));
    out(`${name} complete ${typed}`, [index.complete(typed, 25), index.complete(typed, 5, half), index.complete(typed, 5, three)]);
    out(`${name} suggest ${q}`, [index.suggest(q), index.suggest(q, 3, half)]);
  }
  out(`${name} stats`, index.stats());
}

for (const size of sizes) {
  const corpus = generateCorpus(size);
  const queries = generateQueries(corpus).map((q) => q.text);
  queries.push('', 'the', 'the experiment', 'och', 'a b c d e f g h i j', 'résumé café', "it's");

  const built = SearchIndex.build(corpus.passages);
  queryAll(`${size} built`, built, corpus.passages, queries);
  // The first word pruned (readShared) from small words, and later words probing what it found, as at a million
  // episodes (by default only an index of 2,000,000 passages prunes): what a change to those paths must leave alone.
  const pruned = SearchIndex.build(corpus.passages, { pruning: { minPostings: 200, prefix: 64, minPassages: 0 } });
  queryAll(`${size} pruned`, pruned, corpus.passages, queries.slice(0, 200));
  const bytes = built.serialize();
  out(`${size} serialized`, createHash('sha256').update(bytes).digest('hex'));
  const loaded = SearchIndex.load(bytes);
  for (const q of queries.slice(0, 100)) out(`${size} loaded ${q}`, loaded.search(q));

  const mixed = mixedFields(corpus.passages);
  const grown = new SearchIndex({ mutableLimit: Math.floor(size / 8) });
  const batch = Math.ceil(mixed.length / 10);
  for (let i = 0; i < mixed.length; i += batch) {
    grown.add(mixed.slice(i, i + batch));
    // Remove a few episodes of what came so far: tombstones in both segments.
    for (let k = i; k < i + batch && k < mixed.length; k += 997) {
      const p = mixed[k] as Passage;
      out(`${size} removed ${p.episodeId}`, grown.removeEpisode(p.podcastId, p.episodeId));
    }
  }
  queryAll(`${size} grown`, grown, mixed, queries);
  const grownPruned = new SearchIndex({ mutableLimit: Math.floor(size / 8), pruning: { minPostings: 200, prefix: 64, minPassages: 0 } });
  for (let i = 0; i < mixed.length; i += batch) {
    grownPruned.add(mixed.slice(i, i + batch));
    for (let k = i; k < i + batch && k < mixed.length; k += 997) grownPruned.removeEpisode((mixed[k] as Passage).podcastId, (mixed[k] as Passage).episodeId);
  }
  queryAll(`${size} grown pruned`, grownPruned, mixed, queries.slice(0, 200));
  grown.compact();
  queryAll(`${size} grown+compacted`, grown, mixed, queries.slice(0, 100));
}
