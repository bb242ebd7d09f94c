import { Routes, type APIUser } from 'discord-api-types/v10';
import { DiscordAPIError, type REST } from 'discord.js';
import type { Logger } from 'pino';
import { openServices, type ServiceOptions, type Services } from '../app.js';
import type { Config } from '../config.js';
import { Announcer } from '../discord/announcer.js';
import { budgetedRest } from '../discord/budgetedRest.js';
import { RateBudget } from '../discord/RateBudget.js';
import { restTransport } from '../discord/restTransport.js';
import { databaseKind } from '../store/databaseUrl.js';
import { Heartbeat, newProcessIdentity } from './Heartbeat.js';

/**
 * Role `worker`: polls feeds and posts announcements, through Discord's REST API only. No gateway connection, so
 * nothing here reads discord.js's gateway caches: a channel's kind, guild and forum tags and a guild's locale are read
 * over REST and kept in the store (restTransport). Any number of workers share one PostgreSQL with one `all` process
 * (the gateway, where commands are answered): each due feed is leased to one of them, each post claimed by one, and
 * together they keep to the bot token's request budget (Heartbeat, RateBudget).
 *
 * PostgreSQL only: workers are for more than one process, on more than one machine, and SQLite is one file with one
 * writer at a time on one machine (a second writer there waits for the lock, up to a second, on every write).
 */

export const WORKER_NEEDS_POSTGRES =
  '--role worker needs PostgreSQL (DATABASE_URL=postgres://user:password@host:port/database): workers share the feeds and ' +
  'the posts through one database that several processes, on several machines, write at once. With SQLite, run one ' +
  'process with --role all (the default).';

export interface WorkerOptions extends Omit<ServiceOptions, 'lease' | 'fetchMissingFeeds'> {
  /** Minimum time between two announcements in one channel. Default 1500 ms. */
  announceSpacingMs?: number;
  /** Announcements per feed and server in 24 hours before the feed is paused as broken. Default 10. */
  announceMaxPerDay?: number;
  /** Poll every POLL_INTERVAL_SECONDS on a timer. Default true; tests may drive polls with pollOnce() instead. */
  autoPoll?: boolean;
}

export interface RunningWorker {
  services: Services;
  announcer: Announcer;
  heartbeat: Heartbeat;
  /** Checks the due feeds this worker can lease now and waits until what it found has been posted. */
  pollOnce(): Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(config: Config & { discordToken: string }, log: Logger, options: WorkerOptions = {}): Promise<RunningWorker> {
  if (databaseKind(config.databaseUrl) !== 'postgres') throw new Error(WORKER_NEEDS_POSTGRES);
  const identity = newProcessIdentity();
  const lease = { owner: identity.id, ms: config.leaseSeconds * 1000 };
  // No word vectors: a worker answers no /topic.
  const services = await openServices(config, log, { ...options, semantic: false, lease, fetchMissingFeeds: false });
  // Polling and announcing compare with the whole catalogue.
  await services.loaded;
  const { store, library, poller } = services;
  const now = options.now ?? (() => new Date());
  const budget = new RateBudget(config.discordRequestsPerSecond);
  let announcer: Announcer | undefined;
  const heartbeat = new Heartbeat({
    identity,
    store,
    log,
    role: 'worker',
    leaseMs: lease.ms,
    totalRequestsPerSecond: config.discordRequestsPerSecond,
    budget,
    held: () => ({ feeds: poller.leasedFeeds(), announcements: announcer?.claimedPosts() ?? [] }),
    now,
  });
  try {
    await heartbeat.start();
    const rest = budgetedRest({ apiUrl: config.discordApiUrl, token: config.discordToken }, budget, log);
    const me = await whoAmI(rest);
    announcer = new Announcer({
      store,
      library,
      log,
      transport: restTransport({ rest, store, botUserId: me.id, log, now }),
      now,
      lease,
      ...(options.metrics && { metrics: options.metrics }),
      ...(options.announceSpacingMs !== undefined && { spacingMs: options.announceSpacingMs }),
      ...(options.announceMaxPerDay !== undefined && { maxPerDay: options.announceMaxPerDay }),
    });
    const running = announcer;
    services.announcer = running;
    poller.listener.newEpisodes = (podcastId) => running.announceFeed(podcastId);
    poller.listener.liveShows = (podcastId) => running.syncLiveShows(podcastId);
    poller.listener.paused = (feedUrl, state) => running.notifyPaused(feedUrl, state);
    poller.listener.cycleStarted = () => running.reconcile();
    // What another process left half done, then what came out while no process announced.
    await running.reconcile();
    await running.announceAll();
    if (options.autoPoll !== false) poller.start();
    log.info(
      { role: 'worker', process: identity.id, user: me.username, processes: heartbeat.processesAlive, requestsPerSecond: budget.perSecond },
      'worker ready',
    );
    return {
      services,
      announcer: running,
      heartbeat,
      async pollOnce() {
        await poller.pollOnce();
        await running.idle();
      },
      async stop() {
        await poller.stop();
        await running.stop();
        await heartbeat.stop();
        await services.close();
        rest.clearHashSweeper();
        rest.clearHandlerSweeper();
      },
    };
  } catch (error) {
    await poller.stop();
    await announcer?.stop();
    await heartbeat.stop();
    await services.close();
    throw error;
  }
}

/** The bot's user (its posts are recognised by it); a refused token stops the worker with one clear line. */
export async function whoAmI(rest: REST): Promise<APIUser> {
  try {
    return (await rest.get(Routes.user())) as APIUser;
  } catch (error) {
    if (error instanceof DiscordAPIError && error.status === 401) throw new Error('Could not log in to Discord: the token was refused. Check DISCORD_TOKEN in .env.');
    throw new Error(`Could not reach Discord: ${error instanceof Error ? error.message : String(error)}`);
  }
}
