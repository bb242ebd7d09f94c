import { randomBytes } from 'node:crypto';
import { GuildScheduledEventStatus, type APIGuildScheduledEvent } from 'discord-api-types/v10';
import { DiscordAPIError } from 'discord.js';
import type { Logger } from 'pino';
import { EVERY_PODCAST } from '../data/catalog.js';
import type { Library } from '../data/library.js';
import type { LiveItem, Podcast } from '../data/model.js';
import { encodeProblem } from '../data/problems.js';
import { describeProblem } from '../messages/problemText.js';
import { liveEventBody, liveEventName, liveNowMessage, liveNowPostName } from '../messages/liveMessage.js';
import { stringsFor, type Strings } from '../messages/strings.js';
import type { Lease, LiveShow, LiveShowKey, Store } from '../store/Store.js';
import { StoreBusyError } from '../store/StoreBusyError.js';
import type { AnnouncementTransport } from './announcementTransport.js';
import { findEarlierPost } from './findEarlierPost.js';
import { classifyPostFailure, DEFAULT_RETRY_POLICY, nextRetry, type PostFailure, type RetryPolicy } from './postFailure.js';

/**
 * Live shows (Podcasting 2.0 `<podcast:liveItem>`) in each server that follows the podcast with announcements on:
 *
 * - pending, with a start still ahead: a guild scheduled event (external, at the stream's link, from start to end);
 * - live: the event started (ACTIVE) and one "live now" post in the announcement channel, mentioning its role;
 * - ended: the event ended: COMPLETED once it was started, deleted when it never was (Discord lets an event go from
 *   SCHEDULED only to ACTIVE or CANCELED, and to COMPLETED only from ACTIVE; an event that never happened is removed
 *   rather than left to read "canceled").
 *
 * Exactly once across restarts and processes, like posts: a row per server and live item in the store (live_shows)
 * is claimed by one process at a time, and every step is recorded as it is done. An event asked for is marked
 * 'creating' first, so when the answer was lost (a crash, a timeout) the guild's events are searched for the bot's
 * event of that name and start before another is made; "live now" carries the row's nonce (enforce_nonce) and, past
 * Discord's nonce window, is looked for in the channel before it is posted again. A failed step is retried with the
 * posts' backoff and bound (postFailure.ts), then given up.
 */

export type LiveStep = 'createEvent' | 'startEvent' | 'postLive' | 'endEvent';

/** Discord refuses an event that starts in the past; one starting this soon might be refused on arrival. */
const MIN_LEAD_MS = 60_000;
/**
 * Hosts often leave a show `live` in the feed long after it ended: one that started this long ago (or whose end has
 * passed) is not announced as live now (a server that follows the feed later would be told of a show long over).
 */
const STALE_LIVE_MS = 12 * 3_600_000;
const UNKNOWN_EVENT = 10070;

/** Whether a step is about the event or the "live now" post: a failure of one holds back only that kind. */
export function stepKind(step: LiveStep): 'event' | 'post' {
  return step === 'postLive' ? 'post' : 'event';
}

/**
 * What is still to be done for a live item in a server, given what was done (`show`); empty when nothing is. A step
 * whose kind failed waits for its next try (or, given up, is not tried again); the other kind goes on.
 */
export function liveSteps(item: LiveItem, show: LiveShow | undefined, now: Date): LiveStep[] {
  const held = (step: LiveStep): boolean =>
    show?.failedStep === stepKind(step) && (show.failedAt !== undefined || (show.nextAttemptAt !== undefined && show.nextAttemptAt > now));
  return wanted(item, show, now).filter((step) => !held(step));
}

function wanted(item: LiveItem, show: LiveShow | undefined, now: Date): LiveStep[] {
  const event = show?.eventState;
  if (item.status === 'pending') {
    const ahead = Date.parse(item.start) - now.getTime() > MIN_LEAD_MS;
    return (event === undefined || event === 'creating') && ahead ? ['createEvent'] : [];
  }
  if (item.status === 'live') {
    const steps: LiveStep[] = [];
    if (event === 'scheduled' || event === 'creating') steps.push('startEvent');
    const over = (item.end !== undefined && Date.parse(item.end) < now.getTime()) || Date.parse(item.start) < now.getTime() - STALE_LIVE_MS;
    if (show?.liveMessageId === undefined && !over) steps.push('postLive');
    return steps;
  }
  return event === 'scheduled' || event === 'active' || event === 'creating' ? ['endEvent'] : [];
}

export interface LiveShowsOptions {
  store: Store;
  library: Library;
  log: Logger;
  transport: AnnouncementTransport;
  now: () => Date;
  /** A claim from now, for as long as a claim lasts (the announcer's). */
  claim: () => Lease;
  nonceWindowMs?: number;
  retryPolicy?: RetryPolicy;
}

export class LiveShows {
  readonly #o: LiveShowsOptions;

  constructor(options: LiveShowsOptions) {
    this.#o = options;
  }

