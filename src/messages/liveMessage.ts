import {
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  type RESTPostAPIGuildScheduledEventJSONBody,
} from 'discord-api-types/v10';
import { httpHref } from '../data/links.js';
import type { LiveItem, Podcast } from '../data/model.js';
import { clip } from '../data/text/clip.js';
import type { AnnouncementBody } from './announcementMessage.js';
import { embedUrl, LIMITS } from './embeds.js';
import { escapeMarkdown } from './markdown.js';
import type { Strings } from './strings.js';

/** What a live show (podcast:liveItem) becomes in a server: a scheduled event, and a "live now" post. Pure. */

/** Discord's limits on a scheduled event: name and location 100 characters, description 1000. */
const EVENT_NAME_MAX = 100;
const EVENT_LOCATION_MAX = 100;
const EVENT_DESCRIPTION_MAX = 1000;
/** An external event must end: a live item that does not say when is given this long. */
export const DEFAULT_LIVE_LENGTH_MS = 60 * 60_000;
const LIVE_COLOUR = 0xe11d48;

/** Where to listen or watch: the page the host links (contentLink), else the stream, else the item's or the show's page. */
export function liveLinks(podcast: Podcast, item: LiveItem): string[] {
  return [item.contentLink, item.streamUrl, item.link, podcast.link].flatMap((raw) => {
    const href = httpHref(raw);
    return href === undefined ? [] : [href];
  });
}

export function liveTitle(podcast: Podcast, item: LiveItem): string {
  return item.title.replace(/\s+/g, ' ').trim() || podcast.title;
}

/** The event's name, as the bot made it: how an event made by an earlier attempt is recognised. */
export function liveEventName(podcast: Podcast, item: LiveItem): string {
  return clip(liveTitle(podcast, item), EVENT_NAME_MAX);
}

/**
 * The guild scheduled event for a pending live item: external, at the stream's link (the first that fits the 100
 * characters of a location; a longer one would be cut into a wrong address, so it goes in the description, or the
 * show's title stands in), from its start to its end (or an hour on: Discord requires an end for an external event).
 */
export function liveEventBody(podcast: Podcast, item: LiveItem, s: Strings): RESTPostAPIGuildScheduledEventJSONBody {
  const links = liveLinks(podcast, item);
  const location = links.find((link) => link.length <= EVENT_LOCATION_MAX) ?? clip(podcast.title, EVENT_LOCATION_MAX);
  const start = Date.parse(item.start);
  const end = item.end === undefined ? Number.NaN : Date.parse(item.end);
  const until = Number.isFinite(end) && end > start ? end : start + DEFAULT_LIVE_LENGTH_MS;
  const link = links.find((l) => l.length <= EVENT_DESCRIPTION_MAX - 200);
  return {
    name: liveEventName(podcast, item),
    privacy_level: GuildScheduledEventPrivacyLevel.GuildOnly,
    entity_type: GuildScheduledEventEntityType.External,
    entity_metadata: { location },
    scheduled_start_time: new Date(start).toISOString(),
    scheduled_end_time: new Date(until).toISOString(),
    description: clip(s.liveEventAbout(clip(podcast.title, 200), link), EVENT_DESCRIPTION_MAX),
  };
}

/** "Live now": the show's title linked to where to listen, mentioning only the configured role. */
export function liveNowMessage(podcast: Podcast, item: LiveItem, s: Strings, roleId?: string): AnnouncementBody {
  const url = liveLinks(podcast, item)
    .map((link) => embedUrl(link))
    .find((link) => link !== undefined);
  const home = embedUrl(podcast.link);
  const artwork = embedUrl(podcast.image);
  return {
    ...(roleId !== undefined && { content: `<@&${roleId}>` }),
    embeds: [
      {
        title: clip(liveTitle(podcast, item), LIMITS.title),
        ...(url && { url }),
        author: { name: clip(podcast.title, LIMITS.author), ...(home && { url: home }) },
        description: s.liveNowDescription(escapeMarkdown(clip(podcast.title, 200))),
        ...(artwork && { thumbnail: { url: artwork } }),
        color: LIVE_COLOUR,
        footer: { text: s.liveNow },
      },
    ],
    allowed_mentions: roleId !== undefined ? { parse: [], roles: [roleId] } : { parse: [] },
  };
}

/** A forum post's name for "live now" (at most 100 characters). */
export function liveNowPostName(podcast: Podcast, item: LiveItem): string {
  return clip(`🔴 ${liveTitle(podcast, item)}`, 100);
}
