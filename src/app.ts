import { Events, type ClientOptions } from 'discord.js';
import { buttons, commandDefinitions, commands } from './commands/index.js';
import type { Deps, FeedAdmin } from './commands/command.js';
import type { Config } from './config.js';
import { EVERY_PODCAST } from './data/catalog.js';
import { withoutCredentials } from './data/feedCredentials.js';
import { Library, type LibraryOptions } from './data/library.js';
import { WordVectorEncoder } from './data/search/semantic/PassageEncoder.js';
import { SemanticIndex } from './data/search/semantic/SemanticIndex.js';
import { Announcer } from './discord/announcer.js';
import { discordTransport } from './discord/announcementTransport.js';
import { budgetedRest } from './discord/budgetedRest.js';
import { RateBudget } from './discord/RateBudget.js';
import { startBot, type Bot } from './discord/bot.js';
import { createInteractionRouter } from './discord/interactionRouter.js';
import { createInteractionCore, type InteractionCore, type InteractionObserver } from './interactions/InteractionCore.js';
import { createFeedAdmin } from './follows/feedAdmin.js';
import { forgetGuild } from './follows/forgetGuild.js';
import { GuildFollows } from './follows/GuildFollows.js';
import { StoreSync } from './follows/StoreSync.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { loadBundledSamples } from './sources/bundledSamples.js';
import { loadWordVectors, type LoadWordVectorsOptions } from './sources/loadWordVectors.js';
import { FeedPoller, type FeedPollerOptions } from './sources/feedPoller.js';
import type { HostLimits } from './sources/HostLimiter.js';
import { ParsePool, type ParsePoolOptions } from './sources/ParsePool.js';
import { Heartbeat, newProcessIdentity } from './roles/Heartbeat.js';
import { PollSchedule } from './sources/PollSchedule.js';
import { openStore } from './store/openStore.js';
import { SqliteStore } from './store/SqliteStore.js';
import type { Store } from './store/Store.js';
import { loadLibrary } from './store/loadLibrary.js';
import { planTopicIndex } from './store/planTopicIndex.js';
import type { TopicIndexSaver } from './store/topicIndexFile.js';
import type { Compactor } from './data/search/Compactor.js';
import { WorkerCompactor } from './search-runtime/WorkerCompactor.js';

/** Builds the running bot from a Config: what index.ts does, and what the end-to-end tests do the same way. */

export interface ServiceOptions {
  /** An open store (tests wrap one to inject failures); default: DATABASE_URL opened here and closed by close(). */
  store?: Store;
  /** Default: the bundled samples. The stored catalogue is added to it either way. */
  library?: Library;
  /** Tests and proxies: how fetches resolve names and connect (see fetchResource). */
  fetchOptions?: FeedPollerOptions['fetchOptions'];
  limits?: HostLimits;
  /** The worker threads that parse fetched feeds, chapters and transcripts (tests shrink their limits). */
  parsing?: Omit<ParsePoolOptions, 'log'>;
  /** Failures in a row that pause a feed. Default 8. */
  pauseAfterFailures?: number;
  maxBackoffSeconds?: number;
  random?: () => number;
  now?: () => Date;
  /**
   * Semantic search ("self-driving" finds "autopilot"): load the word vectors and merge a SemanticIndex with the
   * lexical one. Off by default (see README, "Semantic search": it costs p99 latency past ~50k passages); ignored
   * when `library` is given. If the vectors cannot be loaded the bot starts with lexical search and logs why.
   */
  semantic?: boolean | LoadWordVectorsOptions;
  /** Whose leases the poller takes, and for how long (see FeedPoller); the roles pass their process's. */
  lease?: { owner: string; ms: number };
  /**
   * Fetch the FEEDS the store has never had at start (default true). A worker leaves that to the gateway process:
   * workers starting together would each fetch them.
   */
  fetchMissingFeeds?: boolean;
  /** Where feed checks, posts, store errors and interactions are counted (GET /metrics); made by the composer. */
  metrics?: Metrics;
  /**
   * Where the topic index is saved and loaded from; default `<database>.topics` beside a SQLite file, in the database
   * for PostgreSQL; false: nowhere.
   */
  topicIndexFile?: string | false;
  /**
   * PostgreSQL: this process keeps the saved topic index up to date (default; the processes that poll), or only loads
   * it (false: `interactions`, `gateway`), never indexing the whole catalogue itself.
   */
  buildsTopicIndex?: boolean;
  /**
   * The topic index's compactions: by default on a worker thread (WorkerCompactor), so merging its segments never
   * holds the thread that answers; tests wrap one, or make the mutable segment small so one comes due soon.
   * Ignored when `library` is given.
   */
  searchIndex?: { compactor?: Compactor; mutableLimit?: number };
}

