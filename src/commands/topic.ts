import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { z } from 'zod';
import { err, ok } from '../data/model.js';
import type { SearchHit, SearchOptions, TopicSearch } from '../data/search/TopicSearch.js';
import { clip, cutToFit } from '../data/text/clip.js';
import { pagerRow } from '../messages/embeds.js';
import { escapeMarkdown } from '../messages/markdown.js';
import { problemText } from '../messages/problemText.js';
import { stringsFor } from '../messages/strings.js';
import { topicEmbed } from '../messages/topicMessage.js';
import { autocompleteEpisodeOrPodcast } from './autocomplete.js';
import { parseOptions, type ButtonHandler, type CommandResult, type Deps, type Invocation, type SlashCommand } from './command.js';
import { podcastOption } from './options.js';

/** The query rides in the "more results" buttons' custom ids (100 characters in all). */
const QUERY_MAX = 70;
const PER_PAGE = 5;
const MAX_RESULTS = 25;
/** So one episode cannot fill the page. */
const PER_EPISODE = 2;

export const topicData = {
  type: ApplicationCommandType.ChatInput,
  name: 'topic',
  name_localizations: { 'sv-SE': 'ämne' },
  description: 'Find the moment a topic is discussed, across every episode',
  description_localizations: { 'sv-SE': 'Hitta ögonblicket då ett ämne diskuteras, i alla avsnitt' },
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'query',
      name_localizations: { 'sv-SE': 'sökord' },
      description: 'Words about the topic, e.g. "tesla crash"',
      description_localizations: { 'sv-SE': 'Ord om ämnet, t.ex. "tesla krasch"' },
      required: true,
      autocomplete: true,
      min_length: 2,
      max_length: QUERY_MAX,
    },
    podcastOption,
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const Args = z.object({ query: z.string().trim().min(2).max(QUERY_MAX), podcast: z.string().optional() });

async function topicPage(query: string, podcastKey: string | undefined, index: number, invocation: Invocation, deps: Deps): Promise<CommandResult> {
  const s = stringsFor(invocation.locale);
  const podcast = deps.catalog.resolvePodcastOption(podcastKey, invocation.scope);
  if (!podcast.ok) return err(problemText(podcast.error, s));
  const page = Math.min(Math.max(0, index), MAX_RESULTS / PER_PAGE - 1);
  const search = { search: (q: string, options?: SearchOptions) => deps.search.search(q, invocation.scope, options) };
  // One page more than shown, to know whether "next" leads anywhere; deeper pages cost more, so fetch as needed.
  const hits = topicMoments(search, query, { now: deps.now().getTime(), upTo: (page + 2) * PER_PAGE, ...(podcast.value !== undefined && { podcastIds: [podcast.value] }) });
  if (hits.length === 0) {
    const suggestions = deps.search.suggest(query, invocation.scope);
    const hint = suggestions.length > 0 ? ` ${s.didYouMean(suggestions.map((w) => `**${escapeMarkdown(w)}**`).join(', '))}` : '';
    return err(`${s.topicNothing(escapeMarkdown(query))}${hint}`);
  }
  const shown = Math.min(page, Math.ceil(hits.length / PER_PAGE) - 1);
  const pageHits = hits.slice(shown * PER_PAGE, shown * PER_PAGE + PER_PAGE);
  const hasNext = hits.length > (shown + 1) * PER_PAGE && shown + 1 < MAX_RESULTS / PER_PAGE;
  const key = podcast.value === undefined ? '-' : deps.catalog.podcastKey(podcast.value);
  // The page's episodes with their chapters and links, read at once (hits are already in the asker's scope).
  const refs = pageHits.map((h) => deps.catalog.find(h.passage.podcastId, h.passage.episodeId)).filter((r) => r !== undefined);
  const details = new Map((await deps.episodes.details(refs)).map((d) => [`${d.podcast.id}\n${d.episode.id}`, d]));
  return ok({
    embeds: [topicEmbed(query, pageHits, (podcastId, episodeId) => details.get(`${podcastId}\n${episodeId}`), s, { index: shown, hasNext })],
    components: shown > 0 || hasNext ? [pagerRow((p) => `topic:${p}:${key}:${query}`, shown, { hasNext }, s)] : [],
  });
}

/**
 * The moments /topic lists for a query, best first (`upTo`, at most 25): what its pages show, and what the relevance
 * set measures. A few extra hits are asked for, since a chapter title and its notes line collapse into one moment.
 */
export function topicMoments(
  search: Pick<TopicSearch, 'search'>,
  query: string,
  { upTo = MAX_RESULTS, ...options }: { now: number; podcastIds?: readonly string[]; upTo?: number },
): SearchHit[] {
  const wanted = Math.min(upTo, MAX_RESULTS);
  return distinctMoments(search.search(query, { limit: wanted + PER_PAGE, maxPerEpisode: PER_EPISODE + 1, ...options })).slice(0, wanted);
}

/** A chapter title and the notes line that lists it point at the same moment: show that moment once, at its best. */
function distinctMoments(hits: readonly SearchHit[]): SearchHit[] {
  const kept: SearchHit[] = [];
  for (const hit of hits) {
    const sameEpisode = kept.filter((k) => k.passage.podcastId === hit.passage.podcastId && k.passage.episodeId === hit.passage.episodeId);
    if (sameEpisode.length >= PER_EPISODE) continue;
    if (sameEpisode.some((k) => Math.abs(k.passage.startSeconds - hit.passage.startSeconds) < 30)) continue;
    kept.push(hit);
  }
  return kept;
}

export const topic: SlashCommand = {
  needs: 'topics',
  data: topicData,
  run(options, invocation, deps) {
    const args = parseOptions(Args, options, invocation, topicData);
    if (!args.ok) return args;
    return topicPage(args.value.query, args.value.podcast, 0, invocation, deps);
  },
  autocomplete(focused, options, invocation, deps) {
    if (focused.name !== 'query') return autocompleteEpisodeOrPodcast(focused, options, invocation, deps);
    return deps.search.complete(focused.value, 25, invocation.scope).map((q) => ({ name: clip(q, 100), value: cutToFit(q, QUERY_MAX) }));
  },
};

/** `topic:<page>:<podcastKey|->:<query>`: more results, turned in place. */
export const topicPager: ButtonHandler = {
  needs: 'topics',
  prefix: 'topic',
  responds: 'update',
  run([page = '0', podcastKey = '-', ...rest], invocation, deps) {
    const query = rest.join(':');
    if (query === '') return err(stringsFor(invocation.locale).buttonExpired);
    return topicPage(query, podcastKey === '-' ? undefined : podcastKey, Number.parseInt(page, 10) || 0, invocation, deps);
  },
};
