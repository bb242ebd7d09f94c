import { EVERY_PODCAST, type Scope } from '../data/catalog.js';
import type { Library } from '../data/library.js';
import type { Store } from '../store/Store.js';

/**
 * Which guild follows which feed, in memory, so that every interaction can know its scope synchronously: a guild sees
 * the shared podcasts (the bundled samples), the operator's FEEDS, and its own follows; never a podcast only another
 * guild follows, nor one that is in the catalogue with no follower yet (a feed being followed, between its first fetch
 * and the follow being recorded). A direct message sees the shared podcasts and FEEDS only. The store stays the source
 * of truth: this is loaded from it at start and kept in step by the code that changes follows, and (PostgreSQL) by
 * StoreSync when another process changes them.
 */
export class GuildFollows {
  readonly #store: Store;
  readonly #library: Library;
  /** podcast (feed URL) -> guilds following it. */
  readonly #followers = new Map<string, Set<string>>();
  readonly #operatorFeeds: Set<string>;
  /** Podcasts every guild (and a direct message) sees without following them: the bundled samples. */
  readonly #shared: ReadonlySet<string>;
  readonly #loadedGuilds = new Set<string>();
  /**
   * Each guild's scope as last worked out, kept while neither the follows nor the catalog change: one set for all of a
   * guild's interactions, instead of a new one each time, and the catalog keeps its answers per set.
   */
  readonly #scopes = new Map<string | undefined, Scope>();
  #scopesAtGeneration = -1;

  constructor(store: Store, library: Library, operatorFeeds: readonly string[], shared: readonly string[]) {
    this.#store = store;
    this.#library = library;
    this.#operatorFeeds = new Set(operatorFeeds);
    this.#shared = new Set(shared);
  }

  /**
   * Reads the follows of every stored podcast (at start): all of them in one read, not one per podcast (on PostgreSQL
   * a round trip each: 10,000 podcasts took seconds, most of a start's catalogue time on a loaded machine).
   */
  async load(): Promise<void> {
    const followers = await this.#store.allFollowers();
    for (const [feedUrl, guildIds] of followers) {
      // Only what is in the catalogue, as a read per catalogue podcast gave.
      if (this.#library.catalog.podcast(feedUrl) === undefined) continue;
      for (const guildId of guildIds) this.#add(guildId, feedUrl);
    }
  }

  /**
   * A guild the bot is in (ready or GUILD_CREATE): reads its follows and makes it follow every operator feed, the
   * episodes already known counting as seen (a feed not fetched yet is baselined by its first fetch).
   */
  async ensureGuild(guildId: string): Promise<void> {
    if (!this.#loadedGuilds.has(guildId)) {
      for (const follow of await this.#store.listFollows(guildId)) this.#add(guildId, follow.feedUrl);
      this.#loadedGuilds.add(guildId);
    }
    for (const url of this.#operatorFeeds) {
      if (this.#followers.get(url)?.has(guildId)) continue;
      const seenEpisodeIds = this.#library.catalog.episodeIds(url);
      await this.#store.follow(guildId, url, { seenEpisodeIds });
      this.#add(guildId, url);
    }
  }

  /**
   * Reads a guild's follows again and makes them what this holds for it: another process followed or unfollowed
   * something there. Idempotent, so hearing of this process's own change costs one read.
   */
  async reloadGuild(guildId: string): Promise<void> {
    const followed = new Set((await this.#store.listFollows(guildId)).map((follow) => follow.feedUrl));
    this.#scopes.delete(guildId);
    for (const [url, guilds] of this.#followers) {
      if (followed.has(url) || !guilds.delete(guildId)) continue;
      if (guilds.size === 0) this.#followers.delete(url);
    }
    for (const url of followed) this.#add(guildId, url);
  }

  /**
   * What a guild (undefined: a direct message) sees. EVERY_PODCAST when that is every podcast in the catalogue (one
   * community, or no other guild follows anything of its own): no set to build for each interaction, and no filter
   * in each lookup.
   */
  scopeFor(guildId: string | undefined): Scope {
    const generation = this.#library.catalog.generation;
    if (generation !== this.#scopesAtGeneration) {
      this.#scopes.clear();
      this.#scopesAtGeneration = generation;
    }
    const known = this.#scopes.get(guildId);
    if (known !== undefined) return known;
    const scope = this.#workOutScope(guildId);
    this.#scopes.set(guildId, scope);
    return scope;
  }

  #workOutScope(guildId: string | undefined): Scope {
    const podcasts = this.#library.catalog.podcasts(EVERY_PODCAST);
    if (podcasts.every((p) => this.#sees(guildId, p.id))) return EVERY_PODCAST;
    return new Set(podcasts.flatMap((p) => (this.#sees(guildId, p.id) ? [p.id] : [])));
  }

  #sees(guildId: string | undefined, podcastId: string): boolean {
    return (
      this.#shared.has(podcastId) ||
      this.#operatorFeeds.has(podcastId) ||
      (guildId !== undefined && this.#followers.get(podcastId)?.has(guildId) === true)
    );
  }

  /** The feeds a guild follows. */
  followedBy(guildId: string): Set<string> {
    const out = new Set<string>();
    for (const [url, guilds] of this.#followers) if (guilds.has(guildId)) out.add(url);
    return out;
  }

  isOperatorFeed(feedUrl: string): boolean {
    return this.#operatorFeeds.has(feedUrl);
  }

  hasFollowers(feedUrl: string): boolean {
    return (this.#followers.get(feedUrl)?.size ?? 0) > 0;
  }

  added(guildId: string, feedUrl: string): void {
    this.#add(guildId, feedUrl);
  }

  removed(guildId: string, feedUrl: string): void {
    this.#scopes.delete(guildId);
    const guilds = this.#followers.get(feedUrl);
    guilds?.delete(guildId);
    if (guilds?.size === 0) this.#followers.delete(feedUrl);
  }

  /** The bot left the guild: it follows nothing (a guild that comes back is loaded again by ensureGuild). */
  forget(guildId: string): void {
    this.#scopes.delete(guildId);
    this.#loadedGuilds.delete(guildId);
    for (const [url, guilds] of this.#followers) {
      guilds.delete(guildId);
      if (guilds.size === 0) this.#followers.delete(url);
    }
  }

  /** A feed moved permanently: its follows (and operator status) move with it. */
  renamed(oldUrl: string, newUrl: string): void {
    this.#scopes.clear();
    const guilds = this.#followers.get(oldUrl);
    if (guilds) {
      this.#followers.delete(oldUrl);
      for (const guildId of guilds) this.#add(guildId, newUrl);
    }
    if (this.#operatorFeeds.delete(oldUrl)) this.#operatorFeeds.add(newUrl);
  }

  // A guild's follows change only its own scope (see #sees); a podcast added to or removed from the catalogue changes
  // the generation, which empties every scope in scopeFor.
  #add(guildId: string, feedUrl: string): void {
    this.#scopes.delete(guildId);
    let guilds = this.#followers.get(feedUrl);
    if (!guilds) this.#followers.set(feedUrl, (guilds = new Set()));
    guilds.add(guildId);
  }
}
