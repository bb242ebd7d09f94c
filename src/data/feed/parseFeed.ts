import { err, ok, type Episode, type ParsedFeed, type Person, type Result } from '../model.js';
import { describeFeedIssue, type FeedParseIssue } from '../problems.js';
import { decodeEntities } from '../text/decodeEntities.js';
import { detach } from '../text/detach.js';
import { buildEpisode } from './buildEpisode.js';
import { buildPodcast } from './buildPodcast.js';
import { CHANNEL_TAGS } from './channelTags.js';
import { createTagKeyer, type TagKeyer } from './createTagKeyer.js';
import { detectCharset } from './detectCharset.js';
import { ITEM_TAGS } from './itemTags.js';
import { htmlField, newItemDraft, type Attributes, type HtmlField, type ChannelDraft, type ItemDraft, type TagHandler } from './TagHandler.js';
import { XmlScanner, type XmlEvents } from './XmlScanner.js';

export interface ParseFeedOptions {
  /** The HTTP Content-Type, for its charset (used only when there is no BOM and no XML declaration). */
  contentType?: string;
  /** The URL the feed was fetched from, after redirects: it becomes the podcast's id and feedUrl. */
  feedUrl?: string;
}

/** Bigger than any real podcast feed we know (the largest seen is ~5 MB); hostile input stops here. */
export const MAX_FEED_BYTES = 64 * 1024 * 1024;
const MAX_EPISODES = 20_000;
// Bytes decoded and fed to the tokenizer at a time: the whole feed never exists as one string. 64 KB, not more:
// Node 20's streaming TextDecoder takes ~7x longer per byte on 256 KB chunks (180 ms vs 25 ms for a 20 MB feed).
const CHUNK_BYTES = 64 * 1024;

// C0 controls (but tab/CR/LF) and DEL are not XML characters; hosts leak them (0x1A) into titles.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
// Whitespace runs that are not one space already; replacing every run gives the same text, match by match.
const ODD_WHITESPACE = /[^\S ]\s*| \s+/g;

/**
 * Anything the three steps above would change: `&`, a control character, or whitespace other than lone spaces. Every
 * whitespace character but the space is in the class, so past it only two spaces remain to look for (`includes`): one
 * pattern with ` \s` as an alternative, tried at every character, took about twice as long. (A loop over the characters
 * took longer than both calls, even on short fields.)
 */
const NEEDS_CLEANING = /[&\u0000-\u001F\u007F\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]/;
/** The same without `&`: what is left to clean once decoded. */
const NEEDS_CLEANING_DECODED = /[\u0000-\u001F\u007F\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]/;

type TextSpec = NonNullable<TagHandler<never>['text']>;

/** A tag name as written: its key, and its handlers as a child of an item and of the channel. */
interface TagInfo {
  key: string;
  item: TagHandler<ItemDraft> | undefined;
  channel: TagHandler<ChannelDraft> | undefined;
}

/**
 * The field being collected (one at a time: elements inside a captured one are its content, never fields), raw
 * XML text waiting in `pending` until a CDATA section or the end. One object serves every field of the feed: a
 * feed has hundreds of thousands of them.
 */
interface Capture {
  depth: number;
  spec: TextSpec;
  draft: ChannelDraft | ItemDraft;
  size: number;
  parts: string[];
  /** For HTML fields: which parts are XML text still to be decoded (see htmlFieldText). */
  escaped: number[];
  pending: string;
}

/**
 * SAX-style reader for XmlScanner. It tracks only where it is (root, channel, item, and the canonical key of each
 * open element) and hands each element to the handler its key names in CHANNEL_TAGS / ITEM_TAGS. Nothing recurses,
 * so nesting depth costs an array entry, not a stack frame.
 */
