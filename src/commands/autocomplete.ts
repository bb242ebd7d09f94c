import type { Choice } from '../data/catalog.js';
import type { SlashCommand } from './command.js';

const MAX_CHOICES = 25;

/**
 * The `episode` and `podcast` options answer from memory: Discord allows 3 s and no deferral. Episodes match by
 * number and title words first; when those leave room, episodes whose guests or hosts (podcast:person) match the typed
 * name follow, from the topic index ("Raffi" finds the episodes with Raffi Krikorian).
 */
export const autocompleteEpisodeOrPodcast: NonNullable<SlashCommand['autocomplete']> = (focused, options, invocation, { catalog, search }) => {
  if (focused.name === 'podcast') return catalog.autocompletePodcasts(focused.value, invocation.scope);
  const podcastQuery = typeof options['podcast'] === 'string' ? options['podcast'] : undefined;
  const byTitle = catalog.autocompleteEpisodes(focused.value, podcastQuery, invocation.scope);
  if (byTitle.length >= MAX_CHOICES || focused.value.trim().length < 2) return byTitle;
  const podcast = catalog.resolvePodcastOption(podcastQuery, invocation.scope);
  const podcastId = podcast.ok ? podcast.value : undefined;
  if (podcastQuery !== undefined && podcastQuery !== '' && podcastId === undefined) return byTitle;
  const choices: Choice[] = [...byTitle];
  const seen = new Set(byTitle.map((c) => c.value));
  // Several passages of one episode may outrank its person passage (its title, its notes); a few per episode are read.
  const hits = search.search(focused.value, invocation.scope, { limit: 2 * MAX_CHOICES, maxPerEpisode: 3, ...(podcastId !== undefined && { podcastIds: [podcastId] }) });
  for (const hit of hits) {
    if (choices.length >= MAX_CHOICES) break;
    if (hit.passage.field !== 'person') continue;
    const ref = catalog.find(hit.passage.podcastId, hit.passage.episodeId);
    if (ref === undefined || seen.has(ref.key)) continue;
    seen.add(ref.key);
    choices.push(catalog.episodeChoice(ref, invocation.scope, podcastId));
  }
  return choices;
};
