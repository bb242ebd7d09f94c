import { attr } from './attr.js';
import { personTag } from './personTag.js';
import { LIVE_ITEM_TAGS } from './liveItemTags.js';
import type { ChannelDraft, TagHandler } from './TagHandler.js';

const SHORT = 2_000;
const URL = 4_096;
const HTML = 1_000_000;

const category: TagHandler<ChannelDraft> = {
  spec: 'iTunes',
  open: (d, a) => {
    const text = attr(a, 'text');
    if (text !== undefined && d.categories.length < 50 && !d.categories.includes(text)) d.categories.push(text);
  },
};

/**
 * Channel tags by canonical key (see createTagKeyer); `parent/child` keys match one level down.
 * The first occurrence of a field wins, as readers of RSS 2.0 expect.
 */
export const CHANNEL_TAGS = new Map<string, TagHandler<ChannelDraft>>([
  ['title', { spec: 'RSS 2.0', text: { kind: 'plain', max: SHORT, set: (d, t) => void (d.title ??= t || undefined) } }],
  [
    'link',
    {
      spec: 'RSS 2.0',
      // An un-prefixed Atom-style <link rel="self" href> shows up in feeds that use Atom as default namespace.
      open: (d, a) => {
        if (a['rel'] === 'self') d.selfUrl ??= attr(a, 'href');
      },
      text: { kind: 'plain', max: URL, set: (d, t) => void (d.link ??= t || undefined) },
    },
  ],
  ['atom:link', { spec: 'Atom', open: (d, a) => void (a['rel'] === 'self' && (d.selfUrl ??= attr(a, 'href'))) }],
  ['description', { spec: 'RSS 2.0', text: { kind: 'html', max: HTML, set: (d, t) => void (d.description ??= t) } }],
  ['itunes:summary', { spec: 'iTunes', text: { kind: 'html', max: HTML, set: (d, t) => void (d.summary ??= t) } }],
  ['itunes:subtitle', { spec: 'iTunes', text: { kind: 'plain', max: SHORT, set: (d, t) => void (d.subtitle ??= t || undefined) } }],
  [
    'itunes:image',
    {
      spec: 'iTunes',
      open: (d, a) => void (d.itunesImage ??= attr(a, 'href')),
      // Some hosts put the URL in the text instead of href.
      text: { kind: 'plain', max: URL, set: (d, t) => void (d.itunesImage ??= t || undefined) },
    },
  ],
  ['image/url', { spec: 'RSS 2.0', text: { kind: 'plain', max: URL, set: (d, t) => void (d.rssImageUrl ??= t || undefined) } }],
  ['itunes:author', { spec: 'iTunes', text: { kind: 'plain', max: SHORT, set: (d, t) => void (d.author ??= t || undefined) } }],
  ['itunes:owner/itunes:name', { spec: 'iTunes', text: { kind: 'plain', max: SHORT, set: (d, t) => void (d.ownerName ??= t || undefined) } }],
  ['language', { spec: 'RSS 2.0', text: { kind: 'plain', max: 64, set: (d, t) => void (d.language ??= t || undefined) } }],
  ['dc:language', { spec: 'Dublin Core', text: { kind: 'plain', max: 64, set: (d, t) => void (d.language ??= t || undefined) } }],
  // Apple nests subcategories one level: <itunes:category text="Technology"><itunes:category text="Podcasting"/>.
  ['itunes:category', category],
  ['itunes:category/itunes:category', category],
  ['podcast:person', personTag<ChannelDraft>()],
  ...LIVE_ITEM_TAGS,
]);