class FeedReader implements XmlEvents {
  readonly keys: string[] = [];
  readonly keyer: TagKeyer = createTagKeyer();
  /**
   * tagInfo's, per name as written: one lookup per open tag instead of the key's and then the handler's. Forgotten with
   * the keys (a namespace declaration may change them).
   */
  private readonly tags = new Map<string, TagInfo>();
  rootDepth = -1;
  channelDepth = -1;
  itemDepth = -1;
  sawRoot = false;
  sawChannel = false;
  channelClosed = false;
  rootClosed = false;
  done = false;
  firstElement: string | undefined;
  sawText = '';
  inCdata = false;
  capture: Capture | undefined;
  private readonly slot: Capture;
  channel: ChannelDraft = { categories: [] };
  item: ItemDraft | undefined;
  episodes: Episode[] = [];
  /** Ids seen so far, and whether the episodes so far are newest first already: then newestFirst() has nothing to do. */
  ids = new Set<string>();
  repeatedId = false;
  inOrder = true;
  skippedItems = 0;
  private lastName = '';
  private lastKey = '';
  /** The handler wantsAttributes found for lastName, which onopentag then needs. */
  private lastItemHandler: TagHandler<ItemDraft> | undefined;
  private lastChannelHandler: TagHandler<ChannelDraft> | undefined;

  constructor() {
    this.slot = { depth: -1, spec: { kind: 'plain', max: 0, set: () => {} }, draft: this.channel, size: 0, parts: [], escaped: [], pending: '' };
  }

  /** Ready for a new document; nothing of the last one stays reachable from here. */
  reset(): void {
    this.keys.length = 0;
    this.keyer.reset();
    this.tags.clear();
    this.rootDepth = -1;
    this.channelDepth = -1;
    this.itemDepth = -1;
    this.sawRoot = false;
    this.sawChannel = false;
    this.channelClosed = false;
    this.rootClosed = false;
    this.done = false;
    this.firstElement = undefined;
    this.sawText = '';
    this.inCdata = false;
    this.capture = undefined;
    this.channel = { categories: [] };
    this.item = undefined;
    this.episodes = [];
    this.ids = new Set();
    this.repeatedId = false;
    this.inOrder = true;
    this.skippedItems = 0;
    this.lastName = '';
    this.lastKey = '';
    this.lastItemHandler = undefined;
    this.lastChannelHandler = undefined;
    const slot = this.slot;
    slot.draft = this.channel;
    slot.parts = [];
    slot.escaped = [];
    slot.pending = '';
  }

  /** Whether onopentag, called next with the same state, would read this tag's attributes (see there). */
  wantsAttributes(name: string): boolean {
    if (this.done || this.capture !== undefined) {
      this.lastName = '';
      return false;
    }
    const depth = this.keys.length;
    const info = this.tagInfo(name);
    const key = info.key;
    // onopentag comes next for this very name, with the keyer unchanged: it reuses the key.
    this.lastName = name;
    this.lastKey = key;
    this.lastItemHandler = undefined;
    this.lastChannelHandler = undefined;
    if (this.itemDepth >= 0) {
      const handler = this.itemHandler(depth, info);
      this.lastItemHandler = handler;
      return handler?.open !== undefined && this.item !== undefined;
    }
    if (this.channelDepth >= 0) {
      if (depth - this.channelDepth === 1 && key === 'item') return false;
      const handler = this.channelHandler(depth, info);
      this.lastChannelHandler = handler;
      return handler?.open !== undefined;
    }
    if (this.rootDepth >= 0) return depth === this.rootDepth + 1 && key === 'channel' && !this.sawChannel;
    return key === 'rss' || key === 'rdf:rdf';
  }

  /** The handler for an element at `depth` (before it is pushed) inside the item: a child, or a grandchild. */
  private itemHandler(depth: number, info: TagInfo): TagHandler<ItemDraft> | undefined {
    const rel = depth - this.itemDepth;
    return rel === 1 ? info.item : rel === 2 ? ITEM_TAGS_BY_PARENT.get(this.keys[depth - 1] ?? '')?.get(info.key) : undefined;
  }

  private channelHandler(depth: number, info: TagInfo): TagHandler<ChannelDraft> | undefined {
    const rel = depth - this.channelDepth;
    return rel === 1 ? info.channel : rel === 2 ? CHANNEL_TAGS_BY_PARENT.get(this.keys[depth - 1] ?? '')?.get(info.key) : undefined;
  }

