import {
  ApplicationCommandOptionType,
  type APIActionRowComponent,
  type APIApplicationCommandOption,
  type APIApplicationCommandOptionChoice,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Catalog, EpisodeDetail, EpisodeRef, Scope } from '../data/catalog.js';
import type { ScopedTopics } from '../data/library.js';
import { err, ok, type Episode, type Podcast, type Result } from '../data/model.js';
import type { FeedProblem } from '../data/problems.js';
import { stringsFor } from '../messages/strings.js';
import type { Announcement, AnnouncementSettings, FeedFetchState, GuildPause } from '../store/Store.js';

/**
 * A command is data plus a function: the definition Discord registers, and a handler that turns typed options into
 * a reply. Handlers know nothing of discord.js, so the local console runs exactly the same code.
 */

/** What every handler may use; built once in index.ts and passed down (no global container). */
export interface Deps {
  catalog: Catalog;
  search: ScopedTopics;
  /** What the catalogue does not keep (notes, chapters, links), read when a command shows them (Library.details). */
  episodes: EpisodeDetails;
  /** What a start is still reading from the store while already serving (Library.loading): live, not a copy. */
  loading: { readonly catalogue: boolean; readonly topics: boolean };
  log: Logger;
  now: () => Date;
  /** Following feeds and announcing episodes (/feed, /announce); absent where there is no store (tests, a bare console). */
  feeds?: FeedAdmin;
}

export interface EpisodeDetails {
  /** The episodes with their details, in the order given; one that is gone (the feed dropped it) is left out. */
  details(refs: readonly EpisodeRef[]): Promise<EpisodeDetail[]>;
}

/**
 * 'ok': a text, announcement or forum channel of the guild where the bot has what posting there takes ('ok-no-events':
 * and cannot make scheduled events, so live shows are only posted); 'elsewhere': a channel of another server;
 * 'unusable': unknown, not visible to the bot, or of a kind that takes no posts; 'offline': the bot is not connected to
 * Discord; `missing`: the permissions the bot lacks there (channelPermissions.ts).
 */
export type AnnouncementChannelCheck =
  | 'ok'
  | 'ok-no-events'
  | 'elsewhere'
  | 'unusable'
  | 'offline'
  | { missing: readonly AnnouncePermission[] };

/** A permission announcing may need, by discord.js's name (PermissionFlagsBits); strings.ts names each for people. */
export type AnnouncePermission =
  | 'ViewChannel'
  | 'SendMessages'
  | 'EmbedLinks'
  | 'ReadMessageHistory'
  | 'CreatePublicThreads'
  | 'SendMessagesInThreads';

/**
 * Why `/announce test` posted nothing: Discord could not be asked about the channel, the channel is gone (or not
 * this server's), Discord refused the post, or the bot is not connected.
 */
export type TestPostProblem = 'checkFailed' | 'channelGone' | 'episodeGone' | 'refused' | 'offline';

/** A feed fetched and parsed for /feed add, not yet followed. */
export interface FeedPreviewed {
  feedUrl: string;
  podcast: Podcast;
  /** Newest first. */
  episodes: Episode[];
}

/** One followed feed as /feed list shows it. */
export interface FeedStatus {
  feedUrl: string;
  podcast?: Podcast;
  episodeCount: number;
  state?: FeedFetchState;
  /** Set by the operator (FEEDS): cannot be removed with /feed remove. */
  operator: boolean;
  /** Posts (and publishes) of this feed in this guild that failed: still pending, or given up lately. */
  problems?: AnnouncementProblem[];
}

/** A post that could not be made (or published), with the episode's title when it is still known. */
export interface AnnouncementProblem {
  announcement: Announcement;
  /** Undefined for a catch-up summary or an episode that left the feed. */
  episodeTitle?: string;
}

/** What /feed and /announce do, behind an interface so the handlers stay free of discord.js and SQL. */
export interface FeedAdmin {
  /** Fetches a feed with every guard (SSRF, size, timeout) and parses it; why not, as data, when it cannot. */
  preview(url: string): Promise<Result<FeedPreviewed, FeedProblem>>;
  /** Follows a previewed feed in a guild, its episodes so far counting as seen. False when already followed. */
  follow(guildId: string, preview: FeedPreviewed): Promise<boolean>;
  /** Stops following; false when the guild did not follow it. */
  unfollow(guildId: string, podcastId: string): Promise<boolean>;
  /** The feeds (podcast ids) a guild follows, for autocomplete. */
  followedBy(guildId: string): ReadonlySet<string>;
  isOperatorFeed(podcastId: string): boolean;
  status(guildId: string): Promise<FeedStatus[]>;
  /** The guild default (no podcastId) or one podcast's override. */
  getAnnouncements(guildId: string, podcastId?: string): Promise<AnnouncementSettings | undefined>;
  setAnnouncements(guildId: string, settings: AnnouncementSettings, podcastId?: string): Promise<void>;
  /** Why the guild's announcements are paused (Discord refused its channel), if they are. */
  announcementPause(guildId: string): Promise<GuildPause | undefined>;
  /** Ends the guild's pause after /announce channel was set, and posts what is owed. False when it was not paused. */
  resumeAnnouncements(guildId: string): Promise<boolean>;
  /** Whether a guild's announcements may go to a channel, as Discord knows the channel (see AnnouncementChannelCheck). */
  checkChannel(guildId: string, channelId: string, options: { thread: boolean }): Promise<AnnouncementChannelCheck>;
  /** Posts a preview of an episode's announcement now, marked as a test and not recorded in the ledger. */
  postTest(guildId: string, ref: EpisodeRef, settings: AnnouncementSettings): Promise<Result<{ channelId: string }, TestPostProblem>>;
}

