import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openServices } from '../../src/app.js';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { Library } from '../../src/data/library.js';
import { createLogger } from '../../src/logger.js';
import { loadLibrary } from '../../src/store/loadLibrary.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import type { Store } from '../../src/store/Store.js';
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, chatInput } from '../support/interactions.js';
import { fillTopicStore, TOPIC_QUERIES } from '../support/topicLibrary.js';
import { botConfig, command, data, startTestBot, tempDir, type StartedBot } from './support.js';

/**
 * A library read from the store while the bot already serves (issue 16): commands are answered from the start, the
 * ones that need what is still loading say so, and the topic index is built on a worker thread, saved beside the
 * database, and loaded from there by the next start.
 */
let temp: ReturnType<typeof tempDir>;
let fake: FakeDiscord | undefined;
const bots: StartedBot[] = [];

beforeEach(async () => {
  temp = tempDir();
  const opened = openSqliteStore(temp.dbUrl());
  if (!opened.ok) throw new Error(opened.error);
  // The fake guild follows every podcast (its back catalogue seen), so its /topic sees them.
  for (const url of await fillTopicStore(opened.value, 8, 20)) {
    await opened.value.follow(FAKE_IDS.guildId, url, { seenEpisodeIds: await opened.value.getEpisodeIds(url) });
  }
  await opened.value.close();
}, 120_000);

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.running.stop();
  await fake?.close();
  fake = undefined;
  temp.remove();
});

function capture(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ level: 'debug', destination }), lines };
}

describe('a library loaded while serving', () => {
  it('answers at once, saying what is still loading, and in full once it is loaded', async () => {
    fake = await startFakeDiscord();
    const opened = openSqliteStore(temp.dbUrl());
    if (!opened.ok) throw new Error(opened.error);
    const real = opened.value;
    // The store's catalogue pages wait until the test lets them go: the bot is connected and answering meanwhile.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const store = new Proxy(real, {
      get(target, key, receiver) {
        if (key === 'loadCatalogPage') return async (...args: Parameters<SqliteStore['loadCatalogPage']>) => (await held, target.loadCatalogPage(...args));
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as Store;
    const starting = startTestBot(fake, { DATABASE_URL: temp.dbUrl() }, { store });
    await fake.waitForGateway((frame) => frame.op === 2, 30_000);

    const loadingTopic = await command(fake, 'topic', { query: 'zeppelin' });
    expect(loadingTopic.content).toMatch(/still loading the episodes/);
    expect(loadingTopic.flags).toBe(64);
    const loadingChapters = await command(fake, 'chapters', {});
    expect(loadingChapters.content).toMatch(/still loading the episodes/);
    const swedish = await command(fake, 'topic', { query: 'zeppelin' }, { locale: 'sv-SE' as never });
    expect(swedish.content).toMatch(/läser fortfarande in avsnitten/);
    // Autocomplete offers nothing from a catalogue partly in (the bundled samples are: a list from them would mislead).
    const choicesWhileLoading = await fake.sendInteraction(autocomplete('episode', { episode: '' }, { focused: 'episode' }), 10_000);
    expect(choicesWhileLoading).toMatchObject({ data: { choices: [] } });
    // What needs nothing of the library is answered as ever.
    const help = await fake.sendInteraction(chatInput('help'), 10_000);
    expect(JSON.stringify(data(help))).not.toMatch(/still loading/);

    release();
    const bot = await starting;
    bots.push(bot);
    const answer = await command(fake, 'topic', { query: 'zeppelin' });
    expect(answer.content ?? '').not.toMatch(/still loading/);
    const choices = await fake.sendInteraction(autocomplete('episode', { episode: '' }, { focused: 'episode' }), 10_000);
    expect((choices as { data?: { choices?: unknown[] } }).data?.choices?.length ?? 0).toBeGreaterThan(0);
    expect(answer.embeds?.[0]?.fields?.length ?? 0).toBeGreaterThan(0);
    // The episode's details (its chapters) come from the store when shown.
    const chapters = await command(fake, 'chapters', {});
    expect(chapters.embeds?.[0]?.description).toMatch(/`0:00`/);
    await real.close();
  }, 120_000);

  it('builds the topic index on a worker thread at the first start, and the next start loads the file it saved', async () => {
    const first = capture();
    const config = botConfig(await (fake = await startFakeDiscord()), { DATABASE_URL: temp.dbUrl() });
    const services = await openServices(config, first.log, { fetchMissingFeeds: false });
    await services.loaded;
    expect(services.library.loading).toEqual({ catalogue: false, topics: false });
    const logged = first.lines.join('');
    expect(logged).toMatch(/a worker thread builds it from the store/);
    expect(logged).toMatch(/topic index loaded from its file/);
    // This thread indexed nothing itself.
    expect(logged).not.toMatch(/topic index built from the store/);
    const indexFile = `${temp.dbUrl().slice('sqlite:'.length)}.topics`;
    expect(readFileSync(indexFile).subarray(0, 8).toString('latin1')).toBe('PCTOPICS');
    const NOW = Date.parse('2025-06-01T00:00:00Z');
    const answers = (library: Library): string =>
      JSON.stringify(TOPIC_QUERIES.map((q) => library.scopedTopics.search(q, EVERY_PODCAST, { limit: 25, now: NOW })));
    const served = answers(services.library);
    await services.close();

    // A library rebuilt here from the store answers the same (the samples included, as the bot has them).
    const opened = openSqliteStore(temp.dbUrl());
    if (!opened.ok) throw new Error(opened.error);
    const reference = new Library();
    const { loadBundledSamples } = await import('../../src/sources/bundledSamples.js');
    for (const { podcast, episodes } of await loadBundledSamples()) reference.upsert(podcast, episodes);
    reference.readDetailsFrom((podcastId, ids) => opened.value.loadEpisodes(podcastId, ids));
    await loadLibrary(opened.value, reference, createLogger({ level: 'silent' }));
    await opened.value.close();
    const rebuilt = answers(reference);
    expect(served).toContain('zeppelin');
    expect(served).toBe(rebuilt);

    const second = capture();
    const again = await openServices(config, second.log, { fetchMissingFeeds: false });
    await again.loaded;
    expect(second.lines.join('')).toMatch(/topic index loaded from its file/);
    expect(second.lines.join('')).not.toMatch(/worker thread builds it|topic index built from the store/);
    expect(answers(again.library)).toBe(served);
    await again.close();
  }, 180_000);
});
