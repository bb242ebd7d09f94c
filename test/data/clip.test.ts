import { describe, expect, it } from 'vitest';
import { clip, clipProse, cutToFit, graphemeBoundaryAtOrBefore } from '../../src/data/text/clip.js';

const FAMILY = '👨‍👩‍👧‍👦'; // 11 code units, one grapheme
const FLAG = '🇸🇪'; // two regional indicators, 4 code units
const THUMB = '👍🏽'; // emoji + skin tone, 4 code units
const E_ACUTE = 'e\u0301'; // e + combining acute

/** Where each grapheme of `text` starts, and its end. */
const starts = (text: string): Set<number> => new Set([...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.index).concat(text.length));
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('clip', () => {
  it('keeps text that fits, and cuts at a word near the end with an ellipsis', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('the quick brown fox jumps', 20)).toBe('the quick brown…');
    expect(clip('abcdefghijklmnopqrstuvwxyz', 10)).toBe('abcdefghi…');
  });

  it.each([
    ['a ZWJ family', FAMILY],
    ['a flag', FLAG],
    ['an emoji with a skin tone', THUMB],
    ['a letter with a combining mark', E_ACUTE],
    ['CR LF', '\r\n'],
  ])('never cuts inside %s, wherever the limit falls', (_name, cluster) => {
    for (let prefix = 0; prefix < 12; prefix++) {
      const text = 'x'.repeat(prefix) + cluster.repeat(20);
      for (let max = 1; max < 40; max++) {
        const out = clip(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(LONE);
        const kept = out.endsWith('…') ? out.slice(0, -1) : out;
        // Whatever is kept is the original up to a boundary between its graphemes.
        expect(text.startsWith(kept)).toBe(true);
        expect(starts(text).has(kept.length)).toBe(true);
      }
    }
  });

  it('gives an ellipsis alone when the first character is longer than the room', () => {
    expect(clip(FAMILY + FAMILY, 5)).toBe('…');
    expect(clip(FAMILY + FAMILY, 12)).toBe(`${FAMILY}…`);
  });
});

describe('cutToFit', () => {
  it('keeps whole characters, without an ellipsis', () => {
    expect(cutToFit('abc', 5)).toBe('abc');
    expect(cutToFit(`ab${FLAG}${FLAG}`, 5)).toBe('ab');
    expect(cutToFit(`ab${FLAG}${FLAG}`, 6)).toBe(`ab${FLAG}`);
    expect(cutToFit(`a${E_ACUTE}b`, 2)).toBe('a');
  });
});

describe('graphemeBoundaryAtOrBefore', () => {
  it('finds boundaries inside and between clusters', () => {
    const text = `ab${FAMILY}c`;
    expect(graphemeBoundaryAtOrBefore(text, 2)).toBe(2);
    for (let i = 3; i <= 12; i++) expect(graphemeBoundaryAtOrBefore(text, i)).toBe(2);
    expect(graphemeBoundaryAtOrBefore(text, 13)).toBe(13);
    expect(graphemeBoundaryAtOrBefore(text, 99)).toBe(text.length);
    expect(graphemeBoundaryAtOrBefore('a\r\nb', 2)).toBe(1);
    // Flags pair up from the start: the third indicator begins a new flag.
    expect(graphemeBoundaryAtOrBefore(FLAG + FLAG, 6)).toBe(4);
  });
});

describe('clipProse', () => {
  it('keeps text that fits as it is, long URLs included', () => {
    const text = `Could not fetch https://cdn.example.com/${'a'.repeat(300)}.mp3: HTTP 500.`;
    expect(clipProse(text, 1000)).toBe(text);
  });

  it('shows a long URL as its origin when the text must be cut, so the rest still fits', () => {
    const text = `Could not fetch https://cdn.example.com/${'a'.repeat(3000)}.mp3: the server answered HTTP 500.`;
    expect(clipProse(text, 500)).toBe('Could not fetch https://cdn.example.com/…: the server answered HTTP 500.');
  });

  it('never cuts inside a URL: the one the cut would fall in is left out whole', () => {
    const url = `https://example.com/${'b'.repeat(150)}`;
    const text = `${'word '.repeat(30)}see ${url} and more`;
    const out = clipProse(text, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out).toBe(`${'word '.repeat(30)}see…`);
  });
});
