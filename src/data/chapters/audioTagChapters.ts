import type { Chapter } from '../model.js';

/** One chapter as a tag reader gives it (music-metadata's `format.chapters`): seconds, the WXXX sub-frame's link. */
export interface TagChapter {
  title: string;
  start: number;
  end?: number;
  url?: { url: string } | string;
}

/**
 * An audio file's ID3v2 chapters (CHAP frames, in the order of the top-level CTOC as the reader gives them) as the
 * project's chapters, source 'audio'. Untitled chapters and impossible times are left out; a link is kept only when
 * it is an http(s) URL (a WXXX frame may hold anything), and an end only when it is after the start.
 */
export function audioTagChapters(tagChapters: readonly TagChapter[]): Chapter[] {
  const out: Chapter[] = [];
  for (const c of tagChapters) {
    const title = c.title.replace(/\s+/g, ' ').trim();
    if (title === '' || !Number.isFinite(c.start) || c.start < 0) continue;
    const chapter: Chapter = { startSeconds: c.start, title, source: 'audio' };
    if (c.end !== undefined && Number.isFinite(c.end) && c.end > c.start) chapter.endSeconds = c.end;
    const url = (typeof c.url === 'string' ? c.url : c.url?.url)?.trim();
    if (url !== undefined && /^https?:\/\/\S+$/i.test(url)) chapter.url = url;
    out.push(chapter);
  }
  return out;
}
