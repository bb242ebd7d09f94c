import type { Logger } from 'pino';
import type { Library } from '../data/library.js';
import type { Store } from '../store/Store.js';
import type { GuildFollows } from './GuildFollows.js';

/**
 * The bot left a guild (kicked, or the guild deleted; the gateway's GUILD_DELETE without `unavailable`): everything
 * kept for it goes (Store.forgetGuild: follows, settings, seen marks, the ledger with its pending posts, a pause, the
 * cached channels), and a feed nobody follows any more stops being polled and leaves the catalogue, as /feed remove
 * does for the last follower.
 */
export async function forgetGuild(deps: { store: Store; library: Library; follows: GuildFollows; log: Logger }, guildId: string): Promise<void> {
  const { store, library, follows, log } = deps;
  const dropped = await store.forgetGuild(guildId);
  follows.forget(guildId);
  for (const feedUrl of dropped.follows) {
    if (follows.hasFollowers(feedUrl) || follows.isOperatorFeed(feedUrl) || (await store.followersOf(feedUrl)).length > 0) continue;
    await store.untrackFeed(feedUrl);
    await store.deletePodcast(feedUrl);
    library.remove(feedUrl);
  }
  log.info({ guildId, follows: dropped.follows.length, pendingPosts: dropped.pendingPosts }, 'left a server: its follows, settings and posts are forgotten');
}
