import { REST } from 'discord.js';
import type { Logger } from 'pino';
import { interactionCoreFor, isLoaded, openServices, type ServiceOptions, type Services } from '../app.js';
import type { Config } from '../config.js';
import { Announcer } from '../discord/announcer.js';
import { budgetedRest } from '../discord/budgetedRest.js';
import { RateBudget } from '../discord/RateBudget.js';
import { restTransport } from '../discord/restTransport.js';
import { startHttpServer, type HttpServer } from '../http/startHttpServer.js';
import { Metrics } from '../metrics.js';
import { databaseKind } from '../store/databaseUrl.js';
import { Heartbeat, newProcessIdentity } from './Heartbeat.js';
import { whoAmI } from './worker.js';
import { storeIsReachable } from './storeIsReachable.js';

/**
 * Role `interactions`: Discord's Interactions Endpoint URL. An HTTP server on INTERACTIONS_PORT answers every slash
 * command, autocomplete and button POSTed to it (signed with the application's key, DISCORD_PUBLIC_KEY), from the
 * catalogue and follows held in memory and kept fresh from PostgreSQL (StoreSync: what another process saves is served
 * within 2 s). No gateway connection, no polling, no announcing: what it changes (a `/feed add` fetches the feed once,
 * saves and follows it; `/announce channel` saves settings) goes to the store, whose NOTIFY tells every other process.
 * `/announce channel` checks and `/announce test` posts through the REST-only transport the workers use. Nothing a
 * request needs is kept only here, so any number of replicas sit behind one load balancer and answer alike.
 */

export const INTERACTIONS_NEEDS_KEY =
  '--role interactions needs DISCORD_PUBLIC_KEY (the Public Key on the General Information page of the application in the Developer Portal).';

export const INTERACTIONS_NEEDS_POSTGRES =
  '--role interactions needs PostgreSQL (DATABASE_URL=postgres://...): replicas, and the gateway and workers beside them, ' +
  'share the catalogue and the follows through one database. With SQLite, run one process with --role all (the default), ' +
  'which serves POST /interactions too when DISCORD_PUBLIC_KEY is set.';

export interface InteractionsRoleOptions extends Omit<ServiceOptions, 'lease' | 'fetchMissingFeeds' | 'metrics'> {
  /** Where the HTTP server listens. Default: every interface. */
  host?: string;
}

export interface RunningInteractions {
  services: Services;
  http: HttpServer;
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function startInteractions(
  config: Config & { discordToken: string; discordPublicKey: string },
  log: Logger,
  options: InteractionsRoleOptions = {},
): Promise<RunningInteractions> {
  if (databaseKind(config.databaseUrl) !== 'postgres') throw new Error(INTERACTIONS_NEEDS_POSTGRES);
  const identity = newProcessIdentity();
  const lease = { owner: identity.id, ms: config.leaseSeconds * 1000 };
  const metrics = new Metrics({ labels: { role: 'interactions' } });
  // The operator's FEEDS are fetched by the gateway (or all) process; replicas starting together would each fetch them.
  // It loads the topic index the workers save in the database, never building the whole of it itself.
  const services = await openServices(config, log, { ...options, lease, fetchMissingFeeds: false, metrics, buildsTopicIndex: false });
  const { store, library } = services;
  const now = options.now ?? (() => new Date());
  const budget = new RateBudget(config.discordRequestsPerSecond);
  const heartbeat = new Heartbeat({
    identity,
    store,
    log,
    role: 'interactions',
    leaseMs: lease.ms,
    totalRequestsPerSecond: config.discordRequestsPerSecond,
    budget,
    held: () => ({ feeds: services.poller.leasedFeeds(), announcements: services.announcer?.claimedPosts() ?? [] }),
    now,
  });
  let http: HttpServer | undefined;
  const rest = budgetedRest({ apiUrl: config.discordApiUrl, token: config.discordToken }, budget, log);
  try {
    await heartbeat.start();
    const me = await whoAmI(rest);
    // For /announce channel (can the bot post there?), /announce test and /announce resume: REST only, as a worker.
    services.announcer = new Announcer({
      store,
      library,
      log,
      transport: restTransport({ rest, store, botUserId: me.id, log, now }),
      now,
      lease,
      metrics,
    });
    const core = interactionCoreFor(services, log, { now, observer: metrics });
    http = await startHttpServer({
      port: config.interactionsPort,
      ...(options.host !== undefined && { host: options.host }),
      // Edits of deferred answers go to the interaction's webhook: no token, and not counted against the global limit,
      // so a client of their own, apart from the budget the announcer's requests keep to.
      interactions: { publicKey: config.discordPublicKey, core, rest: new REST({ api: config.discordApiUrl }) },
      // Answering already while the catalogue loads, but not ready for a load balancer's traffic until it is.
      ready: () => isLoaded(services) && storeIsReachable(store, now),
      metrics,
      log,
    });
    log.info({ role: 'interactions', process: identity.id, user: me.username, port: http.port }, 'interactions ready');
  } catch (error) {
    await http?.close();
    await heartbeat.stop();
    await services.close();
    throw error;
  }
  const server = http;
  return {
    services,
    http: server,
    metrics,
    async stop() {
      // Answers in flight (a deferred /feed add's edit included) finish first.
      await server.close();
      await heartbeat.stop();
      await services.close();
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}
