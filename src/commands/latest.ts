import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { z } from 'zod';
import { err, ok } from '../data/model.js';
import { latestMessage } from '../messages/embeds.js';
import { problemText } from '../messages/problemText.js';
import { stringsFor } from '../messages/strings.js';
import { autocompleteEpisodeOrPodcast } from './autocomplete.js';
import { parseOptions, type SlashCommand } from './command.js';
import { podcastOption } from './options.js';

export const latestData = {
  type: ApplicationCommandType.ChatInput,
  name: 'latest',
  name_localizations: { 'sv-SE': 'senaste' },
  description: 'The newest episodes',
  description_localizations: { 'sv-SE': 'De senaste avsnitten' },
  options: [
    podcastOption,
    {
      type: ApplicationCommandOptionType.Integer,
      name: 'count',
      name_localizations: { 'sv-SE': 'antal' },
      description: 'How many episodes (1-5, default 3)',
      description_localizations: { 'sv-SE': 'Hur många avsnitt (1-5, standard 3)' },
      min_value: 1,
      max_value: 5,
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const Args = z.object({ podcast: z.string().optional(), count: z.number().int().min(1).max(5).default(3) });

export const latest: SlashCommand = {
  data: latestData,
  async run(options, invocation, { catalog, episodes }) {
    const args = parseOptions(Args, options, invocation, latestData);
    if (!args.ok) return args;
    const s = stringsFor(invocation.locale);
    const podcastId = catalog.resolvePodcastOption(args.value.podcast, invocation.scope);
    if (!podcastId.ok) return err(problemText(podcastId.error, s));
    const refs = catalog.latest(args.value.count, podcastId.value, invocation.scope);
    if (refs.length === 0) return err(problemText({ code: 'noEpisodesYet' }, s));
    // An episode the feed dropped since the list was made is left out; the rest are still the newest.
    return ok(latestMessage(await episodes.details(refs), s));
  },
  autocomplete: autocompleteEpisodeOrPodcast,
};
