import { readFile } from 'node:fs/promises';
import { parseFeed } from '../data/feed/parseFeed.js';
import type { Episode, ParsedFeed } from '../data/model.js';
import { parseEpisodePage } from '../data/page/parseEpisodePage.js';

/** The sample data shipped in src/data/samples: what the bot serves before anyone follows a feed. */

const SAMPLES_DIR = new URL('../data/samples/', import.meta.url);

const PAGES = [{ slug: 'the-most-interesting-thing-in-ai', file: 'the-most-interesting-thing-in-ai.txt' }] as const;
const FEEDS = [{ slug: 'design-details', file: 'design-details.xml' }] as const;

export async function loadBundledSamples(): Promise<ParsedFeed[]> {
  const out: ParsedFeed[] = [];
  for (const { slug, file } of PAGES) {
    const page = parseEpisodePage(await readFile(new URL(file, SAMPLES_DIR), 'utf8'));
    if (!page.ok) throw new Error(`Bundled sample ${file} no longer parses: ${page.error}`);
    const episode: Episode = page.value.episode;
    out.push({
      podcast: { id: `sample:${slug}`, title: page.value.podcastTitle ?? episode.title, categories: [] },
      episodes: [episode],
    });
  }
  for (const { slug, file } of FEEDS) {
    const feed = parseFeed(await readFile(new URL(file, SAMPLES_DIR)));
    if (!feed.ok) throw new Error(`Bundled sample ${file} no longer parses: ${feed.error}`);
    out.push({ podcast: { ...feed.value.podcast, id: `sample:${slug}` }, episodes: feed.value.episodes });
  }
  return out;
}
