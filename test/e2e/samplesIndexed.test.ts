import { InteractionResponseType, type APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openServices } from '../../src/app.js';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { Library } from '../../src/data/library.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { loadBundledSamples } from '../../src/sources/bundledSamples.js';
import { data, tempDir } from '../integration/support.js';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { chatInput } from '../support/interactions.js';
import { RoleProcesses, type RoleProcess } from '../support/roleProcesses.js';

/**
 * The bundled samples (in no store) are analysed once at start, not twice: the bot as an operator starts it
 * (`node --import tsx src/index.ts`, GET /metrics: podcord_topic_passages_analysed) at its first start (the index built
 * on a worker thread, then loaded) and at the next (the saved index loaded), and the console's services (no token) on
 * the same paths and on one that keeps no saved index. Each time the samples still answer /topic.
 */

let fake: FakeDiscord;
let temp: ReturnType<typeof tempDir>;
const procs = new RoleProcesses<'all'>();
/** The passages of the bundled samples, analysed once. */
let samplePassages = 0;

beforeAll(async () => {
  fake = await startFakeDiscord();
  const samples = new Library();
  for (const { podcast, episodes } of await loadBundledSamples()) samples.upsert(podcast, episodes);
  samplePassages = samples.passagesAnalysed;
  expect(samplePassages).toBeGreaterThan(100);
});

afterEach(async () => {
  await procs.killAll();
  temp?.remove();
});

afterAll(async () => {
  await fake?.close();
});

const logged = (proc: RoleProcess<'all'>, text: string): boolean => proc.output.join('').includes(text);

function portOf(proc: RoleProcess<'all'>): number {
  for (const line of proc.output.join('').split('\n')) {
    if (line.includes('"msg":"HTTP server listening"')) return (JSON.parse(line) as { port: number }).port;
  }
  throw new Error('no HTTP server in the log');
}

async function metric(proc: RoleProcess<'all'>, name: string): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${portOf(proc)}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function topic(query: string): Promise<APIInteractionResponseCallbackData> {
  const payload = chatInput('topic', { query });
  const callback = await fake.sendInteraction(payload, 15_000);
  if (callback.type !== InteractionResponseType.DeferredChannelMessageWithSource) return data(callback);
  const edit = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(payload.token) && r.path.endsWith('/messages/@original'), 20_000);
  return edit.body as APIInteractionResponseCallbackData;
}

describe('the bundled samples at start', () => {
  it('are analysed once by the bot, at its first start and at the next (GET /metrics)', { timeout: 240_000 }, async () => {
    temp = tempDir();
    const start = (): RoleProcess<'all'> =>
      procs.start('all', [], {
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: fake.guildId,
        DATABASE_URL: temp.dbUrl(),
        INTERACTIONS_PORT: '0',
        POLL_INTERVAL_SECONDS: '3600',
        LOG_LEVEL: 'info',
      });
    for (const [run, how] of [
      [1, 'a worker thread builds it from the store'],
      [2, 'topic index loaded from its file'],
    ] as const) {
      const bot = start();
      await procs.until(() => logged(bot, '"msg":"bot ready"') && logged(bot, 'HTTP server listening'), `start ${run} to be ready`, 120_000);
      await procs.until(async () => (await metric(bot, 'podcord_topic_index_loaded')) === 1, `start ${run} to load the topic index`, 120_000);
      expect(logged(bot, how)).toBe(true);
      expect(logged(bot, 'topic index loaded from its file')).toBe(true);
      expect(await metric(bot, 'podcord_topic_passages_analysed')).toBe(samplePassages);
      expect(JSON.stringify(await topic('tesla'))).toMatch(/tesla/i);
      bot.child.kill('SIGTERM');
      await bot.exited;
      expect(bot.child.exitCode).toBe(0);
    }
  });

  it('are analysed once by the console’s services (no token): building the index, loading it, and keeping none', { timeout: 240_000 }, async () => {
    temp = tempDir();
    const parsed = parseConfig({ DATABASE_URL: temp.dbUrl(), LOG_LEVEL: 'warn' });
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.discordToken).toBeUndefined();
    const log = createLogger({ level: 'silent' });
    for (const topicIndexFile of [undefined, undefined, false] as const) {
      const services = await openServices(parsed.value, log, { fetchMissingFeeds: false, ...(topicIndexFile === false && { topicIndexFile }) });
      try {
        await services.loaded;
        expect(services.library.passagesAnalysed).toBe(samplePassages);
        expect(services.library.scopedTopics.search('tesla', EVERY_PODCAST, { limit: 3 }).length).toBeGreaterThan(0);
      } finally {
        await services.close();
      }
    }
  });
});