  private tagInfo(name: string): TagInfo {
    let info = this.tags.get(name);
    if (info === undefined) {
      const key = this.keyer.key(name);
      info = { key, item: ITEM_TAGS.get(key), channel: CHANNEL_TAGS.get(key) };
      this.tags.set(name, info);
    }
    return info;
  }

  /** keyer.declare, forgetting the keys found so far. */
  private declare(attributes: Attributes): void {
    this.keyer.declare(attributes);
    this.tags.clear();
  }

  /** Whether ontext would keep any of a text run now. */
  wantsText(): boolean {
    const capture = this.capture;
    if (capture === undefined) return this.rootDepth < 0 && this.sawText.length < 64;
    return capture.size < capture.spec.max;
  }

  onopentag(name: string, attributes: Attributes): void {
    const depth = this.keys.length;
    const known = name === this.lastName;
    const key = known ? this.lastKey : this.tagInfo(name).key;
    this.keys.push(key);
    if (this.done) return;
    const capture = this.capture;
    if (capture !== undefined) {
      // Unescaped XHTML inside a description: keep the tags so the HTML-to-text step sees paragraphs.
      if (capture.spec.kind === 'html') this.append(capture, `<${name}>`);
      return;
    }
    if (this.itemDepth >= 0) {
      const handler = known ? this.lastItemHandler : this.itemHandler(depth, this.tagInfo(name));
      if (handler !== undefined && this.item !== undefined) this.dispatch(handler, this.item, attributes, depth);
      return;
    }
    if (this.channelDepth >= 0) {
      if (depth - this.channelDepth === 1 && key === 'item') return this.startItem(depth);
      const handler = known ? this.lastChannelHandler : this.channelHandler(depth, this.tagInfo(name));
      if (handler !== undefined) this.dispatch(handler, this.channel, attributes, depth);
      return;
    }
    if (this.rootDepth >= 0) {
      if (depth !== this.rootDepth + 1) return;
      if (key === 'channel' && !this.sawChannel) {
        this.declare(attributes);
        this.channelDepth = depth;
        this.sawChannel = true;
      } else if (key === 'item' && this.sawChannel) {
        // RSS 1.0 (RDF) puts items next to the channel, not in it.
        this.startItem(depth);
      }
      return;
    }
    // Before the root: PHP warnings and other junk may come first; the first <rss> or <rdf:RDF> is the feed.
    this.firstElement ??= key;
    if (key === 'rss' || key === 'rdf:rdf') {
      this.declare(attributes);
      this.rootDepth = depth;
      this.sawRoot = true;
    }
  }

  onclosetag(_name: string, isImplied: boolean): void {
    const depth = this.keys.length - 1;
    this.keys.pop();
    if (this.done) return;
    const capture = this.capture;
    if (capture !== undefined) {
      if (depth === capture.depth) this.finishCapture(capture);
      else if (capture.spec.kind === 'html') this.append(capture, `</${_name}>`);
      return;
    }
    if (depth === this.itemDepth) this.finishItem(isImplied);
    else if (depth === this.channelDepth) {
      this.channelDepth = -1;
      this.channelClosed = !isImplied;
    } else if (depth === this.rootDepth) {
      this.rootDepth = -1;
      this.rootClosed = !isImplied;
      // Whatever follows the root (`[]`, a second document, HTML) is not ours to read.
      this.done = true;
    }
  }

  ontext(text: string): void {
    const capture = this.capture;
    if (capture === undefined) {
      // Remember a little text seen outside any element, to say what a non-feed was.
      if (this.rootDepth < 0 && this.sawText.length < 64) this.sawText += text.trimStart().slice(0, 64);
      return;
    }
    if (capture.size >= capture.spec.max) return;
    capture.size += text.length;
    if (this.inCdata) capture.parts.push(text);
    else capture.pending += text;
  }

  oncdatastart(): void {
    this.inCdata = true;
    if (this.capture !== undefined) this.flushPending(this.capture);
  }

  oncdataend(): void {
    this.inCdata = false;
  }

  private append(capture: Capture, markup: string): void {
    this.flushPending(capture);
    capture.parts.push(markup);
  }

