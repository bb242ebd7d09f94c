import type { Logger } from 'pino';
import { startPodcordBot, type BotStartOptions, type RunningBot } from '../app.js';
import type { Config } from '../config.js';
import { databaseKind } from '../store/databaseUrl.js';

/**
 * Role `gateway`: the gateway connection of a bot too big for one, split into shards by discord.js itself (the
 * client's `shards` and `shardCount`: internal sharding, one @discordjs/ws connection per shard in this process).
 * Discord sends each shard the events of the guilds with `(guild_id >> 22) % shard_count == shard_id`, so several
 * gateway processes, each with its own SHARD_IDS and the same SHARD_COUNT, split the guilds between them.
 *
 * It sets up guilds joining (the operator's FEEDS followed) and cleans up guilds leaving, fetches the FEEDS the store
 * has never had, and answers the interactions of its shards when no Interactions Endpoint URL is set (with one, Discord
 * sends them to the `interactions` replicas instead). It neither polls nor announces: that is the workers' work. Its
 * announcer serves only the commands that need one (/announce channel's check, /announce test).
 */

export const GATEWAY_NEEDS_POSTGRES =
  '--role gateway needs PostgreSQL (DATABASE_URL=postgres://...): it neither polls nor announces, which the workers do ' +
  'on the same database. With SQLite, run one process with --role all (the default).';

/** discord.js's client options for SHARD_COUNT and SHARD_IDS: 'auto' asks Discord (GET /gateway/bot) how many. */
export function shardOptions(config: Pick<Config, 'shardCount' | 'shardIds'>): { shards: number[] | 'auto'; shardCount?: number } {
  if (config.shardCount === undefined) return { shards: 'auto' };
  return { shards: config.shardIds ?? Array.from({ length: config.shardCount }, (_, id) => id), shardCount: config.shardCount };
}

export async function startGateway(config: Config & { discordToken: string }, log: Logger, options: BotStartOptions = {}): Promise<RunningBot> {
  if (databaseKind(config.databaseUrl) !== 'postgres') throw new Error(GATEWAY_NEEDS_POSTGRES);
  const running = await startPodcordBot(config, log, {
    ...options,
    role: 'gateway',
    announcing: false,
    // It loads the topic index the workers save in the database, never building the whole of it itself.
    buildsTopicIndex: false,
    clientOptions: { ...options.clientOptions, ...shardOptions(config) },
  });
  const client = running.bot.client;
  // discord.js writes what it chose ('auto' included) back into its options.
  log.info({ role: 'gateway', shards: client.options.shards, shardCount: client.options.shardCount, guilds: client.guilds.cache.size }, 'gateway ready');
  return running;
}
