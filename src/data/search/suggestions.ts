/**
 * Query suggestions from the dictionary: "did you mean" (suggestQueries) and word completion for search-as-you-type
 * (completeQuery). They decide what to offer and in what order; the dictionary and postings are reached through
 * CompletionSource, which SearchIndex provides.
 */
import type { Expansion, Lexicon } from './queryExpansion.js';
import { queryStems } from './analyze.js';
import { tokenize } from './tokenize.js';

export interface CompletionSource extends Lexicon {
  /** How many passages hold the expansion's stem (removed ones too, until the next compaction). */
  df(e: Expansion): number;
  /**
   * Per candidate: how many live passages of the allowed podcasts (undefined: any) hold every one of `words` and
   * the candidate.
   */
  countTogether(words: readonly Expansion[], candidates: readonly Expansion[], allowed: Uint8Array | undefined): number[];
}

/**
 * "Did you mean": the query with each word the index does not know replaced by its closest dictionary words
 * (fewest edits, then most frequent). Empty when every word is known. With `allowed` (a flag per podcast
 * number), known and suggested words are those of these podcasts only.
 */
export function suggestQueries(query: string, limit: number, allowed: Uint8Array | undefined, lexicon: Lexicon): string[] {
  const occurs = (s: string): boolean => {
    const e = lexicon.expansionFor(s, 1);
    return e !== undefined && lexicon.occursIn(e, allowed);
  };
  const tokens = tokenize(query);
  const languages = lexicon.languages(allowed);
  const replacements: { start: number; end: number; candidates: string[] }[] = [];
  for (const token of tokens) {
    const stems = queryStems(token.folded, languages);
    if (stems.length === 0 || stems.some(occurs)) continue;
    const maxDistance = token.folded.length >= 5 ? 2 : token.folded.length >= 3 ? 1 : 0;
    if (maxDistance === 0) continue;
    const byStem = new Map<string, { display: string; distance: number; count: number; df: number }>();
    lexicon.forEachSurfaceNear(token.folded, maxDistance, (_surface, s, distance, count, display) => {
      const seen = byStem.get(s);
      if (seen === undefined || distance < seen.distance || (distance === seen.distance && count > seen.count)) {
        byStem.set(s, { display, distance, count, df: seen?.df ?? lexicon.stemDf(s) });
      }
    });
    const candidates = [...byStem.entries()]
      .filter(([s]) => occurs(s))
      .map(([, c]) => c)
      .sort((a, b) => a.distance - b.distance || b.df - a.df || b.count - a.count)
      .slice(0, limit)
      .map((c) => c.display);
    if (candidates.length > 0) replacements.push({ start: token.start, end: token.end, candidates });
  }
  if (replacements.length === 0) return [];
  const out: string[] = [];
  // The i-th suggestion takes the i-th candidate for the first unknown word and the best for the rest.
  const first = replacements[0] as { candidates: string[] };
  for (let i = 0; i < first.candidates.length && out.length < limit; i++) {
    let text = query;
    for (let r = replacements.length - 1; r >= 0; r--) {
      const rep = replacements[r] as { start: number; end: number; candidates: string[] };
      const word = r === 0 ? rep.candidates[i] : rep.candidates[0];
      text = text.slice(0, rep.start) + word + text.slice(rep.end);
    }
    if (!out.includes(text)) out.push(text);
  }
  return out;
}

/**
 * Autocomplete: the query with its last (partial) word completed, best first. Completions that occur together
 * with the earlier words rank by how many passages hold them all; otherwise by how common the word is. With
 * `allowed`, only words these podcasts hold are offered, and only their passages count as together.
 */
export function completeQuery(prefix: string, limit: number, allowed: Uint8Array | undefined, lexicon: CompletionSource): string[] {
  const tokens = tokenize(prefix);
  const last = tokens[tokens.length - 1];
  if (last === undefined || last.end !== prefix.length) return [];
  const byStem = new Map<string, { display: string; count: number }>();
  lexicon.forEachSurfaceWithPrefix(last.folded, (_surface, s, count, display) => {
    const seen = byStem.get(s);
    if (seen === undefined || count > seen.count) byStem.set(s, { display, count });
  });
  if (byStem.size === 0) return [];
  const ranked = [...byStem.entries()]
    .flatMap(([s, c]) => {
      const expansion = lexicon.expansionFor(s, 1);
      return expansion === undefined ? [] : [{ expansion, display: c.display, df: lexicon.df(expansion), together: 0 }];
    })
    .sort((a, b) => b.df - a.df || (a.display < b.display ? -1 : 1));
  // The 50 most common that the reader can find (global document frequencies order them, as they do BM25's idf).
  let candidates: typeof ranked = [];
  for (const c of ranked) {
    if (candidates.length >= 50) break;
    if (lexicon.occursIn(c.expansion, allowed)) candidates.push(c);
  }

  // An earlier word counts by its stem in the first language in scope that holds it (a passage has one language).
  const languages = lexicon.languages(allowed);
  const previous = tokens
    .slice(0, -1)
    .map((t) => queryStems(t.folded, languages).map((s) => lexicon.expansionFor(s, 1)).find((e) => e !== undefined))
    .filter((e): e is Expansion => e !== undefined);
  if (previous.length > 0 && previous.length < 8) {
    const together = lexicon.countTogether(previous, candidates.map((c) => c.expansion), allowed);
    candidates.forEach((c, i) => (c.together = together[i] as number));
    if (candidates.some((c) => c.together > 0)) {
      candidates = candidates.filter((c) => c.together > 0).sort((a, b) => b.together - a.together || b.df - a.df);
    }
  }
  const head = prefix.slice(0, last.start);
  return candidates.slice(0, limit).map((c) => head + c.display);
}
