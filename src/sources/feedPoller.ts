import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pickChapters } from '../data/chapters/pickChapters.js';
import { clip } from '../data/text/clip.js';
import { withCredentials, withoutCredentials, type FeedCredentials } from '../data/feedCredentials.js';
import { keepEpisodeIds } from '../data/feed/keepEpisodeIds.js';
import type { Library } from '../data/library.js';
import { err, ok, type Chapter, type Episode, type Podcast, type Result } from '../data/model.js';
import { encodeProblem, operatorAdvice, type FeedProblem, type FetchProblem } from '../data/problems.js';
import { redactUrl } from '../data/redactUrl.js';
import type { TranscriptSegment } from '../data/search/passage.js';
import { chooseTranscript } from '../data/transcripts/chooseTranscript.js';
import { describeProblem } from '../messages/problemText.js';
import type { Metrics } from '../metrics.js';
import type { CachedChapters, DueChapterRecheck, FeedFetchState, Store } from '../store/Store.js';
import { StoreBusyError } from '../store/StoreBusyError.js';
import { catchUpPodcast } from '../store/catchUpPodcast.js';
import { storedTranscripts } from '../store/storedTranscripts.js';
import { fetchResource, SIDECAR_MAX_BYTES, type FetchedResource, type FetchResourceOptions } from './fetchResource.js';
import { ConnectionPool } from './ConnectionPool.js';
import { LoopTurns } from './LoopTurns.js';
import { HostLimiter, hostOf, type HostLimits } from './HostLimiter.js';
import { NotModifiedBatch } from './NotModifiedBatch.js';
import type { FeedParsers } from './ParsePool.js';
import type { PollSchedule } from './PollSchedule.js';
import { mayCarryId3, readAudioChapters } from './readAudioChapters.js';

/**
 * Keeps followed feeds fresh: every tick it checks the feeds the store says are due, with bounded concurrency overall
 * and per host, a conditional GET (a 304 costs no parse), and on a 200 parses, fetches Podcasting 2.0 chapters and
 * transcripts for new episodes, saves to the store, updates the library and tells the listener (the announcer). A failing feed backs off
 * exponentially and is paused after too many failures in a row; its error is kept for /feed list.
 *
 * Exactly-once rests on two rules kept here: the first time a podcast is saved, every episode it has is the back
 * catalogue and is marked seen for every guild already following it; later, an episode keeps its id when its guid
 * changes but its enclosure (or title and duration) says it is one already known (keepEpisodeIds). What is neither
 * seen nor in the ledger is new, however many polls, restarts or 304s came in between.
 */

export interface FeedPollerListener {
  /** A feed was saved with episodes some follower may not have seen. */
  newEpisodes?(podcastId: string): Promise<void> | void;
  /** A feed was saved that lists live shows (podcast:liveItem): their events and "live now" posts are brought up to date. */
  liveShows?(podcastId: string): Promise<void> | void;
  /** A feed was just paused after too many failures and its notice has not been posted. */
  paused?(feedUrl: string, state: FeedFetchState): Promise<void> | void;
  /** A feed moved permanently (301/308); store and library already use the new URL. */
  renamed?(oldUrl: string, newUrl: string): void;
  /** A poll cycle starts (the announcer retries what it could not post). */
  cycleStarted?(): Promise<void> | void;
}

export interface FeedPollerOptions {
  store: Store;
  library: Library;
  log: Logger;
  schedule: PollSchedule;
  /** Where fetched bodies are parsed: a ParsePool, so a big feed never holds up the thread that answers people. */
  parsers: FeedParsers;
  allowPrivateNetwork: boolean;
  limits?: HostLimits;
  /** Tests and proxies: name resolution, connection, timeout, User-Agent for every fetch. */
  fetchOptions?: Pick<FetchResourceOptions, 'lookup' | 'connect' | 'timeoutMs' | 'userAgent'>;
  now?: () => Date;
  /** Chapters files fetched for one feed update at most (the rest keep their feed chapters). Default 10. */
  maxChapterFetches?: number;
  /** Transcripts fetched for one feed update at most (the rest are searched without one). Default 10. */
  maxTranscriptFetches?: number;
  /** Enclosures whose ID3 tag is read for chapters in one feed update at most. Default 5. */
  maxAudioChapterReads?: number;
  /** Chapters sources re-checked in one poll cycle at most (the rest wait for the next). Default 20. */
  maxChapterRechecks?: number;
  /**
   * Who this poller is among the processes sharing the store, and how long a feed it takes stays its own: each due
   * feed is leased to one poller (Store.claimDueFeeds), and a lease not renewed in time (Heartbeat renews
   * leasedFeeds()) goes to whoever asks next. Default: a name of its own and DEFAULT_LEASE_MS.
   */
  lease?: { owner: string; ms: number };
  /** Counts every check by its result, and the checks the database was too busy to save. */
  metrics?: Pick<Metrics, 'feedChecked' | 'storeError'>;
}

/** How long a feed stays leased to a poller nobody renews it for. */
export const DEFAULT_LEASE_MS = 60_000;

/**
 * When an episode's chapters source is fetched again after it appeared: hosts publish a placeholder (or none) and fix
 * the chapters within hours. Each re-check is a conditional GET, so an unchanged source costs a 304.
 */
export const CHAPTER_RECHECKS_MS: readonly number[] = [60 * 60_000, 24 * 60 * 60_000];

