import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { GATEWAY_NEEDS_POSTGRES, startGateway } from '../../src/roles/gateway.js';
import { shardOfGuild, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';
import { botConfig, command, noIdentifyThrottle } from './support.js';

/**
 * Role gateway in one process: discord.js's internal sharding against the fake Discord, which gives each shard only
 * its guilds and sends each guild's interactions on its shard's connection.
 */

let fake: FakeDiscord | undefined;
let database: TestDatabase | undefined;
let running: RunningBot | undefined;
const logs: string[] = [];
const log = createLogger({ level: 'debug', destination: new Writable({ write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString()), done()) }) });

afterEach(async () => {
  await running?.stop();
  await fake?.close();
  await database?.drop();
  running = undefined;
  fake = undefined;
  database = undefined;
});

describe('--role gateway', () => {
  it('takes the shard count Discord recommends, gets each shard only its guilds, and answers each guild on its shard', { timeout: 60_000 }, async () => {
    fake = await startFakeDiscord({ guilds: 3, recommendedShards: 2 });
    database = await createTestDatabase();
    running = await startGateway(botConfig(fake, { DATABASE_URL: database.url }), log, { clientOptions: noIdentifyThrottle, autoPoll: false });
    const client = running.bot.client;
    expect([client.options.shards, client.options.shardCount]).toEqual([[0, 1], 2]);
    const guilds = [fake.guildId, ...fake.extraGuilds.map((g) => g.guildId)];
    expect(new Set(guilds.map((g) => shardOfGuild(g, 2)))).toEqual(new Set([0, 1]));
    for (const shard of [0, 1]) expect(fake.shardGuilds(shard)).toEqual(guilds.filter((g) => shardOfGuild(g, 2) === shard));
    // discord.js knows which shard holds each guild, as Discord assigned them.
    for (const guildId of guilds) expect(client.guilds.cache.get(guildId)?.shardId).toBe(shardOfGuild(guildId, 2));

    // With no Interactions Endpoint URL the gateway answers the interactions of guilds on either shard (the fake sends
    // each on its guild's shard connection).
    for (const extra of fake.extraGuilds) {
      const reply = await command(fake, 'latest', {}, { guildId: extra.guildId, channelId: extra.channelId });
      expect(reply.embeds?.length).toBeGreaterThan(0);
    }
    // It neither polls nor announces: that is the workers' work.
    expect(logs.join('')).toContain('"msg":"gateway ready"');
    expect(running.services.poller.leasedFeeds()).toEqual([]);
  });

  it('honours SHARD_COUNT and SHARD_IDS: a process running shard 1 of 2 hears only that shard\'s guilds', { timeout: 60_000 }, async () => {
    fake = await startFakeDiscord({ guilds: 3, recommendedShards: 5 });
    database = await createTestDatabase();
    running = await startGateway(botConfig(fake, { DATABASE_URL: database.url, SHARD_COUNT: '2', SHARD_IDS: '1' }), log, {
      clientOptions: noIdentifyThrottle,
      autoPoll: false,
    });
    const guilds = [fake.guildId, ...fake.extraGuilds.map((g) => g.guildId)];
    const mine = guilds.filter((g) => shardOfGuild(g, 2) === 1);
    expect(mine.length).toBeGreaterThan(0);
    expect(fake.shardGuilds(0)).toBeUndefined();
    expect(fake.shardGuilds(1)).toEqual(mine);
    expect([...running.bot.client.guilds.cache.keys()].sort()).toEqual([...mine].sort());
  });

  it('refuses SQLite with one clear line', async () => {
    fake = await startFakeDiscord();
    await expect(startGateway(botConfig(fake, {}), log, { clientOptions: noIdentifyThrottle })).rejects.toThrow(GATEWAY_NEEDS_POSTGRES);
  });
});