  /** Every podcast with live items, in every server following it: what a restart or a poll cycle takes up again. */
  async syncAll(): Promise<void> {
    for (const podcast of this.#o.library.catalog.podcasts(EVERY_PODCAST)) {
      if (podcast.liveItems?.length) await this.syncPodcast(podcast.id);
    }
  }

  /** One podcast's live items in every following server whose announcements are on and not paused. */
  async syncPodcast(podcastId: string): Promise<void> {
    const { store, library } = this.#o;
    const podcast = library.catalog.podcast(podcastId);
    if (!podcast?.liveItems?.length) return;
    for (const guildId of await store.followersOf(podcastId)) {
      if (await store.guildAnnouncementPause(guildId)) continue;
      const settings = await store.effectiveAnnouncementSettings(guildId, podcastId);
      if (!settings?.enabled) continue;
      for (const item of podcast.liveItems) await this.#sync(guildId, podcast, item, { channelId: settings.channelId, ...(settings.roleId !== undefined && { roleId: settings.roleId }) });
    }
  }

  async #sync(guildId: string, podcast: Podcast, item: LiveItem, settings: { channelId: string; roleId?: string }): Promise<void> {
    const { store, log } = this.#o;
    const key: LiveShowKey = { guildId, podcastId: podcast.id, liveId: item.id };
    // Read first: nothing is written for what is done (or not due), which is every row on most cycles.
    if (liveSteps(item, await store.getLiveShow(key), this.#o.now()).length === 0) return;
    const lease = this.#o.claim();
    let show = await store.claimLiveShow(key, { channelId: settings.channelId, nonce: randomBytes(12).toString('base64url') }, lease, this.#o.now());
    if (!show) return;
    const context = { guildId, podcast: podcast.id, live: item.id, status: item.status };
    try {
      const s = stringsFor(await this.#o.transport.locale(guildId).catch(() => 'en-US'));
      const failed = new Set<'event' | 'post'>();
      for (const step of liveSteps(item, show, this.#o.now())) {
        const kind = stepKind(step);
        if (failed.has(kind)) continue;
        try {
          show = await this.#step(step, show, podcast, item, s, settings.roleId);
        } catch (error) {
          if (error instanceof StoreBusyError) throw error;
          show = await this.#failed(show, step, error instanceof LiveShowRefused ? { kind: 'access', problem: { code: 'channelGone' } } : classifyPostFailure(error));
          failed.add(kind);
          continue;
        }
        // The kind that had failed worked now: its failure is over.
        if (show.failedStep === kind) {
          const { nextAttemptAt: _next, lastError: _error, failedStep: _step, failedAt: _at, ...done } = show;
          await store.saveLiveShow((show = { ...done, attempts: 0 }));
        }
      }
    } catch (error) {
      log.warn({ ...context, err: error }, 'live show not recorded; it will be tried again');
    } finally {
      await store.releaseLiveShow(key, lease.owner).catch(() => undefined);
    }
  }

  /** Does one step and records it; throws what Discord answered when it failed. */
  async #step(step: LiveStep, show: LiveShow, podcast: Podcast, item: LiveItem, s: Strings, roleId: string | undefined): Promise<LiveShow> {
    const { store, transport, log } = this.#o;
    const { guildId } = show;
    const context = { guildId, podcast: podcast.id, live: item.id };
    if (step === 'createEvent') {
      const body = liveEventBody(podcast, item, s);
      const earlier = show.eventState === 'creating' ? await this.#findEvent(guildId, podcast, item) : undefined;
      let event = earlier;
      if (!event) {
        // Marked before asking: an answer lost on the way is looked for, not made again.
        await store.saveLiveShow((show = { ...show, eventState: 'creating' }));
        event = await transport.createScheduledEvent(guildId, body);
        log.info({ ...context, eventId: event.id }, 'live show scheduled as an event');
      }
      const next: LiveShow = { ...show, eventId: event.id, eventState: stateOf(event.status) };
      await store.saveLiveShow(next);
      return next;
    }
    if (step === 'startEvent' || step === 'endEvent') {
      const event = await this.#currentEvent(show, podcast, item);
      let state: LiveShow['eventState'];
      if (event === undefined) state = step === 'startEvent' ? undefined : 'ended';
      else if (step === 'startEvent' && event.status === GuildScheduledEventStatus.Scheduled) {
        await transport.setScheduledEventStatus(guildId, event.id, GuildScheduledEventStatus.Active);
        state = 'active';
      } else if (step === 'endEvent' && event.status === GuildScheduledEventStatus.Active) {
        await transport.setScheduledEventStatus(guildId, event.id, GuildScheduledEventStatus.Completed);
        state = 'ended';
      } else if (step === 'endEvent' && event.status === GuildScheduledEventStatus.Scheduled) {
        await transport.deleteScheduledEvent(guildId, event.id).catch(ignoreUnknownEvent);
        state = 'ended';
      } else state = stateOf(event.status);
      const { eventState: _state, ...rest } = show;
      const next: LiveShow = { ...rest, ...(event && { eventId: event.id }), ...(state !== undefined && { eventState: state }) };
      await store.saveLiveShow(next);
      log.info({ ...context, eventId: event?.id, state }, step === 'startEvent' ? 'live show event started' : 'live show event ended');
      return next;
    }
    // postLive
    const message = liveNowMessage(podcast, item, s, roleId);
    const channel = await transport.channel(show.channelId);
    if (!channel || channel.guildId !== guildId) throw new LiveShowRefused('the announcement channel is gone, or the bot cannot see it');
    const attemptedAt = show.liveAttemptedAt;
    let messageId: string | undefined;
    if (channel.kind === 'forum') {
      const name = liveNowPostName(podcast, item);
      if (attemptedAt) messageId = (await transport.activeThreads(guildId)).find((t) => t.parent_id === show.channelId && t.name === name)?.id;
      if (messageId === undefined) {
        if (!attemptedAt) await store.saveLiveShow((show = { ...show, liveAttemptedAt: this.#o.now() }));
        messageId = (await transport.startForumPost(show.channelId, { name, message })).id;
      }
    } else {
      if (attemptedAt && this.#o.now().getTime() - attemptedAt.getTime() > (this.#o.nonceWindowMs ?? 4 * 60_000)) {
        const title = message.embeds[0]?.title;
        const search = await findEarlierPost(transport, {
          channelId: show.channelId,
          since: attemptedAt,
          isOurs: (m) => m.nonce === show.nonce || (m.author.id === transport.botUserId && m.embeds[0]?.title === title && m.embeds[0]?.footer?.text === s.liveNow),
        });
        messageId = search.found?.id;
      }
      if (messageId === undefined) {
        if (!attemptedAt) await store.saveLiveShow((show = { ...show, liveAttemptedAt: this.#o.now() }));
        messageId = (await transport.send(show.channelId, { ...message, nonce: show.nonce, enforce_nonce: true })).id;
      }
    }
    const next: LiveShow = { ...show, liveMessageId: messageId };
    await store.saveLiveShow(next);
    log.info({ ...context, messageId }, 'live show announced');
    return next;
  }

  /** The event recorded for the show as Discord has it now (a manager may have started, ended or deleted it). */
  async #currentEvent(show: LiveShow, podcast: Podcast, item: LiveItem): Promise<APIGuildScheduledEvent | undefined> {
    if (show.eventId === undefined) return this.#findEvent(show.guildId, podcast, item);
    try {
      return await this.#o.transport.scheduledEvent(show.guildId, show.eventId);
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === UNKNOWN_EVENT) return undefined;
      throw error;
    }
  }

  /** The bot's event for the item, made by an attempt whose answer was not recorded. */
  async #findEvent(guildId: string, podcast: Podcast, item: LiveItem): Promise<APIGuildScheduledEvent | undefined> {
    const name = liveEventName(podcast, item);
    const start = Date.parse(item.start);
    return (await this.#o.transport.scheduledEvents(guildId)).find(
      (e) => e.creator_id === this.#o.transport.botUserId && e.name === name && Date.parse(e.scheduled_start_time) === start,
    );
  }

  /** A step failed: recorded with its kind's next try, or given up; the other kind's failure, if any, is replaced. */
  async #failed(show: LiveShow, step: LiveStep, failure: PostFailure): Promise<LiveShow> {
    const kind = stepKind(step);
    const attempts = show.failedStep === kind ? show.attempts + 1 : 1;
    const at = this.#o.now();
    const retryAt = nextRetry(failure.kind, attempts, at, this.#o.retryPolicy ?? DEFAULT_RETRY_POLICY);
    const { nextAttemptAt: _next, failedAt: _at, ...rest } = show;
    const next: LiveShow = { ...rest, attempts, lastError: encodeProblem(failure.problem), failedStep: kind, ...(retryAt ? { nextAttemptAt: retryAt } : { failedAt: at }) };
    await this.#o.store.saveLiveShow(next);
    this.#o.log.warn(
      { guildId: show.guildId, podcast: show.podcastId, live: show.liveId, step, reason: describeProblem(failure.problem), attempts, retryAt },
      retryAt ? 'live show step failed; it will be tried again' : 'live show step given up',
    );
    return next;
  }
}

/** A step that cannot be done as things are (the channel gone): retried like a post the bot may not make. */
class LiveShowRefused extends Error {}

function stateOf(status: GuildScheduledEventStatus): NonNullable<LiveShow['eventState']> {
  return status === GuildScheduledEventStatus.Scheduled ? 'scheduled' : status === GuildScheduledEventStatus.Active ? 'active' : 'ended';
}

function ignoreUnknownEvent(error: unknown): void {
  if (!(error instanceof DiscordAPIError && error.code === UNKNOWN_EVENT)) throw error;
}
