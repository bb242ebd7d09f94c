import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(parseConfig({})).toEqual({
      ok: true,
      value: {
        discordApiUrl: 'https://discord.com/api',
        interactionsPort: 8080,
        databaseUrl: 'sqlite:data/podcord.db',
        feeds: [],
        pollIntervalSeconds: 600,
        allowPrivateNetwork: false,
        leaseSeconds: 20,
        discordRequestsPerSecond: 45,
        semanticSearch: false,
        logLevel: 'info',
      },
    });
  });

  it('reads SHARD_COUNT and SHARD_IDS (ids and ranges), and refuses ids without a count or past it', () => {
    const config = parseConfig({ SHARD_COUNT: '8', SHARD_IDS: '0, 2-4,3' });
    expect(config.ok && [config.value.shardCount, config.value.shardIds]).toEqual([8, [0, 2, 3, 4]]);
    const auto = parseConfig({});
    expect(auto.ok && [auto.value.shardCount, auto.value.shardIds]).toEqual([undefined, undefined]);
    expect(parseConfig({ SHARD_IDS: '0-1' })).toEqual({
      ok: false,
      error: 'Invalid configuration:\n  SHARD_IDS: needs SHARD_COUNT too (every gateway process must agree on how many shards there are)',
    });
    expect(parseConfig({ SHARD_COUNT: '2', SHARD_IDS: '1-2' })).toEqual({ ok: false, error: 'Invalid configuration:\n  SHARD_IDS: every shard id must be below SHARD_COUNT' });
    expect(parseConfig({ SHARD_COUNT: '8', SHARD_IDS: '5-2' })).toMatchObject({ ok: false, error: expect.stringContaining('SHARD_IDS: a range must go up, like 2-5') });
    const garbled = parseConfig({ SHARD_COUNT: '2', SHARD_IDS: 'one' });
    expect(garbled.ok ? '' : garbled.error).toContain('SHARD_IDS: must be shard ids and ranges, like 0,2 or 0-3');
    const zero = parseConfig({ SHARD_COUNT: '0' });
    expect(zero.ok ? '' : zero.error).toContain('SHARD_COUNT');
  });

  it('treats empty values copied from .env.example as unset', () => {
    const config = parseConfig({ DISCORD_TOKEN: '', DISCORD_GUILD_ID: '', FEEDS: '', LOG_LEVEL: '' });
    expect(config.ok && config.value.discordToken).toBe(undefined);
    expect(config.ok && config.value.logLevel).toBe('info');
  });

  it('reads every setting, trimming the API URL and splitting FEEDS', () => {
    const config = parseConfig({
      DISCORD_TOKEN: 'abc.def.ghi',
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
      DISCORD_GUILD_ID: '123456789012345678',
      DISCORD_PUBLIC_KEY: 'ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789',
      INTERACTIONS_PORT: '3000',
      DATABASE_URL: 'sqlite::memory:',
      FEEDS: ' https://a.example/feed.xml , https://b.example/rss ',
      POLL_INTERVAL_SECONDS: '1',
      ALLOW_PRIVATE_NETWORK: 'true',
      LEASE_SECONDS: '5',
      DISCORD_REQUESTS_PER_SECOND: '20',
      SEMANTIC_SEARCH: 'yes',
      LOG_LEVEL: 'debug',
    });
    expect(config).toEqual({
      ok: true,
      value: {
        discordToken: 'abc.def.ghi',
        discordApiUrl: 'http://127.0.0.1:9999/api',
        discordGuildId: '123456789012345678',
        discordPublicKey: 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
        interactionsPort: 3000,
        databaseUrl: 'sqlite::memory:',
        feeds: ['https://a.example/feed.xml', 'https://b.example/rss'],
        pollIntervalSeconds: 1,
        allowPrivateNetwork: true,
        leaseSeconds: 5,
        discordRequestsPerSecond: 20,
        semanticSearch: true,
        logLevel: 'debug',
      },
    });
  });

  it('names each wrong variable and never echoes a value back', () => {
    const config = parseConfig({
      DISCORD_GUILD_ID: 'my-server',
      DATABASE_URL: 'mysql://user:hunter2@db/podcord',
      FEEDS: 'not a url',
      POLL_INTERVAL_SECONDS: '0',
      ALLOW_PRIVATE_NETWORK: 'maybe',
      LEASE_SECONDS: '1',
      DISCORD_REQUESTS_PER_SECOND: 'lots',
      DISCORD_PUBLIC_KEY: 'not-hex-and-secretish',
      INTERACTIONS_PORT: '70000',
    });
    expect(config.ok).toBe(false);
    if (config.ok) return;
    for (const name of ['DISCORD_GUILD_ID', 'DATABASE_URL', 'FEEDS', 'POLL_INTERVAL_SECONDS', 'ALLOW_PRIVATE_NETWORK', 'LEASE_SECONDS', 'DISCORD_REQUESTS_PER_SECOND', 'DISCORD_PUBLIC_KEY', 'INTERACTIONS_PORT']) {
      expect(config.error).toContain(name);
    }
    expect(config.error).not.toContain('hunter2');
    expect(config.error).not.toContain('my-server');
    expect(config.error).not.toContain('secretish');
  });

  it('accepts PostgreSQL URLs in DATABASE_URL as given', () => {
    for (const url of ['postgres://podcord:hunter2@db.internal:5432/podcord', 'postgresql://db.internal/podcord?sslmode=require']) {
      const config = parseConfig({ DATABASE_URL: url });
      expect(config.ok && config.value.databaseUrl).toBe(url);
    }
  });

  it('refuses a postgres URL that does not parse, without echoing it', () => {
    const config = parseConfig({ DATABASE_URL: 'postgres://podcord:hun/ter2@db.internal/podcord' });
    expect(config).toEqual({
      ok: false,
      error: 'Invalid configuration:\n  DATABASE_URL: is not a valid postgres:// URL (percent-encode special characters in the password)',
    });
  });
});
