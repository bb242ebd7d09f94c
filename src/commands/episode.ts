import { ApplicationCommandType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { z } from 'zod';
import { ok } from '../data/model.js';
import { episodeMessage } from '../messages/embeds.js';
import { stringsFor } from '../messages/strings.js';
import { autocompleteEpisodeOrPodcast } from './autocomplete.js';
import { parseOptions, type SlashCommand } from './command.js';
import { episodeOption, podcastOption } from './options.js';

export const episodeData = {
  type: ApplicationCommandType.ChatInput,
  name: 'episode',
  name_localizations: { 'sv-SE': 'avsnitt' },
  description: 'An episode’s details: notes, date, length and a listen link',
  description_localizations: { 'sv-SE': 'Ett avsnitts detaljer: beskrivning, datum, längd och lyssningslänk' },
  options: [episodeOption, podcastOption],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const Args = z.object({ episode: z.string().optional(), podcast: z.string().optional() });

export const episode: SlashCommand = {
  data: episodeData,
  run(options, invocation, { catalog }) {
    const args = parseOptions(Args, options);
    if (!args.ok) return args;
    const ref = catalog.resolveEpisode(args.value.episode, args.value.podcast, invocation.scope);
    if (!ref.ok) return ref;
    return ok(episodeMessage(ref.value, stringsFor(invocation.locale)));
  },
  autocomplete: autocompleteEpisodeOrPodcast,
};
