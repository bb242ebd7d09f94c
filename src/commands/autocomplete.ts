import type { SlashCommand } from './command.js';

/** The `episode` and `podcast` options answer from memory: Discord allows 3 s and no deferral. */
export const autocompleteEpisodeOrPodcast: NonNullable<SlashCommand['autocomplete']> = (focused, options, invocation, { catalog }) => {
  if (focused.name === 'podcast') return catalog.autocompletePodcasts(focused.value, invocation.scope);
  const podcast = typeof options['podcast'] === 'string' ? options['podcast'] : undefined;
  return catalog.autocompleteEpisodes(focused.value, podcast, invocation.scope);
};
