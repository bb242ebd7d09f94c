import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../src/store/PostgresStore.js';
import { channelOption, command, episode, episodes, startFeedHost, type FeedHost } from '../integration/support.js';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from '../support/fakeDiscord.js';
import { RoleProcesses, sleep, type RoleProcess } from '../support/roleProcesses.js';
import { createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';
import { prng } from '../support/prng.js';

/**
 * Issue 13 end to end: one `--role all` process (the gateway, where server managers set things up) and three
 * `--role worker` processes, real child processes started as an operator starts them (`node --import tsx src/index.ts`,
 * configured by their environment), on one real PostgreSQL, against the fake Discord (20 servers, one announcement
 * channel each) and a local feed host with 100 feeds. New episodes appear on 30 feeds, in waves; during each wave a
 * worker that holds posts is killed with SIGKILL at a random moment and started again. Every (channel, episode) must
 * be posted exactly once and none of the back catalogue, and all processes together keep under Discord's 50 requests
 * a second. The counts are printed.
 *
 * Set-up: three servers are set up through the `all` process as their managers would (/announce channel, /feed add);
 * the other seventeen are written into the store before the processes start (what an operator importing many servers
 * would do), since 300 interactions would make the test slow without testing anything more.
 */

const FEEDS = 100;
const GUILDS = 20;
const FOLLOWS_PER_GUILD = 15;
const WAVES = 6;
const FEEDS_PER_WAVE = 5;
const random = prng(13);

type Proc = RoleProcess<'all' | 'worker'>;

let fake: FakeDiscord;
let host: FeedHost;
let database: TestDatabase;
let store: PostgresStore;
let sql: pg.Pool;
const procs = new RoleProcesses<'all' | 'worker'>();

beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: GUILDS });
  host = await startFeedHost();
  database = await createTestDatabase();
  const opened = await openPostgresStore(database.url);
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  sql = new pg.Pool({ connectionString: database.url, max: 2 });
});

afterAll(async () => {
  await procs.killAll();
  await sql?.end();
  await store?.close();
  await fake?.close();
  await host?.close();
  await database?.drop();
});

function start(role: 'all' | 'worker'): Proc {
  return procs.start(role, role === 'worker' ? ['--role', 'worker'] : [], {
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guildId,
    DATABASE_URL: database.url,
    INTERACTIONS_PORT: '0',
    POLL_INTERVAL_SECONDS: '3',
    LEASE_SECONDS: '4',
    ALLOW_PRIVATE_NETWORK: 'true',
    LOG_LEVEL: 'info',
  });
}

