import type { Chapter, Person, Soundbite, Transcript } from '../model.js';
import { decodeEntities } from '../text/decodeEntities.js';

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
 * An HTML field as collected: its text runs, the XML-escaped ones still escaped until `htmlFieldText` first reads it.
 * Most hosts send the same notes twice per item (description and content:encoded, often `&lt;p&gt;`-escaped),
 * and only one of them is ever read. A plain object, not a class: V8 keeps an object literal's hidden class for
 * good, while a class instance's dies with the last instance at a GC and takes the optimized code with it.
 */
export interface HtmlField {
  /** The runs; `undefined` once read. */
  parts: string[] | undefined;
  /** Indexes of the parts that are XML text (entities not decoded yet) rather than CDATA or markup. */
  escaped: readonly number[];
  max: number;
  text: string;
}

export function htmlField(parts: string[], escaped: readonly number[], max: number): HtmlField {
  return { parts, escaped, max, text: '' };
}

/** The HTML string, XML-level escapes undone, at most `max` characters. */
export function htmlFieldText(field: HtmlField): string {
  const parts = field.parts;
  if (parts === undefined) return field.text;
  for (const index of field.escaped) parts[index] = decodeEntities(parts[index] ?? '');
  // A lone part may be a slice of a 64 KB chunk of the feed; it is read only by htmlToText, whose text never shares
  // characters with its input, so nothing kept holds the chunk.
  const text = parts.join('');
  field.text = text.length > field.max ? text.slice(0, field.max) : text;
  field.parts = undefined;
  return field.text;
}

/**
 * What one tag contributes. `open` reads attributes; `text` collects the element's text (CDATA included)
 * and hands it to `set`: `plain` text arrives decoded and whitespace-collapsed, `html` arrives as the HTML
 * it is (XML-level escapes undone when read) to be turned into text once, when the item is complete.
 */
export interface TagHandler<Draft> {
  spec: TagSpec;
  open?: (draft: Draft, attributes: Attributes) => void;
  text?:
    | {
        kind: 'plain';
        /** Characters kept; the rest of an oversized field is dropped so a hostile feed cannot balloon memory. */
        max: number;
        set: (draft: Draft, text: string) => void;
      }
    | { kind: 'html'; max: number; set: (draft: Draft, html: HtmlField) => void };
}

/** Channel fields as read, before they become a Podcast. (`| undefined` so handlers can write `a ??= attr(...)`.) */
export interface ChannelDraft {
  title?: string | undefined;
  link?: string | undefined;
  selfUrl?: string | undefined;
  description?: HtmlField | undefined;
  summary?: HtmlField | undefined;
  subtitle?: string | undefined;
  itunesImage?: string | undefined;
  rssImageUrl?: string | undefined;
  author?: string | undefined;
  ownerName?: string | undefined;
  language?: string | undefined;
  categories: string[];
  /** `<podcast:person>`s, and the one whose name (its text) is being read. */
  persons?: Person[] | undefined;
  openPerson?: Person | undefined;
  /** `<podcast:liveItem>`s as read (liveItemTags.ts); undefined until the first. */
  liveItems?: LiveItemDraft[] | undefined;
}

/** A `<podcast:liveItem>` as read, before it becomes a LiveItem. */
export interface LiveItemDraft {
  status?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
  title?: string | undefined;
  guid?: string | undefined;
  link?: string | undefined;
  enclosure?: string | undefined;
  contentLink?: string | undefined;
}

/**
 * Item fields as read, before they become an Episode. Made by newItemDraft with every field present, so all drafts
 * share one hidden class that lives as long as the code does (see newItemDraft).
 */
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
  description?: HtmlField | undefined;
  contentEncoded?: HtmlField | undefined;
  summary?: HtmlField | undefined;
  enclosure?: { url: string; type?: string; length?: string } | undefined;
  mediaAudio?: { url: string; type?: string; length?: string } | undefined;
  image?: string | undefined;
  chaptersUrl?: string | undefined;
  transcripts: Transcript[];
  psc: Chapter[];
  /** `<podcast:person>`s, and the one whose name (its text) is being read. */
  persons: Person[];
  openPerson: Person | undefined;
  /** `<podcast:soundbite>`s, and the one whose title (its text) is being read. */
  soundbites: Soundbite[];
  openSoundbite: Soundbite | undefined;
}

/**
 * An empty item draft. Every field is written here, in one literal: drafts whose fields were added in the order the
 * feed happens to list its tags got a hidden class per order, which V8 drops once no draft is left (after each feed),
 * and the tag handlers' optimized code with it.
 */
export function newItemDraft(): ItemDraft {
  return {
    title: undefined,
    itunesTitle: undefined,
    guid: undefined,
    link: undefined,
    pubDate: undefined,
    duration: undefined,
    mediaDuration: undefined,
    season: undefined,
    episode: undefined,
    description: undefined,
    contentEncoded: undefined,
    summary: undefined,
    enclosure: undefined,
    mediaAudio: undefined,
    image: undefined,
    chaptersUrl: undefined,
    transcripts: [],
    psc: [],
    persons: [],
    openPerson: undefined,
    soundbites: [],
    openSoundbite: undefined,
  };
}
