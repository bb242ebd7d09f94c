import type { Chapter, Transcript } from '../model.js';

/** The specification a tag comes from, so each handler says where its meaning is defined. */
export type TagSpec =
  | 'RSS 2.0'
  | 'RSS 1.0'
  | 'iTunes'
  | 'Podcasting 2.0'
  | 'Podlove Simple Chapters'
  | 'RSS content module'
  | 'Atom'
  | 'Media RSS'
  | 'Dublin Core';

/** Attribute values as written in the feed: entities not decoded yet (see attr()). */
export type Attributes = Record<string, string>;

/**
 * What one tag contributes. `open` reads attributes; `text` collects the element's text (CDATA included)
 * and hands it to `set`: `plain` text arrives decoded and whitespace-collapsed, `html` arrives as the HTML
 * string it is (XML-level escapes undone) to be turned into text once, when the item is complete.
 */
export interface TagHandler<Draft> {
  spec: TagSpec;
  open?: (draft: Draft, attributes: Attributes) => void;
  text?: {
    kind: 'plain' | 'html';
    /** Characters kept; the rest of an oversized field is dropped so a hostile feed cannot balloon memory. */
    max: number;
    set: (draft: Draft, text: string) => void;
  };
}

/** Channel fields as read, before they become a Podcast. (`| undefined` so handlers can write `a ??= attr(...)`.) */
export interface ChannelDraft {
  title?: string | undefined;
  link?: string | undefined;
  selfUrl?: string | undefined;
  description?: string | undefined;
  summary?: string | undefined;
  subtitle?: string | undefined;
  itunesImage?: string | undefined;
  rssImageUrl?: string | undefined;
  author?: string | undefined;
  ownerName?: string | undefined;
  language?: string | undefined;
  categories: string[];
}

/** Item fields as read, before they become an Episode. */
export interface ItemDraft {
  title?: string | undefined;
  itunesTitle?: string | undefined;
  guid?: string | undefined;
  link?: string | undefined;
  pubDate?: string | undefined;
  duration?: string | undefined;
  mediaDuration?: string | undefined;
  season?: string | undefined;
  episode?: string | undefined;
  description?: string | undefined;
  contentEncoded?: string | undefined;
  summary?: string | undefined;
  enclosure?: { url: string; type?: string; length?: string };
  mediaAudio?: { url: string; type?: string; length?: string };
  image?: string | undefined;
  chaptersUrl?: string | undefined;
  transcripts: Transcript[];
  psc: Chapter[];
}