/** Who is asking, and where. */
export interface Invocation {
  locale: string;
  userId: string;
  guildId?: string;
  /**
   * The podcasts the asker may see: the guild's (GuildFollows.scopeFor), the shared ones in a direct message,
   * EVERY_PODCAST in the operator's console. Every catalog and search read takes it.
   */
  scope: Scope;
  /** Manage Server, as Discord computed it for this member in this channel. */
  canManageGuild: boolean;
}

export interface Reply {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** Only the person who asked sees it. */
  ephemeral?: boolean;
}

export type OptionValues = Readonly<Record<string, string | number | boolean>>;

export type CommandResult = Result<Reply>;

/**
 * What a command or button reads that a start loads while already serving: the catalogue (the default), the catalogue
 * and the topic index, or nothing. Until it is loaded the asker is told so (the core answers for the handler).
 */
export type LibraryNeed = 'catalogue' | 'topics' | 'nothing';

export interface SlashCommand {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  readonly needs?: LibraryNeed;
  /**
   * Every answer is for the asker alone (server settings, feed addresses): replies are ephemeral whatever the handler
   * returns, and so is the "thinking…" of a slow one, so nothing of it is ever shown to the channel.
   */
  readonly ephemeral?: boolean;
  run(options: OptionValues, invocation: Invocation, deps: Deps): CommandResult | Promise<CommandResult>;
  autocomplete?(
    focused: { name: string; value: string },
    options: OptionValues,
    invocation: Invocation,
    deps: Deps,
  ): readonly APIApplicationCommandOptionChoice<string>[] | Promise<readonly APIApplicationCommandOptionChoice<string>[]>;
}

/** A button's custom id is `<prefix>:<arg>:<arg>...`; the prefix picks the handler. */
export interface ButtonHandler {
  readonly prefix: string;
  readonly needs?: LibraryNeed;
  /** `update` edits the message the button is on (a pager); `reply` answers with a new message. */
  readonly responds: 'update' | 'reply';
  run(args: readonly string[], invocation: Invocation, deps: Deps): CommandResult | Promise<CommandResult>;
}

/** The honest answer while what `needs` names is still loading at start; undefined once it is there. */
export function stillLoading(needs: LibraryNeed | undefined, loading: Deps['loading'], locale: string): CommandResult | undefined {
  if (needs === 'nothing') return undefined;
  const s = stringsFor(locale);
  if (loading.catalogue) return err(s.stillLoading(s.loadingCatalogue));
  if (needs === 'topics' && loading.topics) return err(s.stillLoading(s.loadingTopics));
  return undefined;
}

/**
 * Options as Discord (or the console) sent them, checked against the command's schema: typed, or a reason in the
 * reader's language naming the option as they see it (never the validator's own English).
 */
export function parseOptions<S extends z.ZodType>(schema: S, options: OptionValues, invocation: Pick<Invocation, 'locale'>, data: SlashCommand['data']): Result<z.infer<S>> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return ok(parsed.data);
  const s = stringsFor(invocation.locale);
  const issue = parsed.error.issues[0];
  const key = issue?.path[0];
  if (issue === undefined || key === undefined || key === 'subcommand') return err(s.subcommandMissing);
  const option = optionName(data, String(key), invocation.locale);
  switch (issue.code) {
    case 'too_small':
      return err(issue.origin === 'string' ? s.optionTooShort(option, Number(issue.minimum)) : s.optionTooSmall(option, Number(issue.minimum)));
    case 'too_big':
      return err(issue.origin === 'string' ? s.optionTooLong(option, Number(issue.maximum)) : s.optionTooBig(option, Number(issue.maximum)));
    case 'invalid_type':
      if (options[String(key)] === undefined) return err(s.optionRequired(option));
      return err(issue.expected === 'int' ? s.optionWholeNumber(option) : s.optionInvalid(option));
    case 'invalid_format':
      return err(s.optionPickFromList(option));
    default:
      return err(s.optionInvalid(option));
  }
}

/** An option's name as the reader sees it in Discord (its localised name), looked up in subcommands too. */
function optionName(data: SlashCommand['data'], name: string, locale: string): string {
  const swedish = locale.toLowerCase().startsWith('sv');
  const search = (list: readonly APIApplicationCommandOption[]): APIApplicationCommandOption | undefined => {
    for (const option of list) {
      if (option.name === name && option.type !== ApplicationCommandOptionType.Subcommand) return option;
      if ('options' in option && option.options) {
        const found = search(option.options as readonly APIApplicationCommandOption[]);
        if (found) return found;
      }
    }
    return undefined;
  };
  const option = search(data.options ?? []);
  return (swedish && option?.name_localizations?.['sv-SE']) || name;
}
