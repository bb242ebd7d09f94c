import { err, ok } from './model.js';
import type { Episode, Podcast, Result } from './model.js';

/**
 * Deep links to a second of an episode, and the `m:ss` / `h:mm:ss` timestamps people read and type.
 *
 * Order of preference in `chapterLink`:
 *   1. the podcast's own `linkTemplate` (the publisher knows their player best), when this episode can fill it;
 *   2. a YouTube episode link -> `t=SECONDS`;
 *   3. a Pocket Casts episode link (pca.st, pocketcasts.com) -> `?t=SECONDS`;
 *   4. the audio URL with a W3C media fragment `#t=SECONDS` (https://www.w3.org/TR/media-frags/#naming-time),
 *      which every browser's built-in player honours.
 * When none of these can be made honestly, the answer is `undefined` and the caller shows the time as text.
 */

/** `75` -> `1:15`, `3723` -> `1:02:03`. Fractions are floored: a link never lands after the moment it names. */
export function formatTimestamp(seconds: number): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const CLOCK = /^(?:(\d+):)?(\d+):(\d{1,2})(?:[.,](\d{1,3}))?$/;
const UNITS = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+(?:[.,]\d+)?)\s*s)?$/i;

/**
 * What a person types for a moment: `1:02:03`, `62:03`, `0:45.5`, `90` (seconds), `1h2m3s`, `5m`, `45s`.
 * Minutes and seconds after the first field must be below 60 (`1:75` is a typo, not 2:15).
 */
export function parseTimestamp(text: string): Result<number> {
  const t = text.trim();
  if (t === '') return err('No time given. Write it like 1:02:03, 12:30 or 90.');
  if (/^\d+(?:[.,]\d+)?$/.test(t)) return ok(Number(t.replace(',', '.')));
  const clock = CLOCK.exec(t);
  if (clock) {
    const [, h, m = '0', s = '0', frac] = clock;
    const minutes = Number(m);
    const secs = Number(s);
    if (secs >= 60) return err(`"${t}" has ${secs} seconds; the seconds must be below 60.`);
    if (h !== undefined && minutes >= 60) return err(`"${t}" has ${minutes} minutes; after the hours they must be below 60.`);
    const fraction = frac ? Number(`0.${frac}`) : 0;
    return ok(Number(h ?? 0) * 3600 + minutes * 60 + secs + fraction);
  }
  const units = UNITS.exec(t);
  if (units && (units[1] ?? units[2] ?? units[3]) !== undefined) {
    const [, h, m, s] = units;
    return ok(Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number((s ?? '0').replace(',', '.')));
  }
  return err(`"${t}" is not a time. Write it like 1:02:03, 12:30, 90 or 1h2m3s.`);
}

/** A parsed http(s) URL, or undefined for anything a browser should not be sent to. */
function httpUrl(raw: string | undefined): URL | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

/** The normalised address of an http(s) URL, or undefined: what may go into an embed's url or thumbnail. */
export function httpHref(raw: string | undefined): string | undefined {
  return httpUrl(raw)?.href;
}

const YOUTUBE_HOSTS = new Set(['youtube.com', 'www.youtube.com', 'm.youtube.com', 'music.youtube.com', 'youtu.be']);
const POCKET_CASTS_HOSTS = new Set(['pca.st', 'www.pca.st', 'pocketcasts.com', 'www.pocketcasts.com', 'play.pocketcasts.com']);

/**
 * What a page link must hold for its host to be one of the above: a piece of their names, or anything the URL parser
 * turns into letters (`%79`, fullwidth or other non-ASCII letters, a tab or newline it drops). A link without any is
 * not parsed at all: a feed's episode pages are nearly always the publisher's own.
 */
const MAY_NAME_PLAYER = /youtu|pca\.st|pocketcasts|%|[^\x21-\x7e]/i;

const PLACEHOLDER = /\{([a-z]+)\}/g;

/**
 * Fills `{audio}`, `{episode}` (the episode number), `{id}`, `{link}` and `{seconds}`. A URL placeholder at the very
 * start of the template is the link's base and goes in as is; anywhere else it is a value and is URI-encoded.
 * A placeholder the episode cannot fill (or an unknown one) means no link rather than a broken one.
 */
function fillTemplate(template: string, episode: Episode, seconds: string): URL | undefined {
  let missing = false;
  const filled = template.replace(PLACEHOLDER, (match: string, name: string, offset: number) => {
    const asBase = offset === 0;
    let value: string | undefined;
    switch (name) {
      case 'seconds':
        return seconds;
      case 'audio':
        value = episode.audioUrl;
        break;
      case 'link':
        value = episode.link;
        break;
      case 'id':
        value = episode.id;
        break;
      case 'episode':
        value = episode.episodeNumber === undefined ? undefined : String(episode.episodeNumber);
        break;
      default:
        missing = true;
        return match;
    }
    if (value === undefined || value === '') {
      missing = true;
      return match;
    }
    return asBase ? value : encodeURIComponent(value);
  });
  if (missing) return undefined;
  return httpUrl(filled);
}

/** A link that starts `episode` playing at `seconds`, or undefined when no honest link exists (see the file comment). */
export function chapterLink(podcast: Podcast, episode: Episode, seconds: number): string | undefined {
  return chapterLinker(podcast, episode)(seconds);
}

