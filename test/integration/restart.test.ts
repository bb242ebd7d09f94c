import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import type { Store } from '../../src/store/Store.js';
import { channelOption, command, episode, episodes, postsTitled, type StartedBot } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * Exactly once across restarts, downtime and crashes: real SQLite files in a temp dir, new bot instances on the same
 * file, and new processes (`node --import tsx src/index.ts`) against the same fake Discord and feed host.
 */

const rig = useTestRig();
const children: ChildProcess[] = [];

// Registered after the rig's, so it runs before it: the processes are killed before the fake and the feed host close.
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function followShow(bot: StartedBot, path = '/show.xml'): Promise<void> {
  await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
  await command(rig.fake, 'feed add', { url: rig.host.url(path) }, { admin: true });
  await bot.poll();
}

function openStore(): SqliteStore {
  const store = openSqliteStore(rig.temp.dbUrl());
  if (!store.ok) throw new Error(store.error);
  return store.value;
}

const channelPosts = (): string[] => rig.fake.messages(rig.fake.channelId).flatMap((m) => (m.interaction_metadata ? [] : [m.embeds[0]?.title ?? m.content]));

describe('restarts, downtime and crashes', () => {
  it('survives two restarts on the same database file without a duplicate, serving the stored catalogue at once', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Restart Show', episodes: episodes('show', 1) });
    const first = await rig.start();
    await followShow(first);
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await first.poll();
    await rig.stop(first);

    const second = await rig.start();
    // Loaded from the store before any fetch.
    expect(second.running.library.catalog.episodes(rig.host.url('/show.xml')).map((r) => r.episode.id)).toEqual(['show-2', 'show-1']);
    const requestsBefore = rig.host.requests.get('/show.xml');
    await second.poll();
    expect(rig.host.notModified.get('/show.xml')).toBeGreaterThanOrEqual(1);
    rig.host.addEpisode('/show.xml', episode('show', 3));
    await second.poll();
    await rig.stop(second);

    const third = await rig.start();
    await third.poll();
    await third.poll();
    expect(rig.host.requests.get('/show.xml')).toBeGreaterThan(requestsBefore ?? 0);
    expect(channelPosts()).toEqual(['show episode 2', 'show episode 3']);
  });

  it('catches up after downtime: the newest 5 oldest first, the older ones summarised in one message, never again', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Catch-up Show', episodes: episodes('show', 1) });
    const first = await rig.start();
    await followShow(first);
    await rig.stop(first);

    for (let n = 2; n <= 9; n++) rig.host.addEpisode('/show.xml', episode('show', n));
    const second = await rig.start();
    await second.poll();
    expect(channelPosts()).toEqual([
      '3 earlier episodes of Catch-up Show',
      'show episode 5',
      'show episode 6',
      'show episode 7',
      'show episode 8',
      'show episode 9',
    ]);
    const summary = rig.fake.messages(rig.fake.channelId).find((m) => m.embeds[0]?.title?.startsWith('3 earlier'));
    expect(summary?.embeds[0]?.description).toContain('show episode 2');
    expect(summary?.embeds[0]?.description).toContain('show episode 4');
    await second.poll();
    await rig.stop(second);

    const third = await rig.start();
    await third.poll();
    expect(channelPosts()).toHaveLength(6);
  });

  it('does not post twice when the bot crashes between sending and recording', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Crash Show', episodes: episodes('show', 1) });
    const real = openStore();
    let crashes = 1;
    // A store whose markSent fails once, as if the process died right after Discord accepted the post.
    const crashing = new Proxy(real, {
      get(target, property) {
        if (property === 'markSent' && crashes > 0) {
          crashes -= 1;
          return async () => {
            throw new Error('simulated crash between send and record');
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as Store;
    const first = await rig.start({}, { store: crashing });
    await followShow(first);
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await first.poll();
    expect(channelPosts()).toEqual(['show episode 2']);
    expect((await real.pendingIntents()).map((a) => a.episodeId)).toEqual(['show-2']);
    await rig.stop(first);
    await real.close();

    // Restarted 10 minutes later: beyond Discord's nonce window, so the bot looks at the channel before posting.
    rig.clock.advance(10 * 60_000);
    const second = await rig.start();
    await second.poll();
    expect(channelPosts()).toEqual(['show episode 2']);
    expect(rig.fake.requests.some((r) => r.method === 'GET' && r.path === `/channels/${rig.fake.channelId}/messages`)).toBe(true);
    expect(rig.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${rig.fake.channelId}/messages`)).toHaveLength(1);
    expect(await second.running.services.store.pendingIntents()).toEqual([]);
    expect(await second.running.services.store.wasAnnounced(rig.fake.guildId, rig.host.url('/show.xml'), 'show-2')).toBe(true);
  });

  it('finds its earlier post after a crash and a restart past the nonce window, however many messages came in since', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Busy Channel Show', episodes: episodes('show', 1) });
    const real = openStore();
    let crashes = 1;
    const crashing = new Proxy(real, {
      get(target, property) {
        if (property === 'markSent' && crashes-- > 0) return async () => Promise.reject(new Error('simulated crash'));
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as Store;
    const first = await rig.start({}, { store: crashing });
    await followShow(first);
    // A busy channel: people chat just before the episode comes out, and on while the bot is down.
    for (let i = 0; i < 150; i++) rig.fake.postAsMember(rig.fake.channelId, `chat before ${i}`);
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await first.poll();
    expect(channelPosts().filter((p) => !p.startsWith('chat'))).toEqual(['show episode 2']);
    await rig.stop(first);
    await real.close();
    for (let i = 0; i < 150; i++) rig.fake.postAsMember(rig.fake.channelId, `chat after ${i}`);
    // Back 10 minutes later, on both sides: Discord no longer deduplicates the nonce.
    rig.fake.advanceTime(10 * 60_000);
    rig.clock.advance(10 * 60_000);
    const second = await rig.start();
    await second.poll();
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 2')).toBe(1);
    expect(rig.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${rig.fake.channelId}/messages`)).toHaveLength(1);
    // Searched from the intent's time forward, a page at a time.
    const reads = rig.fake.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${rig.fake.channelId}/messages`);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.every((r) => r.query['after'] !== undefined && r.query['limit'] === '100')).toBe(true);
    expect(await second.running.services.store.wasAnnounced(rig.fake.guildId, rig.host.url('/show.xml'), 'show-2')).toBe(true);
  });

  it('reposts a pending intent with the same nonce, and Discord returns the first message instead of a second', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Nonce Show', episodes: episodes('show', 1) });
    const real = openStore();
    let crashes = 1;
    const crashing = new Proxy(real, {
      get(target, property) {
        if (property === 'markSent' && crashes-- > 0) return async () => Promise.reject(new Error('simulated crash'));
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as Store;
    const bot = await rig.start({}, { store: crashing });
    await followShow(bot);
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await bot.poll(); // posted, not recorded
    await bot.poll(); // the cycle reconciles: same nonce, same message
    const posts = rig.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${rig.fake.channelId}/messages`);
    expect(posts).toHaveLength(2);
    expect((posts[0]?.body as { nonce: string }).nonce).toBe((posts[1]?.body as { nonce: string }).nonce);
    expect((posts[1]?.responseBody as { id: string }).id).toBe((posts[0]?.responseBody as { id: string }).id);
    expect(channelPosts()).toEqual(['show episode 2']);
    expect(await real.wasAnnounced(rig.fake.guildId, rig.host.url('/show.xml'), 'show-2')).toBe(true);
    await rig.stop(bot);
    await real.close();
  });

  it('restarts as a new process (killed right after posting, then restarted) without a duplicate', { timeout: 90_000 }, async () => {
    rig.host.feeds.set('/show.xml', { title: 'Process Show', episodes: episodes('show', 1) });
    const setup = await rig.start();
    await followShow(setup);
    await rig.stop(setup);

    const root = fileURLToPath(new URL('../../', import.meta.url));
    const output: string[] = [];
    const spawnBot = (): ChildProcess => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
        cwd: root,
        env: {
          PATH: process.env['PATH'] ?? '', INTERACTIONS_PORT: '0',
          HOME: process.env['HOME'] ?? '',
          DISCORD_TOKEN: rig.fake.token,
          DISCORD_API_URL: rig.fake.apiUrl,
          DISCORD_GUILD_ID: rig.fake.guildId,
          DATABASE_URL: rig.temp.dbUrl(),
          POLL_INTERVAL_SECONDS: '1',
          ALLOW_PRIVATE_NETWORK: 'true',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      children.push(child);
      return child;
    };
    const exited = (child: ChildProcess): Promise<void> =>
      child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
    const postOf = (title: string) =>
      rig.fake.waitForRequest(
        (r) => r.method === 'POST' && r.path === `/channels/${rig.fake.channelId}/messages` && (r.body as { embeds?: { title?: string }[] })?.embeds?.[0]?.title === title,
        45_000,
      );

    rig.host.addEpisode('/show.xml', episode('show', 2));
    const crashed = spawnBot();
    try {
      await postOf('show episode 2');
    } catch (error) {
      throw new Error(`${String(error)}\n${output.join('')}`);
    }
    crashed.kill('SIGKILL');
    await exited(crashed);

    rig.host.addEpisode('/show.xml', episode('show', 3));
    const restarted = spawnBot();
    await postOf('show episode 3');
    restarted.kill('SIGTERM');
    await exited(restarted);
    expect(restarted.exitCode).toBe(0);

    expect(channelPosts()).toEqual(['show episode 2', 'show episode 3']);
    const store = openStore();
    expect(await store.pendingIntents()).toEqual([]);
    expect(await store.wasAnnounced(rig.fake.guildId, rig.host.url('/show.xml'), 'show-2')).toBe(true);
    await store.close();
  });
});
