import dotenv from 'dotenv';
import { z } from 'zod';
import { err, ok, type Result } from './data/model.js';
import { databaseKind } from './store/databaseUrl.js';

/** The only reader of process.env: everything else receives a typed Config. */

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optional = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const ConfigSchema = z.object({
  DISCORD_TOKEN: optional,
  DISCORD_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://discord.com/api'),
  DISCORD_GUILD_ID: optional.refine((v) => v === undefined || /^\d{17,20}$/.test(v), 'must be a numeric guild id'),
  DISCORD_PUBLIC_KEY: optional.refine(
    (v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v),
    'must be 64 hex digits (the Public Key on the General Information page of the application)',
  ),
  DATABASE_URL: z
    .string()
    .default('sqlite:data/podcord.db')
    .refine(
      (v) => databaseKind(v) !== undefined,
      'must be sqlite:<path>, sqlite::memory: or postgres://user:password@host:port/database',
    )
    .refine(
      (v) => databaseKind(v) !== 'postgres' || URL.canParse(v),
      'is not a valid postgres:// URL (percent-encode special characters in the password)',
    ),
  FEEDS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'each feed must be an http(s) URL' }))),
  POLL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  INTERACTIONS_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  SHARD_COUNT: z.coerce.number().int().min(1).max(100_000).optional(),
  SHARD_IDS: optional.pipe(
    z
      .string()
      .regex(/^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$/, 'must be shard ids and ranges, like 0,2 or 0-3')
      // A range written backwards (5-2) names no shard: refused rather than read as none.
      .refine(rangesGoUp, 'a range must go up, like 2-5')
      .transform(parseShardIds)
      .optional(),
  ),
  ALLOW_PRIVATE_NETWORK: flag,
  LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(20),
  DISCORD_REQUESTS_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(45),
  SEMANTIC_SEARCH: flag,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})
  .refine((e) => e.SHARD_IDS === undefined || e.SHARD_COUNT !== undefined, {
    path: ['SHARD_IDS'],
    message: 'needs SHARD_COUNT too (every gateway process must agree on how many shards there are)',
  })
    // (Zod runs these even when a field failed above: SHARD_IDS may then still be the text.)
  .refine((e) => !Array.isArray(e.SHARD_IDS) || typeof e.SHARD_COUNT !== 'number' || e.SHARD_IDS.every((id) => id < (e.SHARD_COUNT ?? 0)), {
    path: ['SHARD_IDS'],
    message: 'every shard id must be below SHARD_COUNT',
  });

/** "0,2-4" -> [0, 2, 3, 4], sorted, without repeats. */
function rangesGoUp(text: string): boolean {
  return text.split(',').every((part) => {
    const [from = 0, to = from] = part.split('-').map(Number);
    return from <= to;
  });
}

function parseShardIds(text: string): number[] {
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const [from, to = from] = part.split('-').map((n) => Number(n.trim())) as [number, number?];
    // SHARD_COUNT is at most 100,000: a longer range is refused below without being spelled out here.
    for (let id = from; id <= Math.min(to, from + 100_000); id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

export interface Config {
  discordToken?: string;
  discordApiUrl: string;
  discordGuildId?: string;
  /** The application's Ed25519 public key (hex): what the HTTP interactions endpoint checks every request against. */
  discordPublicKey?: string;
  /** Where the HTTP server listens (POST /interactions, GET /healthz, GET /metrics). */
  interactionsPort: number;
  /** How many shards the gateway is split into (--role gateway); unset: what Discord recommends (GET /gateway/bot). */
  shardCount?: number;
  /** Which of them this gateway process runs; unset: all. */
  shardIds?: number[];
  databaseUrl: string;
  feeds: string[];
  pollIntervalSeconds: number;
  allowPrivateNetwork: boolean;
  /**
   * How long a feed being checked or a post being made stays one process's own without a heartbeat: how soon another
   * process takes over what a process that died was doing. Heartbeats come five times as often.
   */
  leaseSeconds: number;
  /** The bot token's requests per second, for every process sharing it together (Discord's limit is 50). */
  discordRequestsPerSecond: number;
  /** Merge word-vector (GloVe) matches into /topic: finds paraphrases, costs memory and latency on big libraries. */
  semanticSearch: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Pure: validates an environment-shaped record. Errors name the variable, never echo its value (it may be a secret). */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Result<Config> {
  // Empty strings from a copied .env.example mean "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    return err(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return ok({
    ...(e.DISCORD_TOKEN !== undefined && { discordToken: e.DISCORD_TOKEN }),
    discordApiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
    ...(e.DISCORD_GUILD_ID !== undefined && { discordGuildId: e.DISCORD_GUILD_ID }),
    ...(e.DISCORD_PUBLIC_KEY !== undefined && { discordPublicKey: e.DISCORD_PUBLIC_KEY.toLowerCase() }),
    interactionsPort: e.INTERACTIONS_PORT,
    ...(e.SHARD_COUNT !== undefined && { shardCount: e.SHARD_COUNT }),
    ...(e.SHARD_IDS !== undefined && { shardIds: e.SHARD_IDS }),
    databaseUrl: e.DATABASE_URL,
    feeds: e.FEEDS,
    pollIntervalSeconds: e.POLL_INTERVAL_SECONDS,
    allowPrivateNetwork: e.ALLOW_PRIVATE_NETWORK,
    leaseSeconds: e.LEASE_SECONDS,
    discordRequestsPerSecond: e.DISCORD_REQUESTS_PER_SECOND,
    semanticSearch: e.SEMANTIC_SEARCH,
    logLevel: e.LOG_LEVEL,
  });
}

/** Reads `.env` (if any) under the real environment, which wins, then validates. */
export function loadConfig(envFile = '.env'): Result<Config> {
  const env: Record<string, string | undefined> = { ...process.env };
  dotenv.config({ path: envFile, processEnv: env as Record<string, string>, quiet: true });
  return parseConfig(env);
}

/**
 * Only ALLOW_PRIVATE_NETWORK, read as loadConfig reads it (the environment over `.env`): for `npm run inspect`, which
 * fetches as the bot does but needs none of the bot's other settings, so a half-filled `.env` does not stop it.
 */
export function loadAllowPrivateNetwork(envFile = '.env'): Result<boolean> {
  const env: Record<string, string | undefined> = { ...process.env };
  dotenv.config({ path: envFile, processEnv: env as Record<string, string>, quiet: true });
  const value = env['ALLOW_PRIVATE_NETWORK'];
  const parsed = flag.safeParse(value === '' ? undefined : value);
  return parsed.success ? ok(parsed.data) : err('Invalid configuration:\n  ALLOW_PRIVATE_NETWORK: must be true or false');
}
