import { ok, err, type LiveItem, type Result } from '../model.js';
import { attr } from './attr.js';
import { parsePubDate } from './parsePubDate.js';
import type { ChannelDraft, LiveItemDraft, TagHandler } from './TagHandler.js';

/**
 * `<podcast:liveItem status="pending|live|ended" start="..." end="...">` (Podcasting 2.0, channel level): a live show
 * with an item's title, guid, link and enclosure (the stream), and `<podcast:contentLink href>` where to watch it.
 * https://podcastindex.org/namespace/1.0#live-item
 */

const SHORT = 2_000;
const URL = 4_096;
/** Hosts list the next few shows; more is not a live schedule but a broken feed. */
const MAX_LIVE_ITEMS = 50;

/** The live item being read: the last one opened. */
const current = (d: ChannelDraft): LiveItemDraft | undefined => d.liveItems?.[d.liveItems.length - 1];

function text(set: (item: LiveItemDraft, value: string) => void, max: number): TagHandler<ChannelDraft> {
  return {
    spec: 'Podcasting 2.0',
    text: {
      kind: 'plain',
      max,
      set: (d, t) => {
        const item = current(d);
        if (item !== undefined && t !== '') set(item, t);
      },
    },
  };
}

/** Channel tags (CHANNEL_TAGS keys) of a live item and its children. */
export const LIVE_ITEM_TAGS: readonly [string, TagHandler<ChannelDraft>][] = [
  [
    'podcast:liveitem',
    {
      spec: 'Podcasting 2.0',
      open: (d, a) => {
        d.liveItems ??= [];
        if (d.liveItems.length >= MAX_LIVE_ITEMS) return;
        d.liveItems.push({ status: attr(a, 'status'), start: attr(a, 'start'), end: attr(a, 'end') });
      },
    },
  ],
  ['podcast:liveitem/title', text((i, t) => void (i.title ??= t), SHORT)],
  ['podcast:liveitem/guid', text((i, t) => void (i.guid ??= t), URL)],
  ['podcast:liveitem/link', text((i, t) => void (i.link ??= t), URL)],
  [
    'podcast:liveitem/enclosure',
    { spec: 'RSS 2.0', open: (d, a) => void (current(d) && (current(d)!.enclosure ??= attr(a, 'url'))) },
  ],
  [
    'podcast:liveitem/podcast:contentlink',
    { spec: 'Podcasting 2.0', open: (d, a) => void (current(d) && (current(d)!.contentLink ??= attr(a, 'href'))) },
  ],
];

/** A live item from its draft: a known status and a start time are required, as the specification says. */
export function buildLiveItem(draft: LiveItemDraft): Result<LiveItem> {
  const status = draft.status?.trim().toLowerCase();
  if (status !== 'pending' && status !== 'live' && status !== 'ended') return err(`unknown status ${draft.status ?? '(none)'}`);
  const start = draft.start === undefined ? undefined : parsePubDate(draft.start.trim());
  if (start === undefined || !start.ok) return err('no start time');
  const end = draft.end === undefined ? undefined : parsePubDate(draft.end.trim());
  const id = draft.guid ?? draft.enclosure ?? `${draft.title ?? ''} ${start.value}`;
  const item: LiveItem = { id, status, title: draft.title ?? '', start: start.value };
  if (end?.ok) item.end = end.value;
  if (draft.enclosure !== undefined) item.streamUrl = draft.enclosure;
  if (draft.contentLink !== undefined) item.contentLink = draft.contentLink;
  if (draft.link !== undefined) item.link = draft.link;
  return ok(item);
}
