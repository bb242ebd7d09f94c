import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EpisodeSchema, PodcastSchema } from '../../src/data/model.js';
import { parseFeed } from '../../src/data/feed/parseFeed.js';

/**
 * Golden files, rss-parser style: every feed in test/fixtures/feeds is parsed and compared with
 * test/golden/feeds/<name>.json. After an intended change, regenerate with
 *   UPDATE_GOLDEN=1 npx vitest run test/feed/golden.test.ts
 * and review the diff by eye (titles, dates, durations, descriptions) before committing it.
 */
const feedsDir = fileURLToPath(new URL('../fixtures/feeds/', import.meta.url));
const goldenDir = fileURLToPath(new URL('../golden/feeds/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';
const feeds = readdirSync(feedsDir).filter((name) => /\.(xml|rss)$/.test(name)).sort();

describe('golden feeds', () => {
  it('covers at least 12 real feeds', () => {
    expect(feeds.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of feeds) {
    it(`parses ${name} exactly as its golden file says`, () => {
      const result = parseFeed(readFileSync(feedsDir + name));
      if (!result.ok) throw new Error(result.error);
      const goldenPath = `${goldenDir}${name.replace(/\.(xml|rss)$/, '')}.json`;
      const actual = JSON.parse(JSON.stringify(result.value)) as unknown;
      if (update || !existsSync(goldenPath)) {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(goldenPath, `${JSON.stringify(actual, null, 2)}\n`);
      }
      expect(actual).toEqual(JSON.parse(readFileSync(goldenPath, 'utf8')));
    });
  }

  it('produces values the domain schemas accept', () => {
    for (const name of feeds) {
      const result = parseFeed(readFileSync(feedsDir + name));
      if (!result.ok) throw new Error(result.error);
      PodcastSchema.parse(result.value.podcast);
      for (const episode of result.value.episodes) EpisodeSchema.parse(episode);
    }
  });
});