  /** XML-level escapes are undone per run of non-CDATA text, never inside CDATA (for HTML fields, when read). */
  private flushPending(capture: Capture): void {
    if (capture.pending === '') return;
    if (capture.spec.kind === 'html') {
      capture.escaped.push(capture.parts.length);
      capture.parts.push(capture.pending);
    } else {
      capture.parts.push(decodeEntities(capture.pending));
    }
    capture.pending = '';
  }

  private dispatch<D extends ChannelDraft | ItemDraft>(handler: TagHandler<D>, draft: D, attributes: Attributes, depth: number): void {
    handler.open?.(draft, attributes);
    const spec = handler.text;
    if (spec === undefined) return;
    const capture = this.slot;
    capture.depth = depth;
    capture.spec = spec as TextSpec;
    capture.draft = draft;
    capture.size = 0;
    capture.pending = '';
    this.capture = capture;
  }

  private finishCapture(capture: Capture): void {
    this.capture = undefined;
    const { parts, spec } = capture;
    if (spec.kind === 'html') {
      this.flushPending(capture);
      // The field keeps its parts; the slot starts new lists.
      const set = spec.set as (draft: ChannelDraft | ItemDraft, html: HtmlField) => void;
      set(capture.draft, htmlField(parts, capture.escaped, spec.max));
      capture.parts = [];
      capture.escaped = [];
      return;
    }
    let text: string;
    if (parts.length === 0) {
      // One run of XML text, no CDATA (nearly every plain field): decoded as flushPending would, without the list.
      text = decodeEntities(capture.pending);
      capture.pending = '';
    } else {
      this.flushPending(capture);
      text = parts.length === 1 ? (parts[0] ?? '') : parts.join('');
      parts.length = 0;
    }
    if (text.length > spec.max) text = text.slice(0, spec.max);
    // Plain fields are decoded once more: `&amp;amp;` and `&amp;#8217;` (double-escaped titles) are
    // common, and nobody means a literal "&amp;" in a title.
    // Most fields (ids, links, dates, numbers) have nothing to decode or clean: one scan tells, instead of three; and
    // a title with an `&` (`Q&amp;A`) is seldom left with anything to clean once decoded.
    if (NEEDS_CLEANING.test(text) || text.includes('  ')) {
      text = decodeEntities(text);
      if (NEEDS_CLEANING_DECODED.test(text) || text.includes('  ')) text = text.replace(CONTROL, '').replace(ODD_WHITESPACE, ' ');
    }
    text = text.trim();
    const set = spec.set as (draft: ChannelDraft | ItemDraft, text: string) => void;
    set(capture.draft, text === '' ? '' : detach(text));
  }

  private startItem(depth: number): void {
    this.itemDepth = depth;
    this.item = newItemDraft();
  }

  /** `cutShort`: the item was closed only because the document ended; the feed is an error then anyway. */
  private finishItem(cutShort: boolean): void {
    const draft = this.item;
    this.itemDepth = -1;
    this.item = undefined;
    if (draft === undefined || cutShort) return;
    if (this.episodes.length >= MAX_EPISODES) {
      this.skippedItems++;
      return;
    }
    const episode = buildEpisode(draft);
    if (!episode.ok) {
      this.skippedItems++;
      return;
    }
    // Checked now, while the episode is fresh in the cache; going over all of them again at the end cost more.
    const { id, publishedAt } = episode.value;
    const size = this.ids.size;
    if (this.ids.add(id).size === size) this.repeatedId = true;
    const previous = this.episodes[this.episodes.length - 1];
    if (previous !== undefined && publishedAt !== undefined && (previous.publishedAt === undefined || previous.publishedAt < publishedAt)) {
      this.inOrder = false;
    }
    this.episodes.push(episode.value);
  }
}

/**
 * A table's `parent/child` keys as parent -> child -> handler: a nested tag (a Podlove chapter, a subcategory) is then
 * looked up without building its key, a new string to hash, at every open.
 */
