import { InteractionResponseType, type APIApplicationCommandAutocompleteResponse, type APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../src/store/PostgresStore.js';
import { channelOption, data, episode, episodes, startFeedHost, type FeedHost } from '../integration/support.js';
import { interactionKeyPair, shardOfGuild, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, chatInput, focused, type InteractionOptions, type OptionsInput } from '../support/interactions.js';
import { RoleProcesses, sleep, type RoleProcess } from '../support/roleProcesses.js';
import { createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';

/**
 * Issue 14 end to end, real processes as an operator starts them (`node --import tsx src/index.ts --role ...`, set up
 * by their environment) on one real PostgreSQL: one `gateway` process with SHARD_COUNT=2, two `interactions`
 * replicas behind the fake Discord's Interactions Endpoint URL (delivered to each in turn, signed with a test Ed25519
 * key, the next tried when one cannot be reached, as a load balancer does), and two `worker`s.
 */

const keys = interactionKeyPair();
/** What another process must serve within, from the answer that committed the change (the requirement). */
const FRESH_WITHIN_MS = 2000;

type Role = 'gateway' | 'interactions' | 'worker';
type Proc = RoleProcess<Role>;

let fake: FakeDiscord;
let host: FeedHost;
let database: TestDatabase;
let store: PostgresStore;
const procs = new RoleProcesses<Role>();

beforeAll(async () => {
  // Four guilds: the fake's own and three more, spread over two shards.
  fake = await startFakeDiscord({ guilds: 3, recommendedShards: 2, maxConcurrency: 2 });
  host = await startFeedHost();
  database = await createTestDatabase();
  const opened = await openPostgresStore(database.url);
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
});

afterAll(async () => {
  await procs.killAll();
  await store?.close();
  await fake?.close();
  await host?.close();
  await database?.drop();
});

function start(role: Role, env: Record<string, string> = {}): Proc {
  return procs.start(role, ['--role', role], {
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guildId,
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DATABASE_URL: database.url,
    INTERACTIONS_PORT: '0',
    FEEDS: host.url('/operator.xml'),
    POLL_INTERVAL_SECONDS: '2',
    LEASE_SECONDS: '4',
    ALLOW_PRIVATE_NETWORK: 'true',
    LOG_LEVEL: 'info',
    ...env,
  });
}

const until = (condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> =>
  procs.until(condition, what, timeoutMs);

const READY: Record<Role, string> = { gateway: '"msg":"gateway ready"', interactions: '"msg":"interactions ready"', worker: '"msg":"worker ready"' };
const ready = (proc: Proc): boolean => proc.output.join('').includes(READY[proc.role]);

/** The port the process's HTTP server bound (INTERACTIONS_PORT=0 picks a free one; the log says which). */
function portOf(proc: Proc): number {
  for (const line of proc.output.join('').split('\n')) {
    if (!line.includes('"msg":"HTTP server listening"')) continue;
    return (JSON.parse(line) as { port: number }).port;
  }
  throw new Error(`no HTTP server in the log of ${proc.role}`);
}

/** Sends one interaction; the reply, an edit of a deferred one included, and the endpoint that answered it. */
async function send(name: string, options: OptionsInput, opts: InteractionOptions = {}): Promise<{ reply: APIInteractionResponseCallbackData; by: string }> {
  const payload = chatInput(name, options, opts);
  const callback = await fake.sendInteraction(payload, 15_000);
  const by = fake.deliveries.filter((d) => d.interactionId === payload.id && d.status === 200).at(-1)?.url ?? '';
  if (callback.type !== InteractionResponseType.DeferredChannelMessageWithSource) return { reply: data(callback), by };
  const edit = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(payload.token) && r.path.endsWith('/messages/@original'), 20_000);
  return { reply: edit.body as APIInteractionResponseCallbackData, by };
}

async function choices(name: string, options: OptionsInput): Promise<string[]> {
  const answer = (await fake.sendInteraction(autocomplete(name, options), 15_000)) as APIApplicationCommandAutocompleteResponse;
  return answer.data?.choices?.map((c) => c.name) ?? [];
}

/** Everything a reply says: content, and its embeds' titles, descriptions and fields. */
const text = (reply: APIInteractionResponseCallbackData): string =>
  [
    reply.content ?? '',
    ...(reply.embeds ?? []).map((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])].filter(Boolean).join(' ')),
  ].join(' ');