const until = (condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> =>
  procs.until(condition, what, timeoutMs, 100);

const ready = (proc: Proc): boolean => proc.output.join('').includes(proc.role === 'all' ? '"msg":"bot ready"' : '"msg":"worker ready"');
const path = (n: number): string => `/show-${String(n).padStart(3, '0')}.xml`;
const title = (feed: number, n: number): string => `show${feed} episode ${n}`;

/** Messages the bot posted (not interaction replies) in a channel, by embed title. */
function posted(channelId: string): string[] {
  return fake.messages(channelId).flatMap((m) => (m.interaction_metadata || m.author.id !== fake.botUser.id ? [] : [m.embeds[0]?.title ?? m.content]));
}

/** The most requests with the bot's token that reached Discord in any one second. */
function mostInOneSecond(requests: readonly RecordedRequest[]): number {
  const stamps = requests.filter((r) => r.headers.authorization === `Bot ${fake.token}`).map((r) => r.receivedAt).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < stamps.length; i++) {
    while ((stamps[j] as number) <= (stamps[i] as number) - 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('one gateway process and three workers on one PostgreSQL', () => {
  it('post every new episode exactly once in every following server, while workers are killed mid-delivery', { timeout: 240_000 }, async () => {
    for (let n = 0; n < FEEDS; n++) host.feeds.set(path(n), { title: `Show ${n}`, episodes: episodes(`show${n}`, 3) });
    const guilds = fake.extraGuilds;
    /** Which feeds each guild follows: 15 each, every feed followed by 3 guilds. */
    const follows = guilds.map((_, g) => Array.from({ length: FOLLOWS_PER_GUILD }, (_, k) => (g * 5 + k) % FEEDS));
    const byInteraction = new Set([0, 1, 2]);

    // Seventeen servers written into the store, as an import would; the feeds are tracked and due at once.
    for (const [g, guild] of guilds.entries()) {
      if (byInteraction.has(g)) continue;
      await store.setAnnouncementSettings(guild.guildId, { channelId: guild.channelId, publish: false, enabled: true });
      for (const n of follows[g] ?? []) await store.follow(guild.guildId, host.url(path(n)), { seenEpisodeIds: [] });
    }

    const gateway = start('all');
    const workers = [start('worker'), start('worker'), start('worker')];
    await until(() => [gateway, ...workers].every(ready), 'the gateway process and three workers to be ready', 90_000);

    // Three servers set up by their managers through the gateway process.
    for (const g of byInteraction) {
      const guild = guilds[g]!;
      const where = { guildId: guild.guildId, channelId: guild.channelId, admin: true };
      const set = await command(fake, 'announce channel', { channel: channelOption(guild.channelId) }, where);
      expect(set.content).toContain(`<#${guild.channelId}>`);
      for (const n of follows[g] ?? []) {
        const added = await command(fake, 'feed add', { url: host.url(path(n)) }, where);
        expect(added.content).toContain(`Following **Show ${n}**`);
      }
    }
    // Every feed checked once (its back catalogue saved as seen) before anything new appears.
    const urls = Array.from({ length: FEEDS }, (_, n) => host.url(path(n)));
    await until(async () => (await Promise.all(urls.map((u) => store.getEpisodeIds(u)))).every((ids) => ids.length === 3), 'every feed to be checked once', 90_000);

    // New episodes on 30 feeds, in waves; in each, a worker holding posts is killed at a random moment and restarted.
    const changed = [...urls.keys()].sort(() => random() - 0.5).slice(0, WAVES * FEEDS_PER_WAVE);
    const expected = new Map<string, string[]>(); // channel -> titles
    let kills = 0;
    let killsHoldingPosts = 0;
    for (let wave = 0; wave < WAVES; wave++) {
      const feeds = changed.slice(wave * FEEDS_PER_WAVE, (wave + 1) * FEEDS_PER_WAVE);
      const titles = new Set<string>();
      for (const [i, n] of feeds.entries()) {
        // One feed in five brings two episodes at once.
        for (let e = 4; e <= (i === 0 ? 5 : 4); e++) {
          host.addEpisode(path(n), episode(`show${n}`, e));
          titles.add(title(n, e));
          for (const [g, guild] of guilds.entries()) {
            if (follows[g]?.includes(n)) expected.set(guild.channelId, [...(expected.get(guild.channelId) ?? []), title(n, e)]);
          }
        }
      }
      await fake.waitForRequest((r) => r.method === 'POST' && titles.has((r.body as { embeds?: { title?: string }[] } | null)?.embeds?.[0]?.title ?? ''), 60_000);
      // Kill one that holds posts now, if one does (else any), at a random moment of the delivery.
      await sleep(random() * 300);
      const { rows } = await sql.query<{ owner: string }>('SELECT DISTINCT claim_owner AS owner FROM announcements WHERE claim_owner IS NOT NULL');
      const holders = new Set(rows.map((row) => Number(row.owner.split('/')[1])));
      const live = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      const victim = live.find((w) => holders.has(w.child.pid ?? -1)) ?? live[Math.floor(random() * live.length)];
      if (victim) {
        if (holders.has(victim.child.pid ?? -1)) killsHoldingPosts++;
        victim.child.kill('SIGKILL');
        await victim.exited;
        kills++;
        await sleep(200 + random() * 1300);
        workers[workers.indexOf(victim)] = start('worker');
      }
    }

    const expectedPosts = [...expected.values()].reduce((sum, titles) => sum + titles.length, 0);
    const postedNew = (): number => guilds.reduce((sum, g) => sum + posted(g.channelId).length, 0);
    await until(async () => postedNew() >= expectedPosts && (await store.pendingIntents()).length === 0, 'every post to be made', 120_000);
    // Anything left to double would come now: another cycle or two of every process.
    await sleep(7000);

    let duplicates = 0;
    let missing = 0;
    let unexpected = 0;
    for (const guild of guilds) {
      const titles = posted(guild.channelId);
      const want = expected.get(guild.channelId) ?? [];
      for (const t of want) {
        const times = titles.filter((x) => x === t).length;
        if (times === 0) missing++;
        if (times > 1) duplicates += times - 1;
      }
      unexpected += titles.filter((t) => !want.includes(t)).length;
    }
    const most = mostInOneSecond(fake.requests);
    // Sends Discord answered with the message it already had (the same nonce again: a post another process took over).
    const sends = fake.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && r.status === 200);
    const repeated = sends.length - new Set(sends.map((r) => (r.responseBody as { id: string }).id)).size;
    console.log(
      `${FEEDS} feeds, ${GUILDS} servers, ${guilds.length * FOLLOWS_PER_GUILD} follows; new episodes on ${changed.length} feeds in ${WAVES} waves: ` +
        `${expectedPosts} posts expected, ${postedNew()} made, ${duplicates} doubled, ${missing} missing, ${unexpected} unexpected (back catalogue or another server's); ` +
        `${kills} workers killed with SIGKILL (${killsHoldingPosts} while holding posts) and restarted; ${sends.length} sends, ${repeated} of them ` +
        `a post taken over and sent again with its nonce (Discord returned the first message); at most ${most} requests to Discord in one second; ` +
        `at most ${Math.max(...host.mostAtOnce.values())} fetch of one feed at a time`,
    );
    expect({ duplicates, missing, unexpected }).toEqual({ duplicates: 0, missing: 0, unexpected: 0 });
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(most).toBeLessThanOrEqual(50);
    for (const guild of guilds) {
      for (const n of follows[guilds.indexOf(guild)] ?? []) {
        for (const e of [1, 2, 3]) expect(await store.wasAnnounced(guild.guildId, host.url(path(n)), `show${n}-${e}`)).toBe(false);
      }
    }
    // Every worker left stops cleanly on SIGTERM, and so does the gateway process (a worker restarted in the last wave
    // may still be starting: a signal before Node has run Podcord at all is the operating system's default, so wait).
    await until(() => [gateway, ...workers].every(ready), 'every process to be up before it is stopped', 90_000);
    for (const proc of [...workers, gateway]) proc.child.kill('SIGTERM');
    await Promise.all([...workers, gateway].map((p) => p.exited));
    expect([...workers, gateway].map((p) => p.child.exitCode)).toEqual([0, 0, 0, 0]);
  });
});
