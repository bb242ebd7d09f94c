import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type APIEmbed,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { z } from 'zod';
import { clip } from '../data/text/clip.js';
import { err, ok, type Result } from '../data/model.js';
import { httpHref } from '../data/links.js';
import { redactUrl } from '../data/redactUrl.js';
import { shortKey } from '../data/shortKey.js';
import { clipProse } from '../data/text/clip.js';
import { BRAND_COLOUR, embedUrl, LIMITS, MAX_LINK_URL } from '../messages/embeds.js';
import { toPlainExcerpt } from '../messages/excerpt.js';
import { discordTimestamp, escapeMarkdown, maskedLink } from '../messages/markdown.js';
import { problemText, storedProblemText } from '../messages/problemText.js';
import { stringsFor, type Strings } from '../messages/strings.js';
import { parseOptions, type AnnouncementProblem, type Deps, type FeedAdmin, type Invocation, type SlashCommand } from './command.js';

/** Manage Server (1 << 5): Discord hides the command from others; the handler checks again. */
export const MANAGE_GUILD = '32';

export const feedData = {
  type: ApplicationCommandType.ChatInput,
  name: 'feed',
  name_localizations: { 'sv-SE': 'flöde' },
  description: 'Follow podcast feeds in this server (Manage Server)',
  description_localizations: { 'sv-SE': 'Följ poddflöden i den här servern (Hantera server)' },
  default_member_permissions: MANAGE_GUILD,
  contexts: [InteractionContextType.Guild],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'add',
      name_localizations: { 'sv-SE': 'lägg-till' },
      description: 'Follow a podcast feed: new episodes get announced',
      description_localizations: { 'sv-SE': 'Följ ett poddflöde: nya avsnitt annonseras' },
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'url',
          name_localizations: { 'sv-SE': 'adress' },
          description: 'The RSS feed address (https://…)',
          description_localizations: { 'sv-SE': 'RSS-flödets adress (https://…)' },
          required: true,
          max_length: 2000,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'remove',
      name_localizations: { 'sv-SE': 'ta-bort' },
      description: 'Stop following a podcast',
      description_localizations: { 'sv-SE': 'Sluta följa en podd' },
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'podcast',
          name_localizations: { 'sv-SE': 'podd' },
          description: 'One of the podcasts this server follows',
          description_localizations: { 'sv-SE': 'En av poddarna servern följer' },
          required: true,
          autocomplete: true,
          max_length: 2000,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'list',
      name_localizations: { 'sv-SE': 'lista' },
      description: 'The feeds this server follows, with when they were checked and any error',
      description_localizations: { 'sv-SE': 'Flödena servern följer, när de kontrollerades och eventuella fel' },
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const Args = z.discriminatedUnion('subcommand', [
  z.object({ subcommand: z.literal('add'), url: z.string().trim().min(1) }),
  z.object({ subcommand: z.literal('remove'), podcast: z.string().trim().min(1) }),
  z.object({ subcommand: z.literal('list') }),
]);

/** Server side of "Manage Server only": the guild, the permission and the service, or a reason. */
export function adminContext(invocation: Invocation, deps: Deps): Result<{ guildId: string; feeds: FeedAdmin; s: Strings }> {
  const s = stringsFor(invocation.locale);
  if (invocation.guildId === undefined) return err(s.guildOnly);
  if (!invocation.canManageGuild) return err(s.needsManageGuild);
  if (!deps.feeds) return err(s.noFeedService);
  return ok({ guildId: invocation.guildId, feeds: deps.feeds, s });
}

export const feed: SlashCommand = {
  data: feedData,
  ephemeral: true,
  async run(options, invocation, deps) {
    const admin = adminContext(invocation, deps);
    if (!admin.ok) return admin;
    const { guildId, feeds, s } = admin.value;
    const args = parseOptions(Args, options, invocation, feedData);
    if (!args.ok) return args;

    if (args.value.subcommand === 'add') {
      const preview = await feeds.preview(args.value.url);
      if (!preview.ok) return err(problemText(preview.error, s));
      const { podcast, episodes } = preview.value;
      const created = await feeds.follow(guildId, preview.value);
      const title = escapeMarkdown(clip(podcast.title, 200));
      const lines = [created ? s.followed(title, episodes.length) : s.alreadyFollowed(title)];
      if ((await feeds.getAnnouncements(guildId)) === undefined) lines.push(s.announceNotSetUp);
      const newest = [...episodes].sort((a, b) => Date.parse(b.publishedAt ?? '') - Date.parse(a.publishedAt ?? ''))[0] ?? episodes[0];
      const fields: NonNullable<APIEmbed['fields']> = [{ name: s.episodes, value: String(episodes.length), inline: true }];
      if (newest) {
        const date = newest.publishedAt ? discordTimestamp(newest.publishedAt, 'D') : undefined;
        const link = httpHref(newest.link) ?? httpHref(newest.audioUrl);
        const when = date ? ` · ${date}` : '';
        fields.push({ name: s.latestEpisode, value: `${maskedLink(clip(newest.title, 200), link, Math.min(MAX_LINK_URL, LIMITS.fieldValue - when.length))}${when}`, inline: false });
      } else {
        fields.push({ name: s.latestEpisode, value: s.noEpisodesYet, inline: false });
      }
      const description = escapeMarkdown(toPlainExcerpt(podcast.description ?? '', 400));
      const home = embedUrl(podcast.link);
      const artwork = embedUrl(podcast.image);
      const address = redactUrl(preview.value.feedUrl);
      const embed: APIEmbed = {
        title: clip(podcast.title, LIMITS.title),
        ...(home && { url: home }),
        ...(description && { description }),
        ...(artwork && { thumbnail: { url: artwork } }),
        fields,
        // The address whole or not at all: a cut one would be wrong.
        ...(address.length <= LIMITS.footer && { footer: { text: address } }),
        color: BRAND_COLOUR,
      };
      return ok({ content: lines.join('\n'), embeds: [embed], ephemeral: true });
    }

    if (args.value.subcommand === 'remove') {
      const feedUrl = resolveFollowed(args.value.podcast, guildId, feeds, deps);
      if (feedUrl === undefined) return err(s.notFollowed);
      const title = escapeMarkdown(clip(deps.catalog.podcast(feedUrl)?.title ?? redactUrl(feedUrl), 200));
      if (feeds.isOperatorFeed(feedUrl)) return err(s.operatorFeed(title));
      if (!(await feeds.unfollow(guildId, feedUrl))) return err(s.notFollowed);
      return ok({ content: s.unfollowed(title), ephemeral: true });
    }

    const statuses = await feeds.status(guildId);
    const pause = await feeds.announcementPause(guildId);
    const paused = pause && s.announcementsPaused(`<#${pause.channelId}>`, `<t:${Math.floor(pause.at.getTime() / 1000)}:R>`, clip(storedProblemText(pause.reason, s), 300));
    if (statuses.length === 0) return ok({ content: paused ? `${s.feedListEmpty}\n${paused}` : s.feedListEmpty, ephemeral: true });
    const shown = statuses.slice(0, LIMITS.fields);
    const fields = shown.map((status) => {
      const state = status.state;
      const when = (date: Date | undefined): string => (date ? `<t:${Math.floor(date.getTime() / 1000)}:R>` : s.never);
      const lines = [
        `${s.episodes}: ${status.episodeCount} · ${s.lastCheck}: ${when(state?.lastCheckedAt)} · ${s.nextCheck}: ${state?.paused ? '—' : when(state?.nextCheckAt ?? (state ? new Date() : undefined))}`,
      ];
      if (state?.lastError) lines.push(`${s.lastError}: ${clipProse(storedProblemText(state.lastError, s), 300)}`);
      if (state?.paused) lines.push(state.pauseReason ? s.pausedBecause(storedProblemText(state.pauseReason, s)) : s.pausedLabel(state.consecutiveFailures));
      const problems = status.problems ?? [];
      for (const problem of problems.slice(0, PROBLEMS_SHOWN)) lines.push(problemLine(problem, s, deps.now()));
      if (problems.length > PROBLEMS_SHOWN) lines.push(`+${problems.length - PROBLEMS_SHOWN}`);
      // Addresses are shown masked: one stored before credentials were kept apart may still hold a password.
      const address = redactUrl(status.feedUrl);
      const text = lines.join('\n');
      // The address whole or not at all: a cut one would be wrong.
      const value = text.length + address.length + 3 <= LIMITS.fieldValue ? `${text}\n<${address}>` : clip(text, LIMITS.fieldValue);
      return { name: clip(status.podcast?.title ?? address, LIMITS.fieldName), value };
    });
    // Several feeds with long errors could pass the 6000-character message limit: drop whole fields, say so.
    let total = s.feedListTitle.length + (paused?.length ?? 0);
    const fitting = fields.filter((f) => (total += f.name.length + f.value.length) <= LIMITS.charactersPerMessage - 200);
    const hidden = statuses.length - fitting.length;
    return ok({
      embeds: [
        {
          title: s.feedListTitle,
          ...(paused && { description: paused }),
          fields: fitting,
          ...(hidden > 0 && { footer: { text: `+${hidden}` } }),
          color: BRAND_COLOUR,
        },
      ],
      ephemeral: true,
    });
  },

  autocomplete(focused, _options, invocation, deps) {
    if (invocation.guildId === undefined || !deps.feeds || !invocation.canManageGuild) return [];
    const followed = deps.feeds.followedBy(invocation.guildId);
    const choices = deps.catalog.autocompletePodcasts(focused.value, followed);
    // Feeds that never loaded have no title yet: offer their address, masked, with its key as the value.
    const query = focused.value.toLowerCase();
    for (const url of followed) {
      if (choices.length >= 25) break;
      const shown = redactUrl(url);
      if (deps.catalog.podcast(url) === undefined && shown.toLowerCase().includes(query)) choices.push({ name: clip(shown, 100), value: shortKey(url) });
    }
    return choices;
  },
};

const PROBLEMS_SHOWN = 3;

/** A post that could not be made (or published) yet, or was given up: which, why, and when it is tried next. */
function problemLine({ announcement: a, episodeTitle }: AnnouncementProblem, s: Strings, now: Date): string {
  const title = escapeMarkdown(clip(episodeTitle ?? s.summaryPost, 80));
  const at = (date: Date | undefined): string => `<t:${Math.floor((date ?? now).getTime() / 1000)}:R>`;
  const reason = (text: string | undefined): string => clip(text === undefined ? '' : storedProblemText(text, s), 150);
  if (a.messageId === undefined) {
    return a.failedAt ? s.postGivenUp(title, a.attempts, reason(a.lastError)) : s.postPending(title, a.attempts, at(a.nextAttemptAt), reason(a.lastError));
  }
  const publish = a.publish;
  const thread = a.thread;
  // Posted: its publishing or its discussion thread is what failed (the publish when both did).
  if (thread && !(publish && (publish.status === 'failed' || publish.lastError !== undefined))) {
    if (thread.status === 'failed') return s.threadGivenUp(title, thread.attempts, reason(thread.lastError));
    return s.threadPending(title, thread.attempts, at(thread.nextAttemptAt), reason(thread.lastError));
  }
  if (publish?.status === 'failed') return s.publishGivenUp(title, publish.attempts, reason(publish.lastError));
  return s.publishPending(title, publish?.attempts ?? 0, at(publish?.nextAttemptAt), reason(publish?.lastError));
}

/** An autocomplete value (a podcast key), a title typed by hand, or a feed address. */
function resolveFollowed(value: string, guildId: string, feeds: FeedAdmin, deps: Deps): string | undefined {
  const followed = feeds.followedBy(guildId);
  if (followed.has(value)) return value;
  for (const url of followed) if (shortKey(url) === value) return url; // a feed without a title yet, from autocomplete
  const podcast = deps.catalog.resolvePodcast(value, followed);
  return podcast.ok && followed.has(podcast.value.id) ? podcast.value.id : undefined;
}