function byParent<T>(table: ReadonlyMap<string, T>): Map<string, Map<string, T>> {
  const out = new Map<string, Map<string, T>>();
  for (const [key, handler] of table) {
    const slash = key.indexOf('/');
    if (slash < 0) continue;
    const parent = key.slice(0, slash);
    const children = out.get(parent) ?? new Map<string, T>();
    children.set(key.slice(slash + 1), handler);
    out.set(parent, children);
  }
  return out;
}
const ITEM_TAGS_BY_PARENT = byParent(ITEM_TAGS);
const CHANNEL_TAGS_BY_PARENT = byParent(CHANNEL_TAGS);

/**
 * Items that share a guid but not their audio (hosts that reuse one guid for several episodes) are episodes of their
 * own: each of them gets the guid and its audio URL as its id, whatever their order in the feed, so the ids stay the
 * same from one fetch to the next. Repeats with the same audio, or without audio, keep the guid (and are dropped as
 * repeats by newestFirst).
 */
function splitSharedGuids(episodes: Episode[]): void {
  const audioById = new Map<string, Set<string>>();
  for (const { id, audioUrl } of episodes) {
    if (audioUrl === undefined) continue;
    let audio = audioById.get(id);
    if (audio === undefined) audioById.set(id, (audio = new Set()));
    audio.add(audioUrl);
  }
  for (const episode of episodes) {
    if (episode.audioUrl !== undefined && (audioById.get(episode.id)?.size ?? 0) > 1) episode.id = sharedGuidId(episode.id, episode.audioUrl);
  }
}

/** The id of an episode whose guid other items with other audio share. */
export function sharedGuidId(guid: string, audioUrl: string): string {
  return `${guid} ${audioUrl}`;
}

/**
 * Newest first, one episode per id. Feeds are usually newest first already; the sort is stable, so equal
 * and undated episodes keep feed order (undated ones go last). A repeated id keeps its first occurrence.
 */
function newestFirst(episodes: Episode[]): Episode[] {
  const seen = new Set<string>();
  const unique = episodes.filter((episode) => !seen.has(episode.id) && seen.add(episode.id) !== undefined);
  return unique.sort((a, b) => {
    if (a.publishedAt === b.publishedAt) return 0;
    if (a.publishedAt === undefined) return 1;
    if (b.publishedAt === undefined) return -1;
    return a.publishedAt < b.publishedAt ? 1 : -1;
  });
}

