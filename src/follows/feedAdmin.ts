import type { Logger } from 'pino';
import type { AnnouncementProblem, FeedAdmin, FeedPreviewed, FeedStatus } from '../commands/command.js';
import type { Library } from '../data/library.js';
import { err } from '../data/model.js';
import type { Announcer } from '../discord/announcer.js';
import { describeProblem } from '../messages/problemText.js';
import type { FeedPoller, FeedPreview } from '../sources/feedPoller.js';
import type { Store } from '../store/Store.js';
import type { GuildFollows } from './GuildFollows.js';

export interface FeedAdminDeps {
  store: Store;
  library: Library;
  poller: FeedPoller;
  follows: GuildFollows;
  log: Logger;
  /** The announcer exists once the bot is connected to Discord. */
  announcer: () => Announcer | undefined;
  now?: () => Date;
}

/** How long /feed list keeps showing a post that was given up. */
const GIVEN_UP_SHOWN_MS = 7 * 24 * 3_600_000;

/** /feed and /announce on top of the store, the poller, the in-memory follows and the announcer. */
export function createFeedAdmin(deps: FeedAdminDeps): FeedAdmin {
  const { store, library, poller, follows, log } = deps;
  return {
    preview: (url) => poller.preview(url),

    async follow(guildId, previewed: FeedPreviewed) {
      let preview: FeedPreview;
      if ('fetched' in previewed) {
        preview = previewed as FeedPreview;
      } else {
        const again = await poller.preview(previewed.feedUrl);
        if (!again.ok) throw new Error(describeProblem(again.error));
        preview = again.value;
      }
      await poller.adopt(preview);
      // Everything in the preview is back catalogue for this guild, and so is anything stored a moment earlier.
      const seen = new Set([...preview.episodes.map((e) => e.id), ...library.catalog.episodeIds(preview.feedUrl)]);
      const created = await store.follow(guildId, preview.feedUrl, { seenEpisodeIds: [...seen] });
      follows.added(guildId, preview.feedUrl);
      log.info({ guildId, feed: preview.feedUrl, created }, 'feed followed');
      return created;
    },

    async unfollow(guildId, podcastId) {
      const removed = await store.unfollow(guildId, podcastId);
      follows.removed(guildId, podcastId);
      if (!follows.hasFollowers(podcastId) && !follows.isOperatorFeed(podcastId)) {
        // Nobody follows it any more: stop polling and forget the catalogue (the ledger stays).
        await store.untrackFeed(podcastId);
        await store.deletePodcast(podcastId);
        library.remove(podcastId);
      }
      log.info({ guildId, feed: podcastId, removed }, 'feed unfollowed');
      return removed;
    },

    followedBy: (guildId) => follows.followedBy(guildId),
    isOperatorFeed: (podcastId) => follows.isOperatorFeed(podcastId),

    async status(guildId) {
      const out: FeedStatus[] = [];
      const now = deps.now?.() ?? new Date();
      const problems = new Map<string, AnnouncementProblem[]>();
      for (const announcement of await store.announcementIssues(guildId, new Date(now.getTime() - GIVEN_UP_SHOWN_MS))) {
        const episodeTitle = library.catalog.find(announcement.podcastId, announcement.episodeId)?.episode.title;
        const list = problems.get(announcement.podcastId) ?? [];
        list.push({ announcement, ...(episodeTitle !== undefined && { episodeTitle }) });
        problems.set(announcement.podcastId, list);
      }
      for (const feedUrl of follows.followedBy(guildId)) {
        const podcast = library.catalog.podcast(feedUrl);
        const state = await store.getFetchState(feedUrl);
        const feedProblems = problems.get(feedUrl);
        out.push({
          feedUrl,
          ...(podcast && { podcast }),
          episodeCount: library.catalog.episodeIds(feedUrl).length,
          ...(state && { state }),
          operator: follows.isOperatorFeed(feedUrl),
          ...(feedProblems && { problems: feedProblems }),
        });
      }
      return out.sort((a, b) => (a.podcast?.title ?? a.feedUrl).localeCompare(b.podcast?.title ?? b.feedUrl));
    },

    announcementPause: (guildId) => store.guildAnnouncementPause(guildId),
    resumeAnnouncements: async (guildId) => (await deps.announcer()?.resumeGuild(guildId)) ?? false,

    getAnnouncements: (guildId, podcastId) => store.getAnnouncementSettings(guildId, podcastId),
    setAnnouncements: (guildId, settings, podcastId) => store.setAnnouncementSettings(guildId, settings, podcastId),

    async checkChannel(guildId, channelId, options) {
      return (await deps.announcer()?.checkChannel(guildId, channelId, options)) ?? 'offline';
    },

    async postTest(guildId, ref, settings) {
      const announcer = deps.announcer();
      if (!announcer) return err('offline');
      return announcer.postTest(guildId, ref, settings);
    },
  };
}
