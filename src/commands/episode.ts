import { ApplicationCommandType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { ok } from '../data/model.js';
import { episodeMessage } from '../messages/embeds.js';
import { stringsFor } from '../messages/strings.js';
import { autocompleteEpisodeOrPodcast } from './autocomplete.js';
import { type SlashCommand } from './command.js';
import { episodeOption, podcastOption } from './options.js';
import { resolveEpisodeDetail } from './resolveEpisodeDetail.js';

export const episodeData = {
  type: ApplicationCommandType.ChatInput,
  name: 'episode',
  name_localizations: { 'sv-SE': 'avsnitt' },
  description: 'An episode’s details: notes, date, length and a listen link',
  description_localizations: { 'sv-SE': 'Ett avsnitts detaljer: beskrivning, datum, längd och lyssningslänk' },
  options: [episodeOption, podcastOption],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const episode: SlashCommand = {
  data: episodeData,
  async run(options, invocation, deps) {
    const s = stringsFor(invocation.locale);
    const detail = await resolveEpisodeDetail(options, invocation, deps, episodeData, s);
    return detail.ok ? ok(episodeMessage(detail.value, s)) : detail;
  },
  autocomplete: autocompleteEpisodeOrPodcast,
};
