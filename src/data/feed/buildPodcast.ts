import { err, ok, type Podcast, type Result } from '../model.js';
import { htmlToText } from '../text/htmlToText.js';
import { namedPersons } from './personTag.js';
import { buildLiveItem } from './liveItemTags.js';
import { htmlFieldText, type ChannelDraft } from './TagHandler.js';

/** A Podcast from the channel's draft; `feedUrl` (the URL it was fetched from) outranks the feed's own claims. */
export function buildPodcast(draft: ChannelDraft, feedUrl?: string): Result<Podcast> {
  const ownUrl = feedUrl ?? draft.selfUrl;
  const id = ownUrl ?? draft.link ?? draft.title;
  if (id === undefined) return err('The feed has no title, link or URL to identify the podcast by');
  const podcast = { id } as Podcast;
  if (ownUrl !== undefined) podcast.feedUrl = ownUrl;
  podcast.title = draft.title ?? draft.link ?? ownUrl ?? '';
  if (draft.link !== undefined) podcast.link = draft.link;
  const description = htmlToText([draft.description && htmlFieldText(draft.description), draft.summary && htmlFieldText(draft.summary), draft.subtitle].find((v) => v !== undefined && v.trim() !== '') ?? '', 20_000);
  if (description !== '') podcast.description = description;
  const image = draft.itunesImage ?? draft.rssImageUrl;
  if (image !== undefined) podcast.image = image;
  const author = draft.author ?? draft.ownerName;
  if (author !== undefined) podcast.author = author;
  if (draft.language !== undefined) podcast.language = draft.language;
  podcast.categories = draft.categories;
  const persons = namedPersons(draft.persons);
  if (persons !== undefined) podcast.persons = persons;
  // A live item without a known status or a start cannot be scheduled or announced: left out.
  const live = (draft.liveItems ?? []).map(buildLiveItem).flatMap((item) => (item.ok ? [item.value] : []));
  if (live.length > 0) podcast.liveItems = live;
  return ok(podcast);
}
