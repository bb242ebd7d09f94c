import type { Chapter, Soundbite, Transcript } from '../model.js';
import { attr } from './attr.js';
import { parseNpt } from './parseNpt.js';
import { personTag } from './personTag.js';
import type { HtmlField, ItemDraft, TagHandler } from './TagHandler.js';

const SHORT = 2_000;
const URL = 4_096;
const HTML = 1_000_000;
const MAX_CHAPTERS = 2_000;
const MAX_TRANSCRIPTS = 50;
const MAX_SOUNDBITES = 50;
// The spec's startTime and duration: seconds, with a decimal fraction or not ("33.833", "60").
const SECONDS = /^\d{1,9}(?:\.\d+)?$/;

function seconds(text: string | undefined): number | undefined {
  return text !== undefined && SECONDS.test(text) ? Number(text) : undefined;
}

function plain(spec: TagHandler<ItemDraft>['spec'], max: number, set: (d: ItemDraft, t: string) => void): TagHandler<ItemDraft> {
  return { spec, text: { kind: 'plain', max, set: (d, t) => void (t === '' || set(d, t)) } };
}
function html(spec: TagHandler<ItemDraft>['spec'], set: (d: ItemDraft, t: HtmlField) => void): TagHandler<ItemDraft> {
  return { spec, text: { kind: 'html', max: HTML, set } };
}

/** Item tags by canonical key (see createTagKeyer); `parent/child` keys match one level down. */
export const ITEM_TAGS = new Map<string, TagHandler<ItemDraft>>([
  ['title', plain('RSS 2.0', SHORT, (d, t) => void (d.title ??= t))],
  ['itunes:title', plain('iTunes', SHORT, (d, t) => void (d.itunesTitle ??= t))],
  ['guid', plain('RSS 2.0', URL, (d, t) => void (d.guid ??= t))],
  ['link', plain('RSS 2.0', URL, (d, t) => void (d.link ??= t))],
  ['pubdate', plain('RSS 2.0', 200, (d, t) => void (d.pubDate ??= t))],
  ['dc:date', plain('Dublin Core', 200, (d, t) => void (d.pubDate ??= t))],
  ['itunes:duration', plain('iTunes', 100, (d, t) => void (d.duration ??= t))],
  ['itunes:season', plain('iTunes', 100, (d, t) => void (d.season ??= t))],
  ['podcast:season', plain('Podcasting 2.0', 100, (d, t) => void (d.season ??= t))],
  ['itunes:episode', plain('iTunes', 100, (d, t) => void (d.episode ??= t))],
  ['podcast:episode', plain('Podcasting 2.0', 100, (d, t) => void (d.episode ??= t))],
  ['description', html('RSS 2.0', (d, t) => void (d.description ??= t))],
  ['content:encoded', html('RSS content module', (d, t) => void (d.contentEncoded ??= t))],
  ['itunes:summary', html('iTunes', (d, t) => void (d.summary ??= t))],
  [
    'enclosure',
    {
      spec: 'RSS 2.0',
      open: (d, a) => {
        const url = attr(a, 'url');
        if (url === undefined || d.enclosure !== undefined) return;
        d.enclosure = { url };
        const type = attr(a, 'type');
        const length = attr(a, 'length');
        if (type !== undefined) d.enclosure.type = type;
        if (length !== undefined) d.enclosure.length = length;
      },
    },
  ],
  [
    'media:content',
    {
      spec: 'Media RSS',
      // Only a fallback: YLE and others state the duration here; a few feeds carry audio only here.
      open: (d, a) => {
        d.mediaDuration ??= attr(a, 'duration');
        const url = attr(a, 'url');
        const type = attr(a, 'type');
        if (url === undefined || d.mediaAudio !== undefined) return;
        if (!(type?.startsWith('audio/') || attr(a, 'medium') === 'audio')) return;
        d.mediaAudio = { url };
        const length = attr(a, 'filesize');
        if (type !== undefined) d.mediaAudio.type = type;
        if (length !== undefined) d.mediaAudio.length = length;
      },
    },
  ],
  [
    'itunes:image',
    {
      spec: 'iTunes',
      open: (d, a) => void (d.image ??= attr(a, 'href')),
      text: { kind: 'plain', max: URL, set: (d, t) => void (d.image ??= t || undefined) },
    },
  ],
  ['podcast:chapters', { spec: 'Podcasting 2.0', open: (d, a) => void (d.chaptersUrl ??= attr(a, 'url')) }],
  [
    'podcast:transcript',
    {
      spec: 'Podcasting 2.0',
      open: (d, a) => {
        const url = attr(a, 'url');
        if (url === undefined || d.transcripts.length >= MAX_TRANSCRIPTS) return;
        // Built up from `{}`, not as a literal: see the chapter below.
        const transcript = {} as Transcript;
        transcript.url = url;
        transcript.type = attr(a, 'type') ?? '';
        const language = attr(a, 'language');
        const rel = attr(a, 'rel');
        if (language !== undefined) transcript.language = language;
        if (rel !== undefined) transcript.rel = rel;
        d.transcripts.push(transcript);
      },
    },
  ],
  [
    'psc:chapters/psc:chapter',
    {
      spec: 'Podlove Simple Chapters',
      open: (d, a) => {
        const start = parseNpt(a['start'] ?? '');
        if (!start.ok || d.psc.length >= MAX_CHAPTERS) return;
        const title = attr(a, 'title') ?? '';
        const href = attr(a, 'href');
        const image = attr(a, 'image');
        // Keys in ChapterSchema order, as JSON output shows them. Built up from `{}`, not as a literal: once V8 sees a
        // literal's objects outlive young-generation collections (chapters are the result), it switches the literal to
        // old-space allocation and throws away the optimised code of every function allocating there, which a fresh
        // process then compiles again. `{}` has no such switch; and a psc chapter gets the notes chapters' hidden class.
        const chapter = {} as Chapter;
        chapter.startSeconds = start.value;
        chapter.title = title.length > SHORT ? title.slice(0, SHORT) : title;
        if (href !== undefined) chapter.url = href;
        if (image !== undefined) chapter.img = image;
        chapter.source = 'psc';
        d.psc.push(chapter);
      },
    },
  ],
  ['podcast:person', personTag<ItemDraft>()],
  [
    'podcast:soundbite',
    {
      spec: 'Podcasting 2.0',
      // `<podcast:soundbite startTime="73.0" duration="60.0">Title</podcast:soundbite>`; the title is optional.
      open: (d, a) => {
        d.openSoundbite = undefined;
        const startSeconds = seconds(attr(a, 'startTime'));
        const durationSeconds = seconds(attr(a, 'duration'));
        if (startSeconds === undefined || durationSeconds === undefined || durationSeconds <= 0) return;
        if (d.soundbites.length >= MAX_SOUNDBITES) return;
        const soundbite: Soundbite = { startSeconds, durationSeconds };
        d.soundbites.push(soundbite);
        d.openSoundbite = soundbite;
      },
      text: {
        kind: 'plain',
        max: SHORT,
        set: (d, t) => {
          if (d.openSoundbite !== undefined && t !== '') d.openSoundbite.title = t;
          d.openSoundbite = undefined;
        },
      },
    },
  ],
]);