/** A second's link for one episode; see chapterLinker. */
export type ChapterLinker = (seconds: number) => string | undefined;

const NO_LINK: ChapterLinker = () => undefined;
/** Stands for the seconds in a URL made once per episode; letters only, so no URL serializer escapes or changes it. */
const SECONDS_MARK = 'podcordseconds';

/**
 * chapterLink for every chapter of one episode: the episode's URLs are parsed once here, not once per chapter (the
 * bench's 5,000-episode feed has 16,226 chapters; two URL parses per chapter cost ~45 ms of CPU in a fresh process,
 * against ~600 ms for the whole first parse). Each call gives exactly what chapterLink gives.
 */
export function chapterLinker(podcast: Podcast, episode: Episode): ChapterLinker {
  const template = podcast.linkTemplate?.trim();
  const fromTemplate = template !== undefined && template !== '' ? templateLinker(template, episode) : undefined;

  let rest = NO_LINK;
  const page = episode.link !== undefined && MAY_NAME_PLAYER.test(episode.link) ? httpUrl(episode.link) : undefined;
  const host = page?.hostname.toLowerCase();
  if (page && host !== undefined && (YOUTUBE_HOSTS.has(host) || POCKET_CASTS_HOSTS.has(host))) {
    // searchParams.set re-serializes the whole query; doing it once with a mark and putting the seconds where the mark
    // stands gives the same string as doing it per chapter.
    const href = page.href;
    page.searchParams.set('t', SECONDS_MARK);
    rest = markedLinker(page.href) ?? ((at) => {
      const url = new URL(href);
      url.searchParams.set('t', String(at));
      return url.href;
    });
  } else {
    const base = audioBase(episode.audioUrl);
    // Joined once per episode, so a chapter's link is one join (one string object) rather than two.
    const prefix = base === undefined ? undefined : `${base}#t=`;
    if (prefix !== undefined) rest = (at) => prefix + at;
  }

  return (seconds) => {
    if (!Number.isFinite(seconds) || seconds < 0) return undefined;
    const at = Math.floor(seconds);
    // The template wins; an episode it cannot describe (say a bonus episode without a number) falls through to the rest.
    return fromTemplate?.(at) ?? rest(at);
  };
}

/** The audio URL normalised and without a fragment, to put `#t=` after; undefined unless it is http(s). */
function audioBase(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (isSerializedHttpUrl(raw)) return raw;
  const audio = httpUrl(raw);
  if (audio === undefined) return undefined;
  // Only a URL with a `#` has a fragment to drop; the setter serializes the whole URL again.
  if (raw.includes('#')) audio.hash = '';
  return audio.href;
}

/**
 * An http(s) URL written as the URL parser writes it, for a host name of letters, digits and hyphens (the last label
 * starting with a letter, so never an IPv4 address) and a path and query of characters none of which it escapes.
 */
const SERIALIZED_HTTP_URL = /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\/[\w!$&()*+,\-./:;=?@~%]*$/;
const DOT_SEGMENT = /\/(?:\.|%2e)/i;

/**
 * Whether `new URL(raw).href` is `raw` itself, with no fragment, and http(s): true only for a shape known to parse to
 * itself (SERIALIZED_HTTP_URL, no `.`-segment for the parser to resolve, no `xn--` label for it to check as Punycode).
 * Nearly every audio URL is one, and then a feed's episodes need no URL parse for their chapter links: in a fresh
 * process the parses were about a third of making them. Anything else is parsed (tested against the parser).
 */
export function isSerializedHttpUrl(raw: string): boolean {
  return SERIALIZED_HTTP_URL.test(raw) && !DOT_SEGMENT.test(raw) && !raw.includes('xn--');
}

/** Puts the seconds where SECONDS_MARK stands in `href`; undefined unless it stands there exactly once. */
function markedLinker(href: string): ChapterLinker | undefined {
  const at = href.indexOf(SECONDS_MARK);
  if (at === -1 || href.indexOf(SECONDS_MARK, at + 1) !== -1) return undefined;
  const before = href.slice(0, at);
  const after = href.slice(at + SECONDS_MARK.length);
  return (seconds) => `${before}${seconds}${after}`;
}

/**
 * The template filled for this episode, made once with SECONDS_MARK for `{seconds}` when the mark lands once in the
 * path, query or fragment (where digits, like letters, are never escaped or normalised); otherwise (no `{seconds}`:
 * one link for every second; `{seconds}` in the host or port, or twice) as chapterLink always made it.
 */
function templateLinker(template: string, episode: Episode): ChapterLinker {
  const perCall: ChapterLinker = (seconds) => fillTemplate(template, episode, String(seconds))?.href;
  if (!template.includes('{seconds}')) {
    const href = fillTemplate(template, episode, '0')?.href;
    return () => href;
  }
  const url = fillTemplate(template, episode, SECONDS_MARK);
  if (url === undefined || url.host.includes(SECONDS_MARK) || url.username.includes(SECONDS_MARK) || url.password.includes(SECONDS_MARK)) {
    return perCall;
  }
  return markedLinker(url.href) ?? perCall;
}