/** How often the database file is checked for having been deleted or replaced: a stat, a few microseconds. */
const DATABASE_FILE_CHECK_MS = 1000;

/** A Library with semantic search when the word vectors load, else a plain one; one log line either way. */
export async function libraryWithSemanticSearch(log: Logger, options: LoadWordVectorsOptions = {}, index: LibraryOptions['index'] = {}): Promise<Library> {
  const loaded = await loadWordVectors(options);
  if (!loaded.ok) {
    log.warn({ reason: loaded.reason }, 'semantic search off: word vectors unavailable, topic search is lexical only');
    return new Library({ index });
  }
  log.info(
    { words: loaded.vectors.size, ms: Math.round(loaded.ms), from: loaded.from, bytes: loaded.bytes },
    loaded.from === 'converted' ? 'semantic search on: word vectors converted and cached' : 'semantic search on: word vectors loaded',
  );
  return new Library({ semantic: new SemanticIndex(new WordVectorEncoder(loaded.vectors)), index });
}

/** Everything but Discord: store, library, poller, follows, and the /feed service the commands use. */
export interface Services {
  store: Store;
  library: Library;
  poller: FeedPoller;
  follows: GuildFollows;
  feeds: FeedAdmin;
  /** Set once connected to Discord. */
  announcer: Announcer | undefined;
  /**
   * Settles once the stored catalogue and topic index are loaded and the missing FEEDS fetched (openServices returns
   * before: commands are served meanwhile, saying what is still loading). Polling and announcing wait for it. A
   * process that only loads the index PostgreSQL keeps (`buildsTopicIndex: false`) does not wait here for a worker to
   * save one: /topic says it is still loading until then.
   */
  loaded: Promise<void>;
  /** False, logged as fatal and reported in `fatal`, once a database file opened here is gone or replaced. */
  databaseFileThere(): boolean;
  /**
   * Saves the topic index as it changes (beside a SQLite database, or in PostgreSQL by a process that polls);
   * undefined where none is kept or this process only loads it.
   */
  topicIndex: TopicIndexSaver | undefined;
  /** Operator feeds (FEEDS), normalised. */
  operatorFeeds: string[];
  /**
   * Settles, with the reason, when the bot must not go on: the database file opened here (not a store passed in) was
   * deleted or replaced, so nothing it saves would survive a restart. index.ts then stops the process, exiting 1.
   */
  fatal: Promise<string>;
  close(): Promise<void>;
}

/**
 * Opens the store, loads the stored catalogue and transcripts into the library at once (no refetch), and fetches only
 * the FEEDS the store has never had, so a first start serves them too.
 */
