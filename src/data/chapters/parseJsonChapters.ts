import { z } from 'zod';
import { err, ok } from '../model.js';
import type { Chapter, Result } from '../model.js';

/**
 * Podcasting 2.0 JSON chapters, spec v1.2
 * (https://github.com/Podcastindex-org/podcast-namespace/blob/main/chapters/jsonChapters.md):
 * `version` and `chapters` are required; each chapter needs only `startTime` (seconds, float). `title`, `img`, `url`,
 * `endTime` are optional; `toc: false` marks a silent chapter that must not show in the table of contents, so it is
 * left out and counted in `hidden`. `location` and unknown fields are ignored.
 *
 * Leniency, because real files are written by hand and by many tools: numeric strings ("94.5") are read as numbers,
 * `null` in an optional field counts as absent, and an empty string img/url is dropped.
 */

const seconds = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(v) ? Number(v) : v),
  z.number().finite().nonnegative(),
);
const optionalText = z.preprocess((v) => (v === null ? undefined : v), z.string().optional());

const JsonChapterSchema = z.object({
  startTime: seconds,
  endTime: z.preprocess((v) => (v === null ? undefined : v), seconds.optional()),
  title: optionalText,
  img: optionalText,
  url: optionalText,
  toc: z.preprocess((v) => (v === null ? undefined : v), z.boolean().optional()),
});

const JsonChaptersSchema = z.object({
  version: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string()),
  chapters: z.array(JsonChapterSchema),
});

export interface JsonChapters {
  /** The visible chapters, sorted by start, source 'json'. */
  chapters: Chapter[];
  /** How many `toc: false` chapters were left out. */
  hidden: number;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

export function parseJsonChapters(text: string): Result<JsonChapters> {
  let data: unknown;
  try {
    // A UTF-8 BOM is common in files saved by Windows tools; JSON.parse refuses it.
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return err(`The chapters file is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const parsed = JsonChaptersSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map(describeIssue).join('; ');
    return err(`The chapters file does not follow the Podcasting 2.0 chapters format: ${issues}.`);
  }

  let hidden = 0;
  const chapters: Chapter[] = [];
  for (const c of parsed.data.chapters) {
    if (c.toc === false) {
      hidden += 1;
      continue;
    }
    // The spec makes title optional; an untitled visible chapter keeps its place with an empty title.
    const chapter: Chapter = { startSeconds: c.startTime, title: (c.title ?? '').trim(), source: 'json' };
    if (c.endTime !== undefined && c.endTime >= c.startTime) chapter.endSeconds = c.endTime;
    if (c.url !== undefined && c.url.trim() !== '') chapter.url = c.url.trim();
    if (c.img !== undefined && c.img.trim() !== '') chapter.img = c.img.trim();
    chapters.push(chapter);
  }
  // The spec assumes ascending order but does not enforce it; Array.prototype.sort is stable, so ties keep file order.
  chapters.sort((a, b) => a.startSeconds - b.startSeconds);
  return ok({ chapters, hidden });
}
