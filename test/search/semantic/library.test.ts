import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { libraryWithSemanticSearch } from '../../../src/app.js';
import { Library } from '../../../src/data/library.js';
import type { Episode, Podcast } from '../../../src/data/model.js';
import { WordVectorEncoder } from '../../../src/data/search/semantic/PassageEncoder.js';
import { SemanticIndex } from '../../../src/data/search/semantic/SemanticIndex.js';
import { createLogger } from '../../../src/logger.js';
import { handMadeVectors } from './handMadeVectors.js';

const podcast: Podcast = { id: 'pod', title: 'Pod', categories: [] };
const episode = (id: string, chapters: string[]): Episode => ({
  id,
  title: `Show ${id}`,
  publishedAt: '2024-01-01T00:00:00Z',
  description: '',
  transcripts: [],
  chapters: chapters.map((title, i) => ({ startSeconds: i * 300, title, source: 'json' as const })),
});

const semanticLibrary = (): { library: Library; semantic: SemanticIndex } => {
  const semantic = new SemanticIndex(new WordVectorEncoder(handMadeVectors(), { center: false }));
  return { library: new Library({ semantic }), semantic };
};

describe('Library with a semantic ranker', () => {
  it('answers a query in other words through its topics, landing on the chapter', () => {
    const { library } = semanticLibrary();
    library.upsert(podcast, [episode('a', ['Welcome', 'Automobile collision']), episode('b', ['Banana smoothie'])]);
    expect(library.topics.search('car crash', { limit: 1 })[0]?.passage).toMatchObject({ episodeId: 'a', startSeconds: 300 });
    // The lexical index alone has nothing for it.
    expect(library.search.search('car crash')).toEqual([]);
  });

  it('keeps the semantic side in step when an episode changes or a podcast goes', () => {
    const { library, semantic } = semanticLibrary();
    library.upsert(podcast, [episode('a', ['Automobile collision'])]);
    library.upsert(podcast, [{ ...episode('a', ['Rocket to Mars']), title: 'Show a, edited' }]);
    expect(semantic.search('car crash')).toEqual([]);
    expect(semantic.search('rocket')[0]?.passage.episodeId).toBe('a');
    library.remove('pod');
    expect(semantic.size).toBe(0);
  });

  it('starts lexical-only with one clear log line when the word vectors are missing', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ level: 'info', destination });
    const library = await libraryWithSemanticSearch(log, { cachePath: '/nonexistent/podcord-vectors.bin', sourcePath: null });
    expect(library.semantic).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 40,
      msg: 'semantic search off: word vectors unavailable, topic search is lexical only',
      reason: expect.stringContaining('not installed: run `npm run vectors` once to download and convert them'),
    });
  });
});