export async function openServices(config: Config, log: Logger, options: ServiceOptions = {}): Promise<Services> {
  let store = options.store;
  const ownsStore = store === undefined;
  let sqlite: SqliteStore | undefined;
  if (store === undefined) {
    const opened = await openStore(config.databaseUrl, {
      onConnectionError: (error) => log.warn({ err: error }, 'a database connection failed while idle; the next query opens a new one'),
    });
    if (!opened.ok) throw new Error(opened.error);
    store = opened.value;
    // A SQLite file can be deleted under a running bot; a PostgreSQL server says so itself.
    if (store instanceof SqliteStore) sqlite = store;
  }
  // SEMANTIC_SEARCH turns word vectors on; tests pass `semantic` to choose for themselves.
  const semantic = options.semantic ?? config.semanticSearch;
  // Closed by close() when made here.
  const ownCompactor = options.library === undefined && options.searchIndex?.compactor === undefined ? new WorkerCompactor(log) : undefined;
  const compactor = options.library === undefined ? (options.searchIndex?.compactor ?? ownCompactor) : undefined;
  const mutableLimit = options.searchIndex?.mutableLimit;
  const index = { ...(compactor && { compactor }), ...(mutableLimit !== undefined && { mutableLimit }) };
  const library =
    options.library ?? (semantic ? await libraryWithSemanticSearch(log, semantic === true ? {} : semantic, index) : new Library({ index }));
  // Into the catalogue now; into the topic index by loadLibrary below, once (see Library.addPinned).
  if (!options.library) for (const { podcast, episodes } of await loadBundledSamples()) library.addPinned(podcast, episodes);
  // What the bot starts with (the samples, or the library given) is shared by every guild; what is followed is not.
  const shared = library.catalog.podcasts(EVERY_PODCAST).map((p) => p.id);
  // What the catalogue does not keep (notes, chapters, links) is read from the store when a command shows it.
  library.readDetailsFrom((podcastId, episodeIds) => store.loadEpisodes(podcastId, episodeIds));
  // With PostgreSQL other processes change the catalogue and the follows too: listening starts before they are read,
  // so what is committed meanwhile is applied once they are.
  const sync = await StoreSync.listen(store, log);

  // A feed is known by its address without `user:password@`; the poller stores the credentials apart.
  const operatorFeeds = [...new Set(config.feeds.map((url) => withoutCredentials(new URL(url).href).url))];
  const schedule = new PollSchedule({
    intervalSeconds: config.pollIntervalSeconds,
    ...(options.pauseAfterFailures !== undefined && { pauseAfter: options.pauseAfterFailures }),
    ...(options.maxBackoffSeconds !== undefined && { maxBackoffSeconds: options.maxBackoffSeconds }),
    ...(options.random && { random: options.random }),
  });
  const parsers = new ParsePool({ ...options.parsing, log });
  const poller = new FeedPoller({
    store,
    library,
    log,
    schedule,
    parsers,
    allowPrivateNetwork: config.allowPrivateNetwork,
    ...(options.limits && { limits: options.limits }),
    ...(options.fetchOptions && { fetchOptions: options.fetchOptions }),
    ...(options.now && { now: options.now }),
    ...(options.lease && { lease: options.lease }),
    ...(options.metrics && { metrics: options.metrics }),
  });
  const follows = new GuildFollows(store, library, operatorFeeds, shared);
  sync?.start({ library, follows, shared: new Set(shared) });
  poller.listener.renamed = (from, to) => follows.renamed(from, to);
  // The stored catalogue and topic index are read while the bot already serves (commands that need them say they are
  // still loading); then the FEEDS the store has never had are fetched, so a first start serves them too.
  // Where the topic index is kept and who builds it (SQLite: a file beside it; PostgreSQL: the processes that poll).
  const stopLoading = new AbortController();
  const topicIndex = planTopicIndex({
    databaseUrl: config.databaseUrl,
    store,
    ownsStore,
    library,
    log,
    file: options.topicIndexFile,
    builds: options.buildsTopicIndex !== false,
    builder: { owner: options.lease?.owner ?? newProcessIdentity().id, ms: options.lease?.ms ?? 60_000 },
    signal: stopLoading.signal,
  });
  const saver = topicIndex.saver;
  // Saving writes the whole index (a core's work for seconds at a million episodes): not beside a poll cycle's work;
  // and not vouching for a podcast the store holds newer than the library yet.
  saver?.deferWhile(() => poller.busy);
  saver?.notVouchingFor(() => poller.unsettled);
  options.metrics?.watchTopicIndex(() => ({ passagesAnalysed: library.passagesAnalysed, loaded: !library.loading.topics }));
  // A process that only loads the index goes on once it waits for one (the catalogue in): following, the FEEDS and a
  // gateway's guilds do not wait for a worker to save an index.
  const libraryLoaded = loadLibrary(store, library, log, {
    ...topicIndex.load,
    signal: stopLoading.signal,
    ...(options.now && { now: options.now }),
    // Who follows what is read per podcast of the catalogue.
    withCatalogue: () => follows.load(),
  });
  const loaded = (async () => {
    const result = await Promise.race([libraryLoaded, topicIndex.awaitingSaved]);
    // Loaded as saved: nothing to write until it changes. Rebuilt (all or in part): written at the next tick.
    if (result?.savedIndex.used && result.indexed === 0) saver?.markSaved(library.indexGeneration);
    saver?.start();
    if (options.fetchMissingFeeds !== false) await poller.loadMissing(config.feeds.map((url) => new URL(url).href));
  })();

  let reportFatal: (reason: string) => void = () => {};
  const fatal = new Promise<string>((resolve) => (reportFatal = resolve));
  // The store refuses every call once its file is gone; this notices it also while nothing is being read or written.
  /** False (and reported as fatal) once the database file opened here is gone or replaced. */
  const databaseFileThere = (): boolean => {
    const file = sqlite?.checkFile();
    if (file === undefined || file.ok) return true;
    clearInterval(fileCheck);
    log.fatal({ reason: file.error }, 'the database file is gone: stopping');
    reportFatal(file.error);
    return false;
  };
  const fileCheck = sqlite && setInterval(databaseFileThere, DATABASE_FILE_CHECK_MS);
  fileCheck?.unref();

  let loadFailed = false;
  const onLoadFailure = (error: unknown): void => {
    if (loadFailed) return;
    loadFailed = true;
    // The file gone while it was read: said as the file check says it.
    if (!databaseFileThere()) return;
    log.fatal({ err: error }, 'the stored catalogue could not be loaded: stopping');
    reportFatal(error instanceof Error ? error.message : String(error));
  };
  loaded.catch(onLoadFailure);
  // Also once `loaded` settled while the index was still awaited.
  libraryLoaded.catch(onLoadFailure);

  const services: Services = {
    store,
    library,
    loaded,
    poller,
    follows,
    feeds: createFeedAdmin({ store, library, poller, follows, log, announcer: () => services.announcer, ...(options.now && { now: options.now }) }),
    announcer: undefined,
    operatorFeeds,
    fatal,
    topicIndex: saver,
    databaseFileThere,
    async close() {
      clearInterval(fileCheck);
      stopLoading.abort();
      await saver?.stop();
      await poller.stop();
      await loaded.catch(() => {});
      await libraryLoaded.catch(() => {});
      await parsers.close();
      // A compaction in flight is dropped: the index as it was stays valid (and the saved file is written apart).
      await ownCompactor?.close();
      await services.announcer?.stop();
      await sync?.close();
      if (ownsStore) await store.close();
    },
  };
  return services;
}

