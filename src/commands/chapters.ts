import { ApplicationCommandType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { err, ok } from '../data/model.js';
import { clip } from '../data/text/clip.js';
import { chaptersMessage } from '../messages/embeds.js';
import { escapeMarkdown } from '../messages/markdown.js';
import { stringsFor } from '../messages/strings.js';
import { autocompleteEpisodeOrPodcast } from './autocomplete.js';
import { type ButtonHandler, type CommandResult, type Deps, type Invocation, type SlashCommand } from './command.js';
import { episodeOption, podcastOption } from './options.js';
import { resolveEpisodeDetail } from './resolveEpisodeDetail.js';

export const chaptersData = {
  type: ApplicationCommandType.ChatInput,
  name: 'chapters',
  name_localizations: { 'sv-SE': 'kapitel' },
  description: 'An episode’s chapters, each timestamp a link to that moment',
  description_localizations: { 'sv-SE': 'Ett avsnitts kapitel, varje tidsstämpel en länk till just det ögonblicket' },
  options: [episodeOption, podcastOption],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const chapters: SlashCommand = {
  data: chaptersData,
  async run(options, invocation, deps) {
    const s = stringsFor(invocation.locale);
    const detail = await resolveEpisodeDetail(options, invocation, deps, chaptersData, s);
    if (!detail.ok) return detail;
    if (detail.value.episode.chapters.length === 0) return err(s.noChapters(escapeMarkdown(clip(detail.value.episode.title, 200))));
    return ok(chaptersMessage(detail.value, 0, s));
  },
  autocomplete: autocompleteEpisodeOrPodcast,
};

/** The episode a button's key names, if the asker may see it: another guild's key is answered as an unknown one. */
async function chaptersPage([key, page]: readonly string[], invocation: Invocation, { catalog, episodes }: Deps): Promise<CommandResult> {
  const s = stringsFor(invocation.locale);
  const found = key === undefined ? undefined : catalog.byKey(key, invocation.scope);
  const [ref] = found ? await episodes.details([found]) : [];
  if (!ref) return err(s.buttonExpired);
  if (ref.episode.chapters.length === 0) return err(s.noChapters(escapeMarkdown(clip(ref.episode.title, 200))));
  const index = Number.parseInt(page ?? '0', 10);
  return ok(chaptersMessage(ref, Number.isFinite(index) ? index : 0, s));
}

/** `chapters:<episodeKey>:<page>`: the pager's buttons turn the page in place. */
export const chaptersPager: ButtonHandler = {
  prefix: 'chapters',
  responds: 'update',
  run: (args, invocation, deps) => chaptersPage(args, invocation, deps),
};

/** `episode-chapters:<episodeKey>`: /episode's button shows the chapters to whoever clicked, leaving the post as is. */
export const episodeChaptersButton: ButtonHandler = {
  prefix: 'episode-chapters',
  responds: 'reply',
  run: async ([key], invocation, deps) => {
    const result = await chaptersPage([key ?? '', '0'], invocation, deps);
    return result.ok ? ok({ ...result.value, ephemeral: true }) : result;
  },
};
