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

const PLACEHOLDER = /\{([a-z]+)\}/g;

/**
 * Fills `{audio}`, `{episode}` (the episode number), `{id}`, `{link}` and `{seconds}`. A URL placeholder at the very
 * start of the template is the link's base and goes in as is; anywhere else it is a value and is URI-encoded.
 * A placeholder the episode cannot fill (or an unknown one) means no link rather than a broken one.
 */
function fillTemplate(template: string, episode: Episode, seconds: number): string | undefined {
  let missing = false;
  const filled = template.replace(PLACEHOLDER, (match: string, name: string, offset: number) => {
    const asBase = offset === 0;
    let value: string | undefined;
    switch (name) {
      case 'seconds':
        return String(seconds);
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
  return httpUrl(filled)?.href;
}

/** A link that starts `episode` playing at `seconds`, or undefined when no honest link exists (see the file comment). */
export function chapterLink(podcast: Podcast, episode: Episode, seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  const at = Math.floor(seconds);

  // The template wins; an episode it cannot describe (say a bonus episode without a number) falls through to the rest.
  if (podcast.linkTemplate !== undefined && podcast.linkTemplate.trim() !== '') {
    const fromTemplate = fillTemplate(podcast.linkTemplate.trim(), episode, at);
    if (fromTemplate !== undefined) return fromTemplate;
  }

  const page = httpUrl(episode.link);
  if (page && YOUTUBE_HOSTS.has(page.hostname.toLowerCase())) {
    page.searchParams.set('t', String(at));
    return page.href;
  }
  if (page && POCKET_CASTS_HOSTS.has(page.hostname.toLowerCase())) {
    page.searchParams.set('t', String(at));
    return page.href;
  }

  const audio = httpUrl(episode.audioUrl);
  if (audio) {
    audio.hash = `t=${at}`;
    return audio.href;
  }
  return undefined;
}
