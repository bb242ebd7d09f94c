import { InteractionResponseType, type APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/data/library.js';
import { createLogger } from '../../src/logger.js';
import { loadBundledSamples } from '../../src/sources/bundledSamples.js';
import { loadLibrary } from '../../src/store/loadLibrary.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/PostgresStore.js';
import { storedTranscripts } from '../../src/store/storedTranscripts.js';
import { data } from '../integration/support.js';
import { interactionKeyPair, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { chatInput } from '../support/interactions.js';
import { asAdmin, createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';
import { RoleProcesses, sleep, type RoleProcess } from '../support/roleProcesses.js';
import { fillTopicStore } from '../support/topicLibrary.js';

/**
 * Issue 16 on PostgreSQL, real processes as an operator starts them: the process that polls (`all`, then a `worker`)
 * builds the topic index and saves it in the database; an `interactions` replica started afterwards loads it and
 * answers /topic exactly as the builder did, analysing only the passages of what changed since (GET /metrics:
 * podcord_topic_passages_analysed); and a corrupt generation is not trusted (the replica says it is still loading)
 * until a builder has written a good one.
 */

const keys = interactionKeyPair();
const QUERIES = ['tesla', 'climate economy', 'zepp', 'rocket mars ocean'];
const log = createLogger({ level: 'silent' });

type Role = 'all' | 'interactions' | 'worker';
let fake: FakeDiscord;
let database: TestDatabase;
let store: PostgresStore;
const procs = new RoleProcesses<Role>();

beforeAll(async () => {
  fake = await startFakeDiscord();
  database = await createTestDatabase();
  const opened = await openPostgresStore(database.url);
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  // Followed by the fake's guild (/topic searches what a server follows); not polled (they are not on the network).
  for (const url of await fillTopicStore(store, 8, 30)) {
    await store.follow(fake.guildId, url, { seenEpisodeIds: [] });
    await store.untrackFeed(url);
  }
}, 120_000);

afterAll(async () => {
  await procs.killAll();
  await store?.close();
  await fake?.close();
  await database?.drop();
});

function start(role: Role): RoleProcess<Role> {
  return procs.start(role, ['--role', role], {
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guildId,
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DATABASE_URL: database.url,
    INTERACTIONS_PORT: '0',
    POLL_INTERVAL_SECONDS: '3600',
    LEASE_SECONDS: '4',
    LOG_LEVEL: 'info',
  });
}

const until = (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> => procs.until(condition, what, timeoutMs, 100);
const logged = (proc: RoleProcess<Role>, text: string): boolean => proc.output.join('').includes(text);

function portOf(proc: RoleProcess<Role>): number {
  for (const line of proc.output.join('').split('\n')) {
    if (line.includes('"msg":"HTTP server listening"')) return (JSON.parse(line) as { port: number }).port;
  }
  throw new Error(`no HTTP server in the log of ${proc.role}`);
}

async function metric(proc: RoleProcess<Role>, name: string): Promise<number | undefined> {
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

const stillLoading = (reply: APIInteractionResponseCallbackData): boolean => /still loading/.test(reply.content ?? '');

/** Every query's answer, once the process answering has its index (asked again while it says it is still loading). */
async function answers(): Promise<string[]> {
  const out: string[] = [];
  for (const query of QUERIES) {
    let reply = await topic(query);
    while (stillLoading(reply)) {
      await sleep(250);
      reply = await topic(query);
    }
    // What a reader sees (the gateway's client adds fields of its own to a reply).
    out.push(JSON.stringify({ content: reply.content, embeds: reply.embeds, components: reply.components, flags: reply.flags }));
  }
  return out;
}

const generations = (): Promise<number> =>
  asAdmin(async (client) => Number((await client.query('SELECT count(*) AS n FROM topic_index_generations')).rows[0]?.n ?? 0), database.name);

/** What a process that loads the saved generation analyses itself: the samples, and what changed since it was saved. */
async function passagesAnalysedLoading(): Promise<{ total: number; catalogue: number }> {
  const library = new Library();
  // As a process's start puts them in (openServices): into the catalogue, indexed once by the load.
  for (const { podcast, episodes } of await loadBundledSamples()) library.addPinned(podcast, episodes);
  library.readDetailsFrom((podcastId, ids) => store.loadEpisodes(podcastId, ids));
  const result = await loadLibrary(store, library, log, { savedIndex: store.topicIndex() });
  expect(result.savedIndex).toEqual({ used: true });
  const whole = new Library();
  for (const id of (await store.catalogVersions()).keys()) {
    const entry = (await store.loadPodcast(id))!;
    whole.index(entry.podcast, entry.episodes, await storedTranscripts(store, id, entry.episodes));
  }
  return { total: library.passagesAnalysed, catalogue: whole.passagesAnalysed };
}

describe('the topic index on PostgreSQL', () => {
  it('is built by the process that polls and loaded, not built, by an interactions replica; a corrupt one is not trusted', { timeout: 400_000 }, async () => {
    // The builder: `all` (it polls) builds the index on a worker thread and saves a generation; it answers /topic.
    const builder = start('all');
    await until(() => logged(builder, '"msg":"bot ready"'), 'the builder to be ready');
    await until(async () => (await generations()) === 1, 'a saved generation');
    expect(logged(builder, 'topic index built from the store')).toBe(false);
    const expected = await answers();
    expect(expected.join('')).toMatch(/Show \d/);
    builder.child.kill('SIGTERM');
    await builder.exited;
    const samples = new Library();
    for (const { podcast, episodes } of await loadBundledSamples()) samples.upsert(podcast, episodes);
    const replicaFor = async (): Promise<RoleProcess<Role>> => {
      const replica = start('interactions');
      await until(() => logged(replica, '"msg":"interactions ready"'), 'the replica to be ready');
      fake.setInteractionsEndpoint({ urls: [`http://127.0.0.1:${portOf(replica)}/interactions`], privateKey: keys.privateKey });
      return replica;
    };
    const loadedIndex = async (replica: RoleProcess<Role>): Promise<void> => {
      await until(async () => (await metric(replica, 'podcord_topic_index_loaded')) === 1, 'the replica to load the index');
      // The log line is written before the index counts as in, but may reach the pipe after the metric does.
      await until(() => logged(replica, 'topic index loaded from PostgreSQL'), 'the replica to log the index loaded from PostgreSQL', 30_000);
      expect(logged(replica, 'topic index built from the store')).toBe(false);
    };
    const stop = async (proc: RoleProcess<Role>): Promise<void> => {
      proc.child.kill('SIGTERM');
      await proc.exited;
    };

    // A replica started afterwards answers exactly as the builder did, having analysed none of the catalogue's
    // passages: only the bundled samples' (in no store: indexed into the loaded index, once).
    const first = await replicaFor();
    await loadedIndex(first);
    expect(await answers()).toEqual(expected);
    expect(await metric(first, 'podcord_topic_passages_analysed')).toBe(samples.passagesAnalysed);
    await stop(first);

    // A podcast saved since the generation: its changed episode is all a replica analyses beyond the samples.
    const [changedId] = (await store.catalogVersions()).keys();
    const entry = (await store.loadPodcast(changedId!))!;
    const edited = entry.episodes.map((e, i) => (i === 0 ? { ...e, title: `${e.title} quokka` } : e));
    await store.savePodcast(entry.podcast, edited);
    const changed = new Library();
    changed.index(entry.podcast, edited.slice(0, 1), await storedTranscripts(store, changedId!, edited.slice(0, 1)));
    const analysed = await passagesAnalysedLoading();
    expect(analysed.total).toBe(samples.passagesAnalysed + changed.passagesAnalysed);
    expect(changed.passagesAnalysed).toBeLessThan(analysed.catalogue / 100);
    const second = await replicaFor();
    await loadedIndex(second);
    // The loaded index answers at once; the podcast saved since it is indexed again meanwhile.
    await until(() => logged(second, 'topic index caught up with the store'), 'the replica to index the podcast saved since', 60_000);
    expect(await metric(second, 'podcord_topic_passages_analysed')).toBe(analysed.total);
    const caughtUp = await answers();
    expect(JSON.stringify(await topic('quokka'))).toContain('quokka');
    await stop(second);

    // A corrupt generation: a replica does not trust it and says it is still loading, until a builder wrote a good one.
    await asAdmin((client) => client.query(`UPDATE topic_index_chunks SET bytes = set_byte(bytes, 100, get_byte(bytes, 100) # 255) WHERE seq = 0`), database.name);
    const third = await replicaFor();
    await until(() => logged(third, 'checksum does not match'), 'the replica to refuse the corrupt generation');
    for (let i = 0; i < 3; i++) {
      expect(stillLoading(await topic('tesla'))).toBe(true);
      await sleep(500);
    }
    expect(await metric(third, 'podcord_topic_index_loaded')).toBe(0);
    expect(logged(third, 'topic index built from the store')).toBe(false);

    const worker = start('worker');
    await until(() => logged(worker, '"msg":"worker ready"'), 'the worker to be ready');
    await loadedIndex(third);
    // As the caught-up replica answered, but for the changed episode's own hits: which of its transcript windows ranks
    // first may differ until a caught-up index is compacted (its removed passages still count in the statistics;
    // compacted, it answers exactly as rebuilt: test/store/postgresTopicIndex.test.ts).
    const withoutChanged = (list: string[]): unknown[] =>
      list.map((answer) => {
        const reply = JSON.parse(answer) as APIInteractionResponseCallbackData;
        return { ...reply, embeds: reply.embeds?.map((e) => ({ ...e, fields: e.fields?.filter((f) => !f.name.includes('quokka')) })) };
      });
    expect(withoutChanged(await answers())).toEqual(withoutChanged(caughtUp));
    expect(await metric(third, 'podcord_topic_passages_analysed')).toBe(samples.passagesAnalysed);
  });
});
