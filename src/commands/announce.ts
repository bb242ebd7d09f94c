import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { z } from 'zod';
import { err, ok } from '../data/model.js';
import { redactUrl } from '../data/redactUrl.js';
import { clip } from '../data/text/clip.js';
import { escapeMarkdown } from '../messages/markdown.js';
import { problemText } from '../messages/problemText.js';
import { autocompleteEpisodeOrPodcast } from './autocomplete.js';
import { parseOptions, type FeedAdmin, type SlashCommand } from './command.js';
import { adminContext, MANAGE_GUILD } from './feed.js';

const podcastChoice = {
  type: ApplicationCommandOptionType.String,
  name: 'podcast',
  name_localizations: { 'sv-SE': 'podd' },
  description: 'Only this podcast (default: every podcast the server follows)',
  description_localizations: { 'sv-SE': 'Bara den här podden (standard: alla poddar servern följer)' },
  autocomplete: true,
  max_length: 100,
} as const;

export const announceData = {
  type: ApplicationCommandType.ChatInput,
  name: 'announce',
  name_localizations: { 'sv-SE': 'annonsera' },
  description: 'Where and how new episodes are announced (Manage Server)',
  description_localizations: { 'sv-SE': 'Var och hur nya avsnitt annonseras (Hantera server)' },
  default_member_permissions: MANAGE_GUILD,
  contexts: [InteractionContextType.Guild],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'channel',
      name_localizations: { 'sv-SE': 'kanal' },
      description: 'Post new episodes in a channel (text, announcement or forum)',
      description_localizations: { 'sv-SE': 'Publicera nya avsnitt i en kanal (text, annonsering eller forum)' },
      options: [
        {
          type: ApplicationCommandOptionType.Channel,
          name: 'channel',
          name_localizations: { 'sv-SE': 'kanal' },
          description: 'Where new episodes are posted',
          description_localizations: { 'sv-SE': 'Där nya avsnitt publiceras' },
          channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum],
          required: true,
        },
        {
          type: ApplicationCommandOptionType.Role,
          name: 'role',
          name_localizations: { 'sv-SE': 'roll' },
          description: 'A role to mention (the only mention the bot ever makes)',
          description_localizations: { 'sv-SE': 'En roll att nämna (det enda boten någonsin nämner)' },
        },
        podcastChoice,
        {
          type: ApplicationCommandOptionType.Boolean,
          name: 'publish',
          name_localizations: { 'sv-SE': 'publicera' },
          description: 'In an announcement channel, publish each post to following servers',
          description_localizations: { 'sv-SE': 'I en annonseringskanal: dela varje inlägg till servrar som följer kanalen' },
        },
        {
          type: ApplicationCommandOptionType.Boolean,
          name: 'thread',
          name_localizations: { 'sv-SE': 'tråd' },
          description: 'Start a discussion thread on each post, with the chapter list (a forum post is one)',
          description_localizations: { 'sv-SE': 'Starta en diskussionstråd på varje inlägg, med kapitellistan (ett foruminlägg är en)' },
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'off',
      name_localizations: { 'sv-SE': 'av' },
      description: 'Stop announcing new episodes',
      description_localizations: { 'sv-SE': 'Sluta annonsera nya avsnitt' },
      options: [podcastChoice],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'test',
      name_localizations: { 'sv-SE': 'test' },
      description: 'Post the latest episode now, as an announcement would look (marked as a test)',
      description_localizations: { 'sv-SE': 'Publicera senaste avsnittet nu, som en annonsering skulle se ut (märkt som test)' },
      options: [podcastChoice],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** Discord's pickers send ids; anything else was typed by hand (parseOptions words the refusal). */
const Snowflake = z.string().regex(/^\d{15,22}$/);
const Args = z.discriminatedUnion('subcommand', [
  z.object({
    subcommand: z.literal('channel'),
    channel: Snowflake,
    role: Snowflake.optional(),
    podcast: z.string().optional(),
    publish: z.boolean().default(false),
    thread: z.boolean().default(false),
  }),
  z.object({ subcommand: z.literal('off'), podcast: z.string().optional() }),
  z.object({ subcommand: z.literal('test'), podcast: z.string().optional() }),
]);

export const announce: SlashCommand = {
  data: announceData,
  ephemeral: true,
  async run(options, invocation, deps) {
    const admin = adminContext(invocation, deps);
    if (!admin.ok) return admin;
    const { guildId, feeds, s } = admin.value;
    const args = parseOptions(Args, options, invocation, announceData);
    if (!args.ok) return args;
    const podcastId = deps.catalog.resolvePodcastOption(args.value.podcast, invocation.scope);
    if (!podcastId.ok) return err(problemText(podcastId.error, s));
    const scopeName =
      podcastId.value === undefined ? s.allPodcasts : `**${escapeMarkdown(clip(deps.catalog.podcast(podcastId.value)?.title ?? redactUrl(podcastId.value), 200))}**`;

    if (args.value.subcommand === 'channel') {
      const { channel, role, publish, thread } = args.value;
      // Discord's picker offers this server's channels, but any id can be sent: posts go only where the server owns.
      const usable = await feeds.checkChannel(guildId, channel, { thread });
      if (typeof usable === 'object') return err(s.announceMissingPermissions(`<#${channel}>`, usable.missing.map((p) => s.permissionNames[p])));
      if (usable !== 'ok' && usable !== 'ok-no-events') {
        return err(usable === 'elsewhere' ? s.announceChannelElsewhere : usable === 'offline' ? s.announceNoDiscord : s.announceChannelUnusable);
      }
      await feeds.setAnnouncements(guildId, { channelId: channel, ...(role !== undefined && { roleId: role }), publish, enabled: true, ...(thread && { thread }) }, podcastId.value);
      // A manager setting the channel is what a paused server waits for (the bot lost its channel).
      const resumed = await feeds.resumeAnnouncements(guildId);
      const set = s.announceSet(`<#${channel}>`, scopeName, role === undefined ? undefined : `<@&${role}>`, publish, thread);
      const lines = [set, ...(resumed ? [s.announceResumed] : []), ...(usable === 'ok-no-events' ? [s.announceNoEvents(s.permissionNames.CreateEvents)] : [])];
      return ok({ content: lines.join('\n'), ephemeral: true });
    }

    if (args.value.subcommand === 'off') {
      const turnedOff = await turnOff(feeds, guildId, podcastId.value);
      return ok({ content: turnedOff ? s.announceOff(scopeName) : s.announceNothingToTurnOff(scopeName), ephemeral: true });
    }

    const settings = (podcastId.value !== undefined ? await feeds.getAnnouncements(guildId, podcastId.value) : undefined) ?? (await feeds.getAnnouncements(guildId));
    if (!settings?.enabled) return err(s.announceNotSetUp);
    const followed = feeds.followedBy(guildId);
    const ref =
      deps.catalog.latest(1, podcastId.value, followed.size > 0 && podcastId.value === undefined ? followed : invocation.scope)[0] ??
      deps.catalog.latest(1, podcastId.value, invocation.scope)[0];
    if (!ref) return err(s.announceNoEpisode);
    const posted = await feeds.postTest(guildId, ref, settings);
    if (!posted.ok) {
      const why = {
        checkFailed: s.announceCheckFailed,
        channelGone: s.announceChannelGone,
        episodeGone: s.announceTestEpisodeGone,
        refused: s.announceTestRefused,
        offline: s.announceNoDiscord,
      };
      return err(why[posted.error]);
    }
    return ok({ content: s.announceTestPosted(`<#${posted.value.channelId}>`), ephemeral: true });
  },
  autocomplete: autocompleteEpisodeOrPodcast,
};

/** Off for one podcast: an override that is disabled. Off for all: the default and every override disabled. */
async function turnOff(feeds: FeedAdmin, guildId: string, podcastId: string | undefined): Promise<boolean> {
  if (podcastId !== undefined) {
    const current = (await feeds.getAnnouncements(guildId, podcastId)) ?? (await feeds.getAnnouncements(guildId));
    await feeds.setAnnouncements(guildId, { channelId: current?.channelId ?? '0', publish: false, enabled: false, ...(current?.roleId !== undefined && { roleId: current.roleId }) }, podcastId);
    return current?.enabled ?? false;
  }
  let any = false;
  const current = await feeds.getAnnouncements(guildId);
  if (current) {
    any ||= current.enabled;
    await feeds.setAnnouncements(guildId, { ...current, enabled: false });
  }
  for (const feedUrl of feeds.followedBy(guildId)) {
    const override = await feeds.getAnnouncements(guildId, feedUrl);
    if (override?.enabled) {
      any = true;
      await feeds.setAnnouncements(guildId, { ...override, enabled: false }, feedUrl);
    }
  }
  return any;
}