export interface FeedPreview {
  /** The podcast's identity: the URL asked for, or where it moved permanently, without any `user:password@`. */
  feedUrl: string;
  /** The `user:password@` the feed was fetched with, to be stored apart from feedUrl. */
  credentials?: FeedCredentials;
  podcast: Podcast;
  /** Newest first, as parsed. */
  episodes: Episode[];
  /** The response, so following the feed does not fetch it again. */
  fetched: Extract<FetchedResource, { status: 'ok' }>;
}

export type CheckOutcome =
  | { url: string; status: 'updated'; episodes: number; newEpisodes: number }
  | { url: string; status: 'not-modified' }
  | { url: string; status: 'failed'; error: string; paused: boolean; unsaved?: true }
  | { url: string; status: 'skipped' };

export class FeedPoller {
  listener: FeedPollerListener = {};
  readonly #o: FeedPollerOptions;
  readonly #limiter: HostLimiter;
  /** Kept-alive connections for every fetch, at most as many per host as the limiter lets run there. */
  readonly #connections: ConnectionPool;
  /** 304s waiting to be written together. */
  readonly #notModified: NotModifiedBatch;
  /** Poll cycles to wake when a 304 starts waiting in #notModified. */
  readonly #waitingListeners = new Set<() => void>();
  readonly #now: () => Date;
  readonly #abort = new AbortController();
  readonly #inFlight = new Map<string, Promise<CheckOutcome>>();
  readonly #locks = new Map<string, Promise<unknown>>();
  /** The store and library work of updated feeds, a piece per event-loop turn (see #ingest). */
  readonly #turns = new LoopTurns();
  /** Audio-file chapters being read for a feed's first save, after it (see #readAudioLater). */
  readonly #background = new Set<Promise<void>>();
  /** Feeds leased to this poller and not yet checked. */
  readonly #leased = new Set<string>();
  readonly #lease: { owner: string; ms: number };
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Poll cycles running (a tick does not wait for the one before: they can overlap). */
  #cycles = 0;

