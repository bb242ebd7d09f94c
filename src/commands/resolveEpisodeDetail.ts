import { z } from 'zod';
import type { EpisodeDetail } from '../data/catalog.js';
import { err, ok, type Result } from '../data/model.js';
import { clip } from '../data/text/clip.js';
import { escapeMarkdown } from '../messages/markdown.js';
import { problemText } from '../messages/problemText.js';
import type { Strings } from '../messages/strings.js';
import { parseOptions, type Deps, type Invocation, type OptionValues, type SlashCommand } from './command.js';

const Args = z.object({ episode: z.string().optional(), podcast: z.string().optional() });

/**
 * The episode `episode:`/`podcast:` options name, with its details read from the store (what /chapters and /episode
 * both show), or the reply that says why not, in the asker's language.
 */
export async function resolveEpisodeDetail(
  options: OptionValues,
  invocation: Invocation,
  { catalog, episodes }: Pick<Deps, 'catalog' | 'episodes'>,
  data: SlashCommand['data'],
  s: Strings,
): Promise<Result<EpisodeDetail>> {
  const args = parseOptions(Args, options, invocation, data);
  if (!args.ok) return args;
  const ref = catalog.resolveEpisode(args.value.episode, args.value.podcast, invocation.scope);
  if (!ref.ok) return err(problemText(ref.error, s));
  const [detail] = await episodes.details([ref.value]);
  return detail ? ok(detail) : err(s.episodeGone(escapeMarkdown(clip(ref.value.episode.title, 200))));
}
