import { graphemeBoundaryAtOrBefore } from '../data/text/clip.js';

/**
 * Cuts plain text to at most `max` characters at a clean place: the last paragraph, else sentence, else word
 * boundary that fits, marked with an ellipsis so nothing looks silently truncated.
 */
export function toPlainExcerpt(text: string, max: number): string {
  const normalised = text.replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  if (normalised.length <= max) return normalised;
  const room = normalised.slice(0, graphemeBoundaryAtOrBefore(normalised, max - 1));
  const paragraph = room.lastIndexOf('\n\n');
  if (paragraph > max * 0.5) return `${room.slice(0, paragraph).trimEnd()}\n…`;
  const sentence = Math.max(room.lastIndexOf('. '), room.lastIndexOf('! '), room.lastIndexOf('? '));
  if (sentence > max * 0.5) return `${room.slice(0, sentence + 1)} …`;
  const space = room.lastIndexOf(' ');
  return `${(space > max * 0.5 ? room.slice(0, space) : room).trimEnd()}…`;
}

/** Show-notes lines that are chapter timestamps (`00:00 Intro`, `(12:30) Topic`, `Topic (1:02:03)`): shown better as chapters. */
export function withoutTimestampLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*[-*•]?\s*[[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s/.test(line) && !/\(\d{1,2}:\d{2}(?::\d{2})?\)\s*$/.test(line))
    .join('\n');
}