  constructor(options: FeedPollerOptions) {
    this.#o = options;
    this.#limiter = new HostLimiter(options.limits);
    this.#connections = new ConnectionPool({ maxPerHost: this.#limiter.perHost });
    this.#now = options.now ?? (() => new Date());
    this.#notModified = new NotModifiedBatch({
      write: (checks) => options.store.recordNotModified(checks),
      now: this.#now,
      nextCheckAt: (now) => options.schedule.afterSuccess(now),
      // A lease batch (see pollOnce) shares its next check time, as the feeds leased together come back together.
      groupSize: this.#limiter.total * 8,
      // A second of 304s in one write: on SQLite a write costs whole pages of its log, and the more feeds one write
      // holds, the more of them share each page (see NotModifiedBatch for what a crash loses: a second of them).
      maxSize: 4096,
      maxWaitMs: 1000,
      waiting: () => {
        for (const wake of this.#waitingListeners) wake();
      },
    });
    this.#lease = options.lease ?? { owner: `poller-${randomUUID()}`, ms: DEFAULT_LEASE_MS };
  }

  /** The feeds this poller holds leases on now (for the heartbeat to renew). */
  leasedFeeds(): string[] {
    return [...this.#leased];
  }

  get limits(): { total: number; perHost: number } {
    return { total: this.#limiter.total, perHost: this.#limiter.perHost };
  }

  /**
   * Checks every due feed now and resolves when all of them are done. Feeds are leased a batch at a time (eight times
   * what may be fetched at once, so the limiter has feeds of several hosts to choose from), more when half are done, so
   * processes polling one database together share the due feeds instead of the first one taking them all.
   */
  async pollOnce(): Promise<CheckOutcome[]> {
    if (this.#stopped) return [];
    this.#cycles++;
    try {
      return await this.#cycle();
    } finally {
      this.#cycles--;
    }
  }

  /**
   * A poll cycle is running (its feeds fetched, parsed, saved and indexed): heavy work elsewhere (the topic index
   * saver's worker thread) waits for it to end rather than take a core from it (TopicIndexSaver.deferWhile).
   */
  get busy(): boolean {
    return this.#cycles > 0;
  }

  /**
   * Podcasts saved to the store whose update of this process's library has not ended yet: the store holds them newer
   * than the library (a topic index saved from the library does not vouch for them: TopicIndexSaver.notVouchingFor).
   */
  get unsettled(): ReadonlySet<string> {
    return new Set(this.#unsettled.keys());
  }

  /** By podcast: how many of its store-then-library updates are under way (see unsettled). */
  readonly #unsettled = new Map<string, number>();

  /** Runs a store-then-library update of these podcasts, each unsettled meanwhile. */
  async #settling<T>(podcastIds: readonly string[], work: () => Promise<T>): Promise<T> {
    for (const id of podcastIds) this.#unsettled.set(id, (this.#unsettled.get(id) ?? 0) + 1);
    try {
      return await work();
    } finally {
      for (const id of podcastIds) {
        const left = (this.#unsettled.get(id) ?? 1) - 1;
        if (left > 0) this.#unsettled.set(id, left);
        else this.#unsettled.delete(id);
      }
    }
  }

  async #cycle(): Promise<CheckOutcome[]> {
    await this.#safely('cycle start', () => this.listener.cycleStarted?.());
    const outcomes: CheckOutcome[] = [];
    const batch = this.#limiter.total * 8;
    let running = 0;
    // Woken when a check ends or its 304 waits to be written (a counter and one promise, not a race over every check:
    // that is quadratic).
    let wake = (): void => {};
    const woken = (): void => wake();
    this.#waitingListeners.add(woken);
    // Checks still fetching or saving: a 304 waiting for its batch to be written no longer holds a fetch slot.
    const active = (): number => Math.max(0, running - this.#notModified.size);
    let more = true;
    try {
      for (;;) {
        if (more && !this.#stopped && active() <= batch / 2) {
          const wanted = batch - active();
          const urls = await this.#claim(wanted);
          if (urls.length < wanted) more = false;
          for (const url of urls) {
            running++;
            void this.#checkLeased(url)
              .catch((error: unknown): CheckOutcome => {
                this.#o.log.error({ err: error, feed: url }, 'feed check failed unexpectedly');
                return { url, status: 'skipped' };
              })
              .then((outcome) => {
                outcomes.push(outcome);
                running--;
                wake();
              });
          }
        }
        if (running === 0) break;
        // Nothing left to fetch: the 304s waiting are written now rather than when their batch would be full.
        if ((!more || this.#stopped) && active() === 0) void this.#notModified.flush();
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      this.#waitingListeners.delete(woken);
    }
    await this.#safely('chapters re-check', () => this.#recheckChapters());
    await Promise.allSettled([...this.#background]);
    return outcomes;
  }

  /** Up to `count` due feeds leased to this poller; none when the store cannot say (logged, tried next tick). */
  async #claim(count: number): Promise<string[]> {
    const now = this.#now();
    try {
      const urls = await this.#o.store.claimDueFeeds({ owner: this.#lease.owner, until: new Date(now.getTime() + this.#lease.ms) }, now, count);
      for (const url of urls) this.#leased.add(url);
      return urls;
    } catch (error) {
      if (error instanceof StoreBusyError) this.#o.log.warn({ reason: error.message }, 'feeds not checked: the database is busy; checking again next tick');
      else this.#o.log.error({ err: error }, 'feeds not checked: the store could not lease them; checking again next tick');
      return [];
    }
  }

  /** A leased feed's check. Its result ends the lease; a check that saved nothing gives it back, due again at once. */
  async #checkLeased(url: string): Promise<CheckOutcome> {
    try {
      const outcome = await this.checkFeed(url);
      if (outcome.status === 'skipped' || (outcome.status === 'failed' && outcome.unsaved)) {
        await this.#o.store.releaseFeed(url, this.#lease.owner).catch((error: unknown) => {
          this.#o.log.debug({ err: error, feed: url }, 'feed lease not given back; it expires by itself');
        });
      }
      return outcome;
    } finally {
      this.#leased.delete(url);
    }
  }

  /** Polls every tick until stop(). A tick does not wait for slow feeds: they finish in their own time. */
  start(): void {
    if (this.#stopped || this.#timer) return;
    const tick = (): void => {
      void this.pollOnce().catch((error: unknown) => this.#o.log.error({ err: error }, 'poll cycle failed'));
      this.#timer = setTimeout(tick, this.#o.schedule.tickMs());
      this.#timer.unref?.();
    };
    this.#timer = setTimeout(tick, 0);
    this.#timer.unref?.();
  }

  /** Stops ticking, aborts fetches in flight and waits for every check to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
    // 304s waiting for their batch are written now, not a second later.
    void this.#notModified.flush();
    await Promise.allSettled([...this.#inFlight.values()]);
    await Promise.allSettled([...this.#background]);
    await Promise.allSettled([...this.#locks.values()]);
    this.#connections.close();
  }

  /**
   * Feeds (FEEDS) tracked and, when the library has never had them, fetched now so the first start serves them. A URL
   * with `user:password@` is tracked without them (see withoutCredentials) and its credentials are stored apart.
   */
  async loadMissing(urls: readonly string[]): Promise<void> {
    await Promise.all(
      urls.map(async (given) => {
        const { url, credentials } = withoutCredentials(given);
        await this.#o.store.trackFeed(url);
        if (credentials !== undefined) await this.#o.store.setFeedCredentials(url, credentials);
        if (this.#o.library.catalog.podcast(url) !== undefined) return;
        const outcome = await this.checkFeed(url);
        if (outcome.status === 'failed') this.#o.log.warn({ feed: url, reason: outcome.error }, 'feed not loaded');
        else this.#o.log.info({ feed: url, status: outcome.status }, 'feed loaded');
      }),
    );
  }

  /** Fetches and parses a feed someone wants to follow, with every guard, without saving anything. */
  async preview(url: string): Promise<Result<FeedPreview, FeedProblem>> {
    const refused = (problem: FeedProblem): Result<FeedPreview, FeedProblem> => {
      // The person who asked gets the problem in their language; what the operator could change goes to the log only.
      const advice = operatorAdvice(problem);
      this.#o.log.info({ reason: describeProblem(problem), ...(advice !== undefined && { advice }) }, 'feed preview refused');
      return err(problem);
    };
    let normalised: string;
    try {
      normalised = new URL(url.trim()).href;
    } catch {
      // Text with an @ that does not parse may still hold a password: not repeated.
      return refused(url.includes('@') ? { code: 'notUrl' } : { code: 'notUrl', input: clip(url, 200) });
    }
    // Fetched with its credentials; known (and shown) without them.
    const fetched = await this.#fetch(normalised, {});
    if (!fetched.ok) return refused(fetched.error);
    const shown = redactUrl(normalised);
    if (fetched.value.status !== 'ok') return refused({ code: 'notModified', url: shown });
    const { url: feedUrl, credentials } = withoutCredentials(fetched.value.permanentRedirect ? fetched.value.finalUrl : normalised);
    const parsed = await this.#parse(feedUrl, fetched.value);
    if (!parsed.ok) return refused({ code: 'notFeed', url: shown, issue: parsed.error });
    // Already followed elsewhere: the episodes under the ids they are stored with, whatever guids the feed has today.
    const episodes = keepEpisodeIds(await this.#o.library.episodesOf(feedUrl), parsed.value.episodes);
    return ok({ feedUrl, ...(credentials !== undefined && { credentials }), podcast: parsed.value.podcast, episodes, fetched: fetched.value });
  }

  /**
   * Makes a previewed feed known: the first time, it is saved as back catalogue (nothing announced) with the preview's
   * validators; otherwise it is made due now so other followers get whatever the preview saw first. Tracks it.
   */
  async adopt(preview: FeedPreview): Promise<void> {
    await this.#o.store.trackFeed(preview.feedUrl);
    // The newest working credentials win; a preview without any leaves stored ones alone (another server's).
    if (preview.credentials !== undefined) await this.#o.store.setFeedCredentials(preview.feedUrl, preview.credentials);
    if (this.#o.library.catalog.podcast(preview.feedUrl) === undefined) {
      await this.#withLock(preview.feedUrl, () => this.#ingest(preview.feedUrl, preview.fetched));
    } else {
      await this.#o.store.resumeFeed(preview.feedUrl, this.#now());
    }
  }

  /** Checks one feed (or joins the check already running). */
  checkFeed(url: string): Promise<CheckOutcome> {
    const running = this.#inFlight.get(url);
    if (running) return running;
    const check = this.#check(url)
      .then((outcome) => {
        this.#o.metrics?.feedChecked(outcome.status);
        return outcome;
      })
      .finally(() => this.#inFlight.delete(url));
    this.#inFlight.set(url, check);
    return check;
  }

  async #check(url: string): Promise<CheckOutcome> {
    if (this.#stopped) return { url, status: 'skipped' };
    try {
      const state = await this.#o.store.getFetchState(url);
      if (state === undefined) return { url, status: 'skipped' };
      const credentials = await this.#o.store.getFeedCredentials(url);
      const fetched = await this.#fetch(withCredentials(url, credentials), {
        ...(state.etag !== undefined && { etag: state.etag }),
        ...(state.lastModified !== undefined && { lastModified: state.lastModified }),
      });
      if (this.#abort.signal.aborted) return { url, status: 'skipped' };
      if (!fetched.ok) return await this.#fail(url, fetched.error);
      const resource = fetched.value;
      return await this.#withLock(url, async () => {
        if (resource.status === 'not-modified' && !resource.permanentRedirect) {
          await this.#notModified.add({
            url,
            ...(resource.etag !== undefined && { etag: resource.etag }),
            ...(resource.lastModified !== undefined && { lastModified: resource.lastModified }),
          });
          return { url, status: 'not-modified' } as const;
        }
        if (resource.status === 'not-modified') {
          const current = await this.#moved(url, resource.finalUrl);
          const now = this.#now();
          await this.#o.store.recordFetchSuccess(current, {
            ...(resource.etag !== undefined && { etag: resource.etag }),
            ...(resource.lastModified !== undefined && { lastModified: resource.lastModified }),
            checkedAt: now,
            nextCheckAt: this.#o.schedule.afterSuccess(now),
          });
          return { url, status: 'not-modified' } as const;
        }
        return this.#ingest(url, resource);
      });
    } catch (error) {
      if (error instanceof StoreBusyError) {
        this.#o.metrics?.storeError('poll');
        // Another process held the database: not the feed's failure. Nothing was recorded, so it is still due and the
        // next tick checks it again, without a backoff or an error shown in /feed list.
        this.#o.log.warn({ feed: url, reason: error.message }, 'feed check not saved: the database is busy; checking again next tick');
        return { url, status: 'failed', error: error.message, paused: false, unsaved: true };
      }
      this.#o.log.error({ err: error, feed: url }, 'feed check failed unexpectedly');
      return this.#fail(url, { code: 'internal' }).catch(
        () => ({ url, status: 'failed', error: 'internal error', paused: false, unsaved: true }) as const,
      );
    }
  }

  async #fetch(url: string, validators: { etag?: string; lastModified?: string }): Promise<Result<FetchedResource, FetchProblem>> {
    return this.#limiter.run(hostOf(url), () =>
      fetchResource(url, {
        ...this.#o.fetchOptions,
        ...validators,
        allowPrivateNetwork: this.#o.allowPrivateNetwork,
        connections: this.#connections,
        signal: this.#abort.signal,
      }),
    );
  }

  #parse(feedUrl: string, resource: Extract<FetchedResource, { status: 'ok' }>) {
    return this.#o.parsers.parseFeed(resource.bytes, { feedUrl, ...(resource.contentType !== undefined && { contentType: resource.contentType }) });
  }

  /** A 200: parse, enrich, save, index, and hand new episodes to the listener. Runs under the feed's lock. */
  async #ingest(trackedUrl: string, resource: Extract<FetchedResource, { status: 'ok' }>): Promise<CheckOutcome> {
    const { store, library, log } = this.#o;
    const feedUrl = resource.permanentRedirect ? await this.#moved(trackedUrl, resource.finalUrl) : trackedUrl;
    const parsed = await this.#parse(feedUrl, resource);
    if (!parsed.ok) return this.#fail(feedUrl, { code: 'notFeed', issue: parsed.error, anyMore: true });
    const { podcast } = parsed.value;

    // The store and library work below runs in pieces, one feed's piece per event-loop turn (see LoopTurns): a cycle's
    // parses end together, and their saves back to back held the thread that answers.
    const { first, known, episodes, fresh } = await this.#turns.run(async () => {
      // The store, not this process's library, says what is known: another process sharing it may have saved the feed
      // (first, or with newer episodes) since this one loaded the catalogue.
      await catchUpPodcast(store, library, feedUrl);
      const first = library.catalog.podcast(feedUrl) === undefined;
      // New guids for old episodes bring nothing new: known episodes keep the ids they were stored under.
      const known = await this.#o.library.episodesOf(feedUrl);
      const episodes = keepEpisodeIds(known, parsed.value.episodes);
      const before = new Set(first ? [] : await store.getEpisodeIds(feedUrl));
      return { first, known, episodes, fresh: episodes.filter((e) => !before.has(e.id)) };
    });
    // A new episode's MP3 is read before it is saved and announced (the post shows its first chapters); a feed's first
    // save (/feed add waits for it, and nothing of it is announced) has its newest MP3s read after it, in the background.
    await this.#attachChapters(podcast.id, episodes, known, first ? fresh.slice(0, 3) : fresh, !first);
    const transcripts = await this.#transcripts(podcast, episodes, first ? fresh.slice(0, 3) : fresh);

    await this.#settling([podcast.id], async () => {
      await this.#turns.run(async () => {
        // Owed from now until an announce pass has written their intents, whichever process runs it (see Announcer).
        if (!first && fresh.length > 0) await store.oweAnnouncements(feedUrl, this.#now());
        // The first time, the back catalogue is marked seen for every follower in the save's own transaction: marked
        // after it, another process's announce pass in between (a worker starting up announces its whole library) posted it.
        await store.savePodcast(podcast, episodes, { backCatalogue: first });
      });
      // In slices: a feed of thousands of episodes does not hold the thread that answers (Library.indexInSlices); one
      // feed at a time, so the slices of several feeds do not share a turn either.
      await this.#turns.run(() => library.upsertInSlices(podcast, episodes, transcripts));
    });
    const now = this.#now();
    try {
      await store.recordFetchSuccess(feedUrl, {
        etag: resource.etag ?? null,
        lastModified: resource.lastModified ?? null,
        checkedAt: now,
        nextCheckAt: this.#o.schedule.afterSuccess(now),
      });
    } finally {
      // The new episodes are saved: announce them even if the write after them failed, since the next check finds
      // them stored already and would never count them as new again.
      if (!first && fresh.length > 0) await this.#safely('announce', () => this.listener.newEpisodes?.(feedUrl));
      // A live show's status changes without a new episode: every saved feed that lists one is looked at.
      if (podcast.liveItems?.length) await this.#safely('live shows', () => this.listener.liveShows?.(feedUrl));
    }
    if (first) this.#inBackground(() => this.#readAudioLater(podcast.id, fresh.slice(0, 3)));
    log.debug({ feed: feedUrl, episodes: episodes.length, new: first ? 0 : fresh.length }, 'feed updated');
    return { url: trackedUrl, status: 'updated', episodes: episodes.length, newEpisodes: first ? 0 : fresh.length };
  }

  /**
   * Chapters that outrank the feed's own (psc, show notes): Podcasting 2.0 JSON, else the ID3 chapters of the audio
   * file. Cached ones are applied to every episode whose source they came from; for `toFetch` (new episodes) a
   * chapters file is fetched with the same guard and a 1 MB cap, and an MP3 without one (or whose file could not be
   * fetched) has the ID3 tag at the start of its enclosure read (range requests, never the audio). What was fetched
   * is cached even when empty, with its validators and its re-checks (CHAPTER_RECHECKS_MS) to come. `stored` is the
   * podcast's episodes as stored before this update (their audio chapters are kept without a lookup).
   */
  async #attachChapters(podcastId: string, episodes: Episode[], stored: readonly Episode[], toFetch: readonly Episode[], readAudio: boolean): Promise<void> {
    const { store } = this.#o;
    const fetchable = new Set(toFetch.filter((e) => e.chaptersUrl !== undefined).slice(0, this.#o.maxChapterFetches ?? 10).map((e) => e.id));
    const readable = new Set(readAudio ? this.#mayReadAudio(toFetch).map((e) => e.id) : []);
    const known = new Map(stored.map((e) => [e.id, e]));
    for (const episode of episodes) {
      const url = episode.chaptersUrl;
      if (url !== undefined) {
        const cached = await store.getChapters(podcastId, episode.id);
        if (cached !== undefined && cached.sourceUrl === url) {
          if (cached.chapters.length > 0) episode.chapters = cached.chapters;
          continue;
        }
        if (fetchable.has(episode.id) && !this.#abort.signal.aborted) {
          const chapters = await this.#fetchJsonChapters(podcastId, episode.id, url, {});
          if (chapters.ok && chapters.value.status === 'ok') {
            const now = this.#now();
            await store.saveChapters(podcastId, episode.id, { sourceUrl: url, ...chapters.value.cache, fetchedAt: now, ...firstRecheck(now) });
            if (chapters.value.cache.chapters.length > 0) episode.chapters = chapters.value.cache.chapters;
            continue;
          }
        }
        // A chapters file that could not be had: the audio file's chapters, when it has any, are next best.
      }
      const audioUrl = episode.audioUrl;
      if (audioUrl === undefined) continue;
      // Read before (or re-checked since) and kept with the episode: no lookup per episode at every feed update.
      const before = known.get(episode.id);
      if (before?.audioUrl === audioUrl && before.chapters[0]?.source === 'audio' && episode.chapters[0]?.source !== 'json') {
        episode.chapters = before.chapters;
        continue;
      }
      if (!readable.has(episode.id) || this.#abort.signal.aborted) continue;
      const cached = await store.getChapters(podcastId, episode.id);
      if (cached !== undefined && cached.sourceUrl === audioUrl) {
        if (cached.chapters.length > 0) episode.chapters = cached.chapters;
        continue;
      }
      const read = await this.#readAudioChapters(podcastId, episode.id, audioUrl, {});
      if (!read.ok || read.value.status !== 'ok') continue;
      const now = this.#now();
      await store.saveChapters(podcastId, episode.id, { sourceUrl: audioUrl, ...read.value.cache, fetchedAt: now, ...firstRecheck(now) });
      if (read.value.cache.chapters.length > 0) episode.chapters = read.value.cache.chapters;
    }
  }

  /** Of new episodes, those whose MP3 may be read for chapters (within the limit per feed update). */
  #mayReadAudio(episodes: readonly Episode[]): Episode[] {
    return episodes
      .filter((e) => e.audioUrl !== undefined && mayCarryId3(e.audioUrl, e.audioType) && e.chapters[0]?.source !== 'json')
      .slice(0, this.#o.maxAudioChapterReads ?? 5);
  }

  /**
   * The audio-file chapters of a feed's newest episodes, read after its first save: cached as at a poll, and shown
   * (store and library) when there are any. Episodes with a cached source (a chapters file) are left alone.
   */
  async #readAudioLater(podcastId: string, episodes: readonly Episode[]): Promise<void> {
    const { store } = this.#o;
    for (const episode of this.#mayReadAudio(episodes)) {
      const audioUrl = episode.audioUrl;
      if (audioUrl === undefined || this.#abort.signal.aborted) return;
      if ((await store.getChapters(podcastId, episode.id)) !== undefined) continue;
      const read = await this.#readAudioChapters(podcastId, episode.id, audioUrl, {});
      if (!read.ok || read.value.status !== 'ok') continue;
      const now = this.#now();
      const { chapters } = read.value.cache;
      await store.saveChapters(podcastId, episode.id, { sourceUrl: audioUrl, ...read.value.cache, fetchedAt: now, ...firstRecheck(now) });
      if (chapters.length > 0) await this.#withLock(podcastId, () => this.#showChapters(podcastId, episode.id, audioUrl, chapters));
    }
  }

  /** Runs work nobody waits for now; pollOnce and stop() wait for it. Failures are logged. */
  #inBackground(work: () => Promise<void>): void {
    const task = this.#safely('audio file chapters', work).finally(() => this.#background.delete(task));
    this.#background.add(task);
  }

  /** A Podcasting 2.0 chapters file, fetched (conditionally, given validators) and parsed; failures logged. */
  async #fetchJsonChapters(podcastId: string, episodeId: string, url: string, validators: { etag?: string; lastModified?: string }): Promise<Result<SourceRead>> {
    const fetched = await fetchResource(url, {
      ...this.#o.fetchOptions,
      ...validators,
      allowPrivateNetwork: this.#o.allowPrivateNetwork,
      connections: this.#connections,
      maxBytes: SIDECAR_MAX_BYTES,
      accept: 'application/json+chapters, application/json;q=0.9, */*;q=0.5',
      signal: this.#abort.signal,
    });
    if (!fetched.ok) {
      this.#o.log.info({ podcast: podcastId, episode: episodeId, reason: describeProblem(fetched.error) }, 'chapters not fetched');
      return err(describeProblem(fetched.error));
    }
    if (fetched.value.status === 'not-modified') return ok({ status: 'not-modified' });
    const chapters = await this.#o.parsers.parseJsonChapters(new TextDecoder().decode(fetched.value.bytes));
    if (!chapters.ok) {
      this.#o.log.info({ podcast: podcastId, episode: episodeId, reason: chapters.error }, 'chapters file ignored');
      return chapters;
    }
    const { etag, lastModified } = fetched.value;
    return ok({ status: 'ok', cache: { chapters: chapters.value.chapters, ...(etag !== undefined && { etag }), ...(lastModified !== undefined && { lastModified }) } });
  }

  /** The ID3 chapters of an enclosure (within the per-host limit, parsed on a parse thread); failures logged. */
  async #readAudioChapters(podcastId: string, episodeId: string, url: string, validators: { etag?: string; lastModified?: string }): Promise<Result<SourceRead>> {
    const read = await this.#limiter.run(hostOf(url), () =>
      readAudioChapters(url, {
        fetchOptions: { ...this.#o.fetchOptions, allowPrivateNetwork: this.#o.allowPrivateNetwork, connections: this.#connections, signal: this.#abort.signal },
        ...validators,
        parse: (tag) => this.#o.parsers.parseAudioTag(tag),
      }),
    );
    if (!read.ok) {
      this.#o.log.info({ podcast: podcastId, episode: episodeId, reason: read.error }, 'audio file chapters not read');
      return read;
    }
    if (read.value.status === 'not-modified') return ok({ status: 'not-modified' });
    const { chapters, etag, lastModified, bytesRead, requests, note } = read.value;
    this.#o.log.debug({ podcast: podcastId, episode: episodeId, chapters: chapters.length, bytesRead, requests, note }, 'audio file chapters read');
    return ok({ status: 'ok', cache: { chapters, ...(etag !== undefined && { etag }), ...(lastModified !== undefined && { lastModified }) } });
  }

  /**
   * Chapters sources due for a re-check (CHAPTER_RECHECKS_MS after their episode appeared), each taken by one process
   * and fetched conditionally: a changed list replaces what the episode shows, in the store and the library.
   */
  async #recheckChapters(): Promise<void> {
    if (this.#stopped) return;
    const due = await this.#o.store.dueChapterRechecks(this.#now(), this.#o.maxChapterRechecks ?? 20);
    for (const recheck of due) {
      if (this.#abort.signal.aborted) return;
      await this.#recheck(recheck).catch((error: unknown) => {
        this.#o.log.warn({ err: error, podcast: recheck.podcastId, episode: recheck.episodeId }, 'chapters re-check failed');
      });
    }
  }

  async #recheck({ podcastId, episodeId, cached }: DueChapterRecheck): Promise<void> {
    const { store, log } = this.#o;
    const { library } = this.#o;
    const found = library.catalog.find(podcastId, episodeId);
    // The catalogue keeps summaries: the episode's links are read from the store.
    const episode = found === undefined ? undefined : (await library.details([found]))[0]?.episode;
    const next = nextRecheck(cached);
    if (!(await store.claimChapterRecheck(podcastId, episodeId, cached.recheckAt, next))) return;
    if (episode === undefined) return;
    const validators = { ...(cached.etag !== undefined && { etag: cached.etag }), ...(cached.lastModified !== undefined && { lastModified: cached.lastModified }) };
    let read: Result<SourceRead>;
    if (cached.sourceUrl === episode.chaptersUrl) read = await this.#fetchJsonChapters(podcastId, episodeId, cached.sourceUrl, validators);
    else if (cached.sourceUrl === episode.audioUrl) read = await this.#readAudioChapters(podcastId, episodeId, cached.sourceUrl, validators);
    else return; // the episode links another source now: the next feed update fetches that one
    if (!read.ok || read.value.status === 'not-modified') {
      log.debug({ podcast: podcastId, episode: episodeId, outcome: read.ok ? 'not modified' : read.error }, 'chapters re-checked');
      return;
    }
    const fresh = read.value.cache;
    await store.saveChapters(podcastId, episodeId, {
      sourceUrl: cached.sourceUrl,
      ...fresh,
      fetchedAt: this.#now(),
      ...(cached.appearedAt !== undefined && { appearedAt: cached.appearedAt }),
      ...(next !== undefined && { recheckAt: next }),
    });
    if (sameChapters(cached.chapters, fresh.chapters)) return;
    log.info({ podcast: podcastId, episode: episodeId, chapters: fresh.chapters.length }, 'chapters changed after release');
    await this.#withLock(podcastId, () => this.#showChapters(podcastId, episodeId, cached.sourceUrl, fresh.chapters));
  }

  /** A re-checked source's new chapters made what the episode shows (store first, then this process's library). */
  async #showChapters(podcastId: string, episodeId: string, sourceUrl: string, chapters: Chapter[]): Promise<void> {
    const { store, library } = this.#o;
    // The store, not this library, is current: another process may have saved the feed since.
    const entry = await store.loadPodcast(podcastId);
    if (entry === undefined) return;
    const episodes = entry.episodes.map((e) => {
      if (e.id !== episodeId || (e.chaptersUrl !== sourceUrl && e.audioUrl !== sourceUrl)) return e;
      const shown = e.chapters[0]?.source;
      // A JSON file outranks the audio file: audio chapters never replace what a chapters file gave.
      if (e.audioUrl === sourceUrl && e.chaptersUrl !== sourceUrl && shown === 'json') return e;
      if (chapters.length > 0) return { ...e, chapters };
      // Emptied: back to the show notes' timestamps (psc would need the feed again; it comes back at its next change).
      if (shown !== 'json' && shown !== 'audio') return e;
      return { ...e, chapters: pickChapters({ notes: e.description, ...(e.durationSeconds !== undefined && { durationSeconds: e.durationSeconds }) }) };
    });
    await this.#settling([podcastId], async () => {
      await store.savePodcast(entry.podcast, episodes);
      await library.upsertInSlices(entry.podcast, episodes, await storedTranscripts(store, podcastId, episodes));
    });
  }

  /**
   * Transcripts for the episodes the library is about to (re)index: the stored one when it came from the transcript
   * the episode links now, else, for `toFetch` (new episodes), fetched with the same guard and a 1 MB cap, parsed and
   * stored. A transcript that cannot be fetched or read is logged and the episode is searched without it.
   */
  async #transcripts(podcast: Podcast, episodes: readonly Episode[], toFetch: readonly Episode[]): Promise<Map<string, TranscriptSegment[]>> {
    const { store, log, library } = this.#o;
    const out = new Map<string, TranscriptSegment[]>();
    const linked = (e: Episode) => (e.transcripts.length > 0 ? chooseTranscript(e.transcripts, podcast.language) : undefined);
    const fetchable = new Set(toFetch.filter((e) => linked(e) !== undefined).slice(0, this.#o.maxTranscriptFetches ?? 10).map((e) => e.id));
    const stale = new Set(library.needsIndexing(podcast, episodes));
    for (const episode of episodes) {
      const chosen = stale.has(episode.id) ? linked(episode) : undefined;
      if (chosen === undefined) continue;
      const cached = await store.getTranscript(podcast.id, episode.id);
      if (cached !== undefined && cached.sourceUrl === chosen.url) {
        out.set(episode.id, cached.segments);
        continue;
      }
      if (!fetchable.has(episode.id) || this.#abort.signal.aborted) continue;
      const fetched = await fetchResource(chosen.url, {
        ...this.#o.fetchOptions,
        allowPrivateNetwork: this.#o.allowPrivateNetwork,
        connections: this.#connections,
        maxBytes: SIDECAR_MAX_BYTES,
        // Only the bare MIME type: the feed's parameters are not fit for a header.
        accept: `${chosen.type.split(';')[0]?.trim().toLowerCase()}, */*;q=0.5`,
        signal: this.#abort.signal,
      });
      if (!fetched.ok || fetched.value.status !== 'ok') {
        log.info({ podcast: podcast.id, episode: episode.id, reason: fetched.ok ? 'not modified' : describeProblem(fetched.error) }, 'transcript not fetched');
        continue;
      }
      const segments = await this.#o.parsers.parseTranscript(decodeText(fetched.value.bytes, fetched.value.contentType), chosen.type);
      if (!segments.ok) {
        log.info({ podcast: podcast.id, episode: episode.id, reason: segments.error }, 'transcript ignored');
        continue;
      }
      await store.saveTranscript(podcast.id, episode.id, {
        sourceUrl: chosen.url,
        type: chosen.type,
        ...(chosen.language !== undefined && { language: chosen.language }),
        segments: segments.value,
        fetchedAt: this.#now(),
      });
      out.set(episode.id, segments.value);
    }
    return out;
  }

  /** Records a failed check: the problem is stored as data, so /feed list words it in each reader's language. */
  async #fail(url: string, problem: FeedProblem): Promise<CheckOutcome> {
    const { store, log, schedule } = this.#o;
    const state = await store.getFetchState(url);
    if (state === undefined) return { url, status: 'skipped' };
    const now = this.#now();
    const { nextCheckAt, pause } = schedule.afterFailure(now, state.consecutiveFailures + 1);
    const updated = await store.recordFetchFailure(url, { error: encodeProblem(problem), checkedAt: now, nextCheckAt, pause });
    const error = describeProblem(problem);
    const advice = operatorAdvice(problem);
    log.warn(
      { feed: url, failures: updated.consecutiveFailures, nextCheckAt, paused: updated.paused, reason: error, ...(advice !== undefined && { advice }) },
      'feed check failed',
    );
    if (updated.paused && !updated.pausedNoticeSent) await this.#safely('paused notice', () => this.listener.paused?.(url, updated));
    return { url, status: 'failed', error, paused: updated.paused };
  }

  /** A permanent redirect: the feed is known at its new address, and the credentials that address carried (if any) are
   * stored apart from it. */
  async #moved(oldUrl: string, finalUrl: string): Promise<string> {
    const { url, credentials } = withoutCredentials(finalUrl);
    const current = await this.#rename(oldUrl, url);
    if (credentials !== undefined) await this.#o.store.setFeedCredentials(current, credentials);
    return current;
  }

  /** Moves every record of a feed to the URL it moved to permanently. */
  async #rename(oldUrl: string, newUrl: string): Promise<string> {
    if (oldUrl === newUrl) return oldUrl;
    await this.#settling([oldUrl, newUrl], async () => {
      await this.#o.store.renameFeed(oldUrl, newUrl);
      const entry = this.#o.library.catalog.podcast(oldUrl);
      if (entry) {
        // The catalogue keeps summaries; the episodes themselves are in the store, under the new address by now.
        const episodes = (await this.#o.store.loadPodcast(newUrl))?.episodes ?? [];
        this.#o.library.remove(oldUrl);
        const transcripts = await storedTranscripts(this.#o.store, newUrl, episodes);
        await this.#o.library.upsertInSlices({ ...entry, id: newUrl, feedUrl: newUrl }, episodes, transcripts);
      }
    });
    this.#o.log.info({ from: oldUrl, to: newUrl }, 'feed moved permanently');
    this.listener.renamed?.(oldUrl, newUrl);
    return newUrl;
  }

  /** One check at a time per feed, whoever asks (the poller or /feed add). */
  async #withLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(url) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.catch(() => {});
    this.#locks.set(url, settled);
    try {
      return await run;
    } finally {
      if (this.#locks.get(url) === settled) this.#locks.delete(url);
    }
  }

  async #safely(what: string, fn: () => Promise<void> | void | undefined): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (error instanceof StoreBusyError) this.#o.log.warn({ reason: error.message }, `${what} failed: the database is busy; again next tick`);
      else this.#o.log.error({ err: error }, `${what} failed`);
    }
  }
}