/** What a document that is not RSS is. */
function notRss(reader: FeedReader): FeedParseIssue {
  const first = reader.firstElement;
  const text = reader.sawText.trim();
  if (first === 'html' || first === '!doctype' || (first !== undefined && /^(head|body|div|p)$/.test(first))) return { kind: 'html' };
  if (first === 'feed') return { kind: 'atom' };
  if (first === undefined && /^[[{]/.test(text)) return { kind: 'json' };
  if (first === undefined && text === '') return { kind: 'empty' };
  if (first === undefined) return { kind: 'startsWith', text: text.slice(0, 30) };
  return { kind: 'root', element: first };
}

/*
 * One reader and one scanner serve every parse (parseFeed is synchronous, so never two at once). Per-parse instances
 * die at the next GC, and with them the hidden classes V8's optimized code was specialised for: every parse after
 * a GC then started cold ("weak objects" deopts), ~20-30% slower on the YLE feed.
 */
const reader = new FeedReader();
const parser = new XmlScanner(reader);

/** Runs the scanner over the bytes with one decoder into `reader`; false when a fatal decoder hits invalid bytes. */
function read(bytes: Uint8Array, label: string, fatal: boolean): boolean {
  const decoder = new TextDecoder(label, { fatal });
  reader.reset();
  parser.reset(reader);
  // In UTF-8 and windows-1252 a 0x3C byte is always `<`, so a chunk can end just before one (see below). Any cut reads
  // the same (the decoder streams, the scanner reports alike however its input is cut); this one is only cheaper.
  const cutAtTag = label === 'utf-8' || label === 'windows-1252';
  try {
    for (let offset = 0; offset < bytes.length; ) {
      let end = Math.min(offset + CHUNK_BYTES, bytes.length);
      // A chunk that ends before its last `<` never ends inside a tag. A tag cut in two sends the scanner down paths
      // it otherwise never takes (once a chunk, each time in some other state), and in a fresh process each first
      // time threw away the optimised code of its main loop, which V8 then compiled again (see README, cold parse).
      if (cutAtTag && end < bytes.length) {
        const lt = bytes.lastIndexOf(0x3c, end - 1);
        if (lt > offset) end = lt;
      }
      const text = decoder.decode(bytes.subarray(offset, end), { stream: true });
      if (text !== '') parser.write(text);
      offset = end;
    }
    const rest = decoder.decode();
    if (rest !== '') parser.write(rest);
  } catch (error) {
    // TextDecoder signals invalid bytes with a TypeError; anything else is a bug and must surface.
    if (fatal && error instanceof TypeError) return false;
    throw error;
  }
  parser.end();
  return true;
}

/**
 * Parses an RSS 2.0 podcast feed (iTunes, Podcasting 2.0, Podlove Simple Chapters, content module, Atom
 * self link; RSS 1.0 items too) from its bytes.
 *
 * - Charset: see detectCharset (BOM > XML declaration > Content-Type; UTF-8 vs Latin-1 told by the bytes).
 * - Tolerant of what hosts serve: junk before the prolog or after the root, bare `&`, control characters,
 *   undeclared prefixes, broken attributes. Not tolerant of a feed cut short: that is an error, since a
 *   partial episode list would look like episodes were deleted.
 * - No DTD processing at all: `<!DOCTYPE [<!ENTITY ...>]>` is skipped and `&name;` references to DTD
 *   entities stay literal text (`&lol9;`), so entity bombs and XXE do nothing. Character references, the
 *   five XML entities and HTML named entities are decoded.
 * - Episodes come newest first (stable sort by date; undated ones after dated, in feed order), one per id. Items
 *   that share a guid but not their audio are episodes of their own (see splitSharedGuids).
 */
export function parseFeed(bytes: Uint8Array, options: ParseFeedOptions = {}): Result<ParsedFeed> {
  const parsed = parseFeedDetailed(bytes, options);
  return parsed.ok ? parsed : err(describeFeedIssue(parsed.error));
}

/** As parseFeed, with why it is not a feed as data, so each reader's language can word it (/feed add, /feed list). */
export function parseFeedDetailed(bytes: Uint8Array, options: ParseFeedOptions = {}): Result<ParsedFeed, FeedParseIssue> {
  if (bytes.length > MAX_FEED_BYTES) return err({ kind: 'tooLarge', megabytes: bytes.length / 1048576, limitMegabytes: MAX_FEED_BYTES / 1048576 });
  try {
    return parseBytes(bytes, options);
  } finally {
    // The feed's chunks and drafts must not outlive the call in the shared reader and scanner.
    reader.reset();
    parser.reset(reader);
  }
}

function parseBytes(bytes: Uint8Array, options: ParseFeedOptions): Result<ParsedFeed, FeedParseIssue> {
  const { attempts } = detectCharset(bytes, options.contentType);
  if (!attempts.some((attempt) => read(bytes, attempt.label, attempt.fatal))) return err({ kind: 'undecodable' });
  if (!reader.sawRoot) return err(notRss(reader));
  if (!reader.sawChannel) return err({ kind: 'noChannel' });
  if (!reader.channelClosed) return err({ kind: 'truncated', episodes: reader.episodes.length });
  const podcast = buildPodcast(reader.channel, options.feedUrl);
  if (!podcast.ok) return err({ kind: 'noIdentity' });
  if (podcast.value.persons !== undefined) withChannelPersons(reader.episodes, podcast.value.persons);
  if (reader.repeatedId) splitSharedGuids(reader.episodes);
  const episodes = reader.inOrder && !reader.repeatedId ? reader.episodes : newestFirst(reader.episodes);
  return ok({ podcast: podcast.value, episodes });
}

/**
 * Podcasting 2.0: the channel's `<podcast:person>`s take part in every item that names none of its own (an item's list
 * replaces the channel's). Done once the channel is read: a channel may list them after its items.
 */
function withChannelPersons(episodes: Episode[], persons: Person[]): void {
  for (const episode of episodes) if (episode.persons === undefined) episode.persons = persons;
}
