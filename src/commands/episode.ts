import { ApplicationCommandType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { z } from 'zod';
import { err, ok } from '../data/model.js';
import { clip } from '../data/text/clip.js';
import { escapeMarkdown } from '../messages/markdown.js';
import { episodeMessage } from '../messages/embeds.js';
import { problemText } from '../messages/problemText.js';
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
  async run(options, invocation, { catalog, episodes }) {
    const args = parseOptions(Args, options, invocation, episodeData);
    if (!args.ok) return args;
    const s = stringsFor(invocation.locale);
    const ref = catalog.resolveEpisode(args.value.episode, args.value.podcast, invocation.scope);
    if (!ref.ok) return err(problemText(ref.error, s));
    const [detail] = await episodes.details([ref.value]);
    if (!detail) return err(s.episodeGone(escapeMarkdown(clip(ref.value.episode.title, 200))));
    return ok(episodeMessage(detail, s));
  },
  autocomplete: autocompleteEpisodeOrPodcast,
};