/** Whether the stored catalogue and topic index have been read (GET /healthz is 503 until then). */
export function isLoaded(services: Pick<Services, 'library'>): boolean {
  return !services.library.loading.catalogue && !services.library.loading.topics;
}

export function depsFor(library: Library, log: Logger, now: () => Date = () => new Date(), feeds?: FeedAdmin): Deps {
  return { catalog: library.catalog, search: library.scopedTopics, episodes: library, loading: library.loading, log, now, ...(feeds && { feeds }) };
}

/**
 * The interaction core over these services: every command and button, each guild seeing its own follows. The gateway
 * path (createInteractionRouter) and the HTTP endpoint (startHttpServer) take the same one.
 */
export function interactionCoreFor(
  services: Pick<Services, 'library' | 'follows' | 'feeds'>,
  log: Logger,
  options: { now?: () => Date; observer?: InteractionObserver } = {},
): InteractionCore {
  return createInteractionCore({
    commands,
    buttons,
    deps: depsFor(services.library, log, options.now, services.feeds),
    scopeFor: (guildId) => services.follows.scopeFor(guildId),
    ...(options.observer && { observer: options.observer }),
  });
}

export interface RunningBot {
  bot: Bot;
  library: Library;
  services: Services;
  /** This process in the registry: its leases, its share of the request budget. */
  heartbeat: Heartbeat;
  /** Checks every due feed now and waits until what it found has been posted (tests drive polls with this). */
  pollOnce(): Promise<void>;
  stop(): Promise<void>;
}

export interface BotStartOptions extends ServiceOptions {
  clientOptions?: Partial<ClientOptions>;
  /** Minimum time between two announcements in one channel. Default 1500 ms. */
  announceSpacingMs?: number;
  /** Announcements per feed and server in 24 hours before the feed is paused as broken. Default 10. */
  announceMaxPerDay?: number;
  /** Poll every POLL_INTERVAL_SECONDS on a timer. Default true; tests may drive polls with pollOnce() instead. */
  autoPoll?: boolean;
  /**
   * Poll and announce (default true). False for role gateway: it keeps an announcer only for the commands that use
   * one (/announce channel's check, /announce test), and leaves feeds and posts to the workers.
   */
  announcing?: boolean;
  /** --role, kept in the process registry. Default 'all'. */
  role?: string;
}

/**
 * Role `all`: the gateway connection (commands, guilds joining and leaving) plus a poller and an announcer. Alone on
 * SQLite or PostgreSQL it is the whole bot; beside workers on PostgreSQL it is one more poller and announcer among
 * them, taking its feeds and posts through the same leases and claims.
 */