/** A text file in the charset its Content-Type names (old SRT files are often Latin-1), else UTF-8. */
function decodeText(bytes: Uint8Array, contentType: string | undefined): string {
  const charset = /;\s*charset="?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

/** A chapters source as read: its chapters and validators, or unchanged since the validators given. */
type SourceRead = { status: 'not-modified' } | { status: 'ok'; cache: Pick<CachedChapters, 'chapters' | 'etag' | 'lastModified'> };

/** The re-check schedule of a source first fetched `now`, for its cache row. */
function firstRecheck(now: Date): Pick<CachedChapters, 'appearedAt' | 'recheckAt'> {
  const first = CHAPTER_RECHECKS_MS[0];
  return { appearedAt: now, ...(first !== undefined && { recheckAt: new Date(now.getTime() + first) }) };
}

/** The re-check after the one due now, or none when that was the last. */
function nextRecheck(cached: CachedChapters & { recheckAt: Date }): Date | undefined {
  const appeared = (cached.appearedAt ?? cached.fetchedAt).getTime();
  const later = CHAPTER_RECHECKS_MS.map((after) => appeared + after).find((at) => at > cached.recheckAt.getTime());
  return later === undefined ? undefined : new Date(later);
}

function sameChapters(a: readonly Chapter[], b: readonly Chapter[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