async function within(ms: number, since: number, condition: () => Promise<boolean>, what: string): Promise<void> {
  while (!(await condition())) {
    if (performance.now() - since > ms) throw new Error(`${what} was not served within ${ms} ms`);
    await sleep(25);
  }
}

describe('a gateway with two shards, two interactions replicas and two workers on one PostgreSQL', () => {
  it('answer every command on both replicas, stay fresh across them, shard the guilds, and survive a replica killed', { timeout: 180_000 }, async () => {
    host.feeds.set('/operator.xml', { title: 'Operator Show', episodes: episodes('operator', 2) });
    host.feeds.set('/added.xml', { title: 'Added Show', episodes: episodes('added', 2) });
    const guilds = [fake.guildId, ...fake.extraGuilds.map((g) => g.guildId)];

    const gateway = start('gateway', { SHARD_COUNT: '2' });
    await until(() => ready(gateway), 'the gateway to be ready', 60_000);
    const replicas = [start('interactions'), start('interactions')];
    const workers = [start('worker'), start('worker')];
    await until(() => [...replicas, ...workers].every(ready), 'the replicas and the workers to be ready', 90_000);

    // Each shard got only its guilds, and between them all of them; the gateway set each one up with the FEEDS.
    const byShard = [fake.shardGuilds(0) ?? [], fake.shardGuilds(1) ?? []];
    expect(byShard.every((ids) => ids.length > 0)).toBe(true);
    byShard.forEach((ids, shard) => expect(ids.every((id) => shardOfGuild(id, 2) === shard)).toBe(true));
    expect([...byShard[0]!, ...byShard[1]!].sort()).toEqual([...guilds].sort());
    await until(
      async () => (await Promise.all(guilds.map((g) => store.listFollows(g)))).every((f) => f.some((x) => x.feedUrl === host.url('/operator.xml'))),
      'every guild, on both shards, to follow the operator feed',
      30_000,
    );

    // Every role serves health and metrics on its own port. The gateway and the replicas are healthy once they loaded
    // the topic index a worker saved (they never build it themselves; they look for it every second).
    for (const proc of [gateway, ...replicas, ...workers]) {
      const port = portOf(proc);
      await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, `${proc.role} to be healthy`, 30_000);
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain(`role="${proc.role}"`);
    }

    const urls = replicas.map((r) => `http://127.0.0.1:${portOf(r)}/interactions`);
    fake.setInteractionsEndpoint({ urls, privateKey: keys.privateKey });
    for (const url of urls) expect(await fake.verifyEndpoint(url)).toEqual({ pong: true, refusesBadSignature: true });
    const admin = { admin: true };

    // Every command of the README, twice in a row: the fake delivers them to each replica in turn.
    const everyCommand: [string, OptionsInput, InteractionOptions, RegExp][] = [
      ['help', {}, {}, /chapters/i],
      ['latest', { podcast: 'Operator Show', count: 1 }, {}, /operator episode 2/],
      ['episode', { podcast: 'Operator Show' }, {}, /operator episode 2/],
      ['chapters', {}, {}, /\S/],
      ['topic', { query: 'tesla' }, {}, /\S/],
      ['feed list', {}, admin, /Operator Show/],
      ['announce channel', { channel: channelOption(fake.channelId) }, admin, new RegExp(`<#${fake.channelId}>`)],
      ['announce test', {}, admin, /\S/],
      ['announce off', {}, admin, /\S/],
    ];
    for (const [name, options, opts, expected] of everyCommand) {
      const answers = [await send(name, options, opts), await send(name, options, opts)];
      expect(new Set(answers.map((a) => a.by)), `/${name} answered by both replicas`).toEqual(new Set(urls));
      for (const { reply } of answers) {
        expect(text(reply), `/${name}`).toMatch(expected);
        expect(text(reply), `/${name}`).not.toMatch(/went wrong|Only members with the Manage Server/);
      }
    }
    // /feed add on one replica, again on the other (which finds it followed), then /feed remove likewise.
    const adds = [await send('feed add', { url: host.url('/added.xml') }, admin), await send('feed add', { url: host.url('/added.xml') }, admin)];
    expect(new Set(adds.map((a) => a.by))).toEqual(new Set(urls));
    expect(text(adds[0]!.reply)).toMatch(/^Following \*\*Added Show\*\*/);
    expect(adds[1]!.reply.content).toBe('This server already follows **Added Show**.');
    const removes = [await send('feed remove', { podcast: host.url('/added.xml') }, admin), await send('feed remove', { podcast: host.url('/added.xml') }, admin)];
    expect(new Set(removes.map((a) => a.by))).toEqual(new Set(urls));
    expect(removes[0]!.reply.content).toBe('Stopped following **Added Show**.');
    expect(removes[1]!.reply.content).toBe('⚠️ This server does not follow that podcast. /feed list shows what it follows.');

    // Admin commands are refused to members without Manage Server, on both replicas.
    for (const [name, options] of [
      ['feed add', { url: host.url('/added.xml') }],
      ['feed remove', { podcast: host.url('/operator.xml') }],
      ['feed list', {}],
      ['announce channel', { channel: channelOption(fake.channelId) }],
      ['announce test', {}],
      ['announce off', {}],
    ] as [string, OptionsInput][]) {
      const answers = [await send(name, options), await send(name, options)];
      expect(new Set(answers.map((a) => a.by))).toEqual(new Set(urls));
      for (const { reply } of answers) expect(reply.content, `/${name}`).toMatch(/^(⚠️ )?Only members with the Manage Server permission can do this\.$/);
    }

    // A /feed add on one replica is served by the other within 2 s, by /latest and autocomplete.
    const [first, second] = urls as [string, string];
    fake.setInteractionsEndpoint({ urls: [first], privateKey: keys.privateKey });
    await send('announce channel', { channel: channelOption(fake.channelId) }, admin);
    const added = await send('feed add', { url: host.url('/added.xml') }, admin);
    expect(text(added.reply)).toMatch(/Following \*\*Added Show\*\*/);
    const addedAt = performance.now();
    fake.setInteractionsEndpoint({ urls: [second], privateKey: keys.privateKey });
    await within(FRESH_WITHIN_MS, addedAt, async () => (await choices('latest', { podcast: focused('Added') })).includes('Added Show'), 'the added feed (autocomplete)');
    expect(text((await send('latest', { podcast: 'Added Show', count: 1 })).reply)).toMatch(/added episode 2/);

    // A new episode, announced by a worker, is served by both replicas within 2 s of the post.
    host.addEpisode('/added.xml', episode('added', 3));
    const post = await fake.waitForRequest(
      (r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages` && (r.body as { embeds?: { title?: string }[] } | null)?.embeds?.[0]?.title === 'added episode 3',
      30_000,
    );
    expect(post.status).toBe(200);
    const postedAt = performance.now();
    for (const url of urls) {
      fake.setInteractionsEndpoint({ urls: [url], privateKey: keys.privateKey });
      await within(FRESH_WITHIN_MS, postedAt, async () => /added episode 3/.test(text((await send('latest', { podcast: 'Added Show', count: 1 })).reply)), `the new episode on ${url}`);
    }

    // One replica killed: every answer is still given, by the other (the fake tries it when the first is unreachable).
    fake.setInteractionsEndpoint({ urls, privateKey: keys.privateKey });
    replicas[0]!.child.kill('SIGKILL');
    await replicas[0]!.exited;
    const before = fake.deliveries.length;
    for (let i = 0; i < 6; i++) {
      const { reply, by } = await send('latest', { podcast: 'Added Show', count: 1 });
      expect(by).toBe(second);
      expect(text(reply)).toMatch(/added episode 3/);
    }
    const after = fake.deliveries.slice(before);
    expect(after.some((d) => d.url === first && d.status === 'unreachable')).toBe(true);
    expect(after.filter((d) => d.status === 200)).toHaveLength(6);

    // A guild leaving, on the second shard, is cleaned up by the gateway process that holds that shard.
    const leaving = byShard[1]!.find((g) => g !== fake.guildId)!;
    fake.leaveGuild(leaving);
    await until(async () => (await store.listFollows(leaving)).length === 0, 'the guild that left to be forgotten', 15_000);

    // Everything left stops cleanly on SIGTERM.
    const live = [gateway, replicas[1]!, ...workers];
    for (const proc of live) proc.child.kill('SIGTERM');
    await Promise.all(live.map((p) => p.exited));
    expect(live.map((p) => p.child.exitCode)).toEqual([0, 0, 0, 0]);
  });
});