export async function startPodcordBot(config: Config & { discordToken: string }, log: Logger, options: BotStartOptions = {}): Promise<RunningBot> {
  const identity = newProcessIdentity();
  const lease = { owner: identity.id, ms: config.leaseSeconds * 1000 };
  const services = await openServices(config, log, { ...options, lease });
  const { store, library, poller, follows } = services;
  const now = options.now ?? (() => new Date());
  const budget = new RateBudget(config.discordRequestsPerSecond);
  const heartbeat = new Heartbeat({
    identity,
    store,
    log,
    role: options.role ?? 'all',
    leaseMs: lease.ms,
    totalRequestsPerSecond: config.discordRequestsPerSecond,
    budget,
    held: () => ({ feeds: poller.leasedFeeds(), announcements: services.announcer?.claimedPosts() ?? [] }),
    now,
  });
  // Posts keep to the budget; the gateway client's own REST (interaction replies) does not (see discordTransport).
  const postingRest = budgetedRest({ apiUrl: config.discordApiUrl, token: config.discordToken }, budget, log);
  const core = interactionCoreFor(services, log, { now, ...(options.metrics && { observer: options.metrics }) });
  const router = createInteractionRouter({ core });
  let bot: Bot;
  try {
    await heartbeat.start();
    bot = await startBot({
      token: config.discordToken,
      apiUrl: config.discordApiUrl,
      ...(config.discordGuildId && { guildId: config.discordGuildId }),
      definitions: commandDefinitions,
      router,
      log,
      ...(options.clientOptions && { clientOptions: options.clientOptions }),
      onReady: async (client) => {
        // Commands are answered from here on; following, polling and announcing need the whole catalogue. A load that
        // failed is fatal (services.fatal): the process stops with its reason, nothing more is set up.
        if (!(await services.loaded.then(() => true, () => false))) return;
        const announcer = new Announcer({
          store,
          library,
          log,
          transport: discordTransport(client, postingRest),
          now,
          lease,
          ...(options.announceSpacingMs !== undefined && { spacingMs: options.announceSpacingMs }),
          ...(options.announceMaxPerDay !== undefined && { maxPerDay: options.announceMaxPerDay }),
          ...(options.metrics && { metrics: options.metrics }),
        });
        services.announcer = announcer;
        // A guild joined later follows the operator's feeds too.
        client.on(Events.GuildCreate, (guild) => {
          follows.ensureGuild(guild.id).catch((error: unknown) => log.error({ err: error, guildId: guild.id }, 'could not set up a new guild'));
        });
        // Kicked, or the guild deleted (an outage is GuildUnavailable instead): nothing of it is kept.
        client.on(Events.GuildDelete, (guild) => {
          forgetGuild({ store, library, follows, log }, guild.id).catch((error: unknown) =>
            log.error({ err: error, guildId: guild.id }, 'could not forget a guild the bot left'),
          );
        });
        for (const guildId of client.guilds.cache.keys()) await follows.ensureGuild(guildId);
        if (options.announcing === false) return;
        poller.listener.newEpisodes = (podcastId) => announcer.announceFeed(podcastId);
        poller.listener.liveShows = (podcastId) => announcer.syncLiveShows(podcastId);
        poller.listener.paused = (feedUrl, state) => announcer.notifyPaused(feedUrl, state);
        poller.listener.cycleStarted = () => announcer.reconcile();
        // Whatever a crash left half done, then whatever came out while the bot was down.
        await announcer.reconcile();
        await announcer.announceAll();
        if (options.autoPoll !== false) poller.start();
      },
    });
  } catch (error) {
    // The database file gone while starting (the bot answers before it has loaded): logged as the file check logs it.
    services.databaseFileThere();
    await heartbeat.stop();
    await services.close();
    throw error;
  }
  return {
    bot,
    library,
    services,
    heartbeat,
    async pollOnce() {
      await poller.pollOnce();
      await services.announcer?.idle();
    },
    async stop() {
      await poller.stop();
      await services.announcer?.stop();
      await heartbeat.stop();
      await bot.stop();
      await services.close();
      // As the worker and interactions roles do: the posting client's sweep timers end with the bot.
      postingRest.clearHashSweeper();
      postingRest.clearHandlerSweeper();
    },
  };
}
