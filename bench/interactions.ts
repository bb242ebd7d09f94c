/**
 * The interaction path, end to end: from INTERACTION_CREATE sent by the fake Discord to the callback POST it receives,
 * through the real discord.js client and Podcord's router and handlers, with 50 podcasts of 300 episodes loaded.
 *
 *   npx tsx bench/interactions.ts      (or runInteractionBench() from the bench runner)
 *
 * Goal (issue 3): commands p99 under 20 ms, autocomplete p99 under 5 ms. No peer runs this path, so the figures are
 * printed against the goal. Loopback HTTP and WebSocket costs are included: this is what a user would wait for,
 * less Discord's own network.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { startPodcordBot } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { Library } from '../src/data/library.js';
import type { Episode, Podcast } from '../src/data/model.js';
import { createLogger } from '../src/logger.js';
import { startFakeDiscord } from '../test/support/fakeDiscord.js';
import { autocomplete, chatInput } from '../test/support/interactions.js';

const PODCASTS = 50;
const EPISODES = 300;
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 1000);
const BURST = Number(process.env.BENCH_BURST ?? 25);

// A Zipf-ish vocabulary of 4,000 made-up words: a few very common, most rare, as in real titles.
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ro', 'sa', 'tu', 'vi', 'an', 'el', 'or', 'is', 'um', 'pe', 'da', 'go'];
const VOCABULARY = Array.from({ length: 4000 }, (_, i) => {
  let w = '';
  for (let n = i + 17; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length];
  return w;
});

/** Deterministic: the same seed always gives the same word, common words far more often. */
function word(seed: number): string {
  const u = (Math.imul(seed + 1, 2654435761) >>> 0) / 2 ** 32;
  return VOCABULARY[Math.min(VOCABULARY.length - 1, Math.floor(Math.exp(u * Math.log(VOCABULARY.length + 1))) - 1)]!;
}

export function syntheticLibrary(): Library {
  const library = new Library();
  for (let p = 0; p < PODCASTS; p++) {
    const podcast: Podcast = { id: `https://feeds.example.com/${p}.xml`, title: `Show ${p} about ${word(p)}`, categories: [] };
    const episodes: Episode[] = [];
    for (let e = 0; e < EPISODES; e++) {
      const chapters = Array.from({ length: 12 }, (_, c) => ({
        startSeconds: c * 300,
        title: `${word(p + e + c)} and ${word(p * 7 + c * 3 + e)} talk ${c}`,
        source: 'notes' as const,
      }));
      episodes.push({
        id: `ep-${p}-${e}`,
        title: `Episode ${e}: ${word(e)} ${word(e * 3 + p)} ${word(e * 7 + 1)}`,
        episodeNumber: e,
        publishedAt: new Date(Date.UTC(2020, 0, 1) + e * 86_400_000 + p * 60_000).toISOString(),
        durationSeconds: 3600,
        description: `We talk about ${word(e)} and ${word(e + 5)}. ${chapters.map((c) => `${Math.floor(c.startSeconds / 60)}:00 ${c.title}`).join('\n')}`,
        audioUrl: `https://cdn.example.com/${p}/${e}.mp3`,
        transcripts: [],
        chapters,
      });
    }
    library.upsert(podcast, episodes);
  }
  return library;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function runInteractionBench(): Promise<void> {
  const buildStart = performance.now();
  const library = syntheticLibrary();
  const buildMs = performance.now() - buildStart;
  const fake = await startFakeDiscord();
  const parsed = parseConfig({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DISCORD_GUILD_ID: fake.guildId, LOG_LEVEL: 'warn' });
  if (!parsed.ok || !parsed.value.discordToken) throw new Error('bench config');
  const log = createLogger({ level: 'warn', secrets: [fake.token] });
  const running = await startPodcordBot({ ...parsed.value, discordToken: parsed.value.discordToken }, log, { library });

  const kinds = {
    '/chapters episode:<words>': (i: number) => chatInput('chapters', { episode: `${word(i)} ${word(i * 3)}` }),
    '/topic query:<words>': (i: number) => chatInput('topic', { query: `${word(i)} ${word(i + 1)}` }),
    '/episode episode:<n> podcast:<words>': (i: number) => chatInput('episode', { episode: String(i % EPISODES), podcast: `show ${i % PODCASTS}` }),
    '/latest': () => chatInput('latest'),
    'autocomplete episode': (i: number) => autocomplete('chapters', { episode: word(i).slice(0, 1 + (i % 4)) }),
  } as const;

  // Warm up the JIT and the connection pool, untimed.
  for (let i = 0; i < 100; i++) await fake.sendInteraction(Object.values(kinds)[i % 5]!(i));

  const times = new Map<string, number[]>(Object.keys(kinds).map((k) => [k, []]));
  const names = Object.keys(kinds) as (keyof typeof kinds)[];
  for (let sent = 0; sent < COMMANDS * names.length; sent += BURST) {
    await Promise.all(
      Array.from({ length: BURST }, async (_, j) => {
        const i = sent + j;
        const name = names[i % names.length]!;
        const t0 = performance.now();
        await fake.sendInteraction(kinds[name](i), 10_000);
        times.get(name)!.push(performance.now() - t0);
      }),
    );
  }
  await running.stop();
  await fake.close();

  const { podcasts, episodes } = library.catalog.size;
  console.log(`\nInteraction path: ${podcasts} podcasts, ${episodes} episodes (${(library.search.memoryBytes() / 1e6).toFixed(0)} MB index, built in ${(buildMs / 1000).toFixed(1)} s); ${COMMANDS} of each kind in bursts of ${BURST}`);
  console.log('kind                                   p50 ms   p99 ms   goal p99');
  for (const [name, list] of times) {
    const sorted = [...list].sort((a, b) => a - b);
    const goal = name.startsWith('autocomplete') ? 5 : 20;
    const p99 = percentile(sorted, 99);
    console.log(`${name.padEnd(38)} ${percentile(sorted, 50).toFixed(2).padStart(6)}   ${p99.toFixed(2).padStart(6)}   < ${goal} ${p99 < goal ? 'met' : 'MISSED'}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runInteractionBench();
}
