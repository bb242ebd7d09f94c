import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonChapters } from '../../src/data/chapters/parseJsonChapters.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/chapters/${name}`, import.meta.url), 'utf8');

function parsed(text: string) {
  const result = parseJsonChapters(text);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.value;
}

describe('parseJsonChapters on the spec examples', () => {
  it('reads the basic spec example: nine chapters with img and url where given', () => {
    const { chapters, hidden } = parsed(fixture('pc20-spec_example.json'));
    expect(hidden).toBe(0);
    expect(chapters.map((c) => [c.startSeconds, c.title])).toEqual([
      [0, 'Intro'],
      [168, 'Hearing Aids'],
      [260, 'Progress Report'],
      [410, 'Namespace'],
      [3990, 'Just Break Up'],
      [4600, 'Donations'],
      [5510, 'The Big Players'],
      [5854, 'Spread the Word'],
      [6089, 'Outro'],
    ]);
    expect(chapters[1]).toEqual({
      startSeconds: 168,
      title: 'Hearing Aids',
      img: 'https://example.com/images/hearing_aids.jpg',
      source: 'json',
    });
    expect(chapters[3]?.url).toBe('https://github.com/Podcastindex-org/podcast-namespace');
    expect(chapters.every((c) => c.source === 'json')).toBe(true);
  });

  it('leaves the toc:false chapter of the complex example out of the list and counts it as hidden', () => {
    const { chapters, hidden } = parsed(fixture('pc20-spec_exampleComplex.json'));
    expect(hidden).toBe(1);
    expect(chapters).toHaveLength(10);
    expect(chapters.some((c) => c.startSeconds === 4826)).toBe(false);
    expect(chapters.find((c) => c.startSeconds === 4200)?.title).toBe('Played song by artist');
  });

  it('ignores fields outside the spec such as rssblue:remoteEntity', () => {
    const { chapters } = parsed(fixture('rssblue_variant.json'));
    expect(chapters).toHaveLength(9);
    expect(chapters[5]).toEqual({ startSeconds: 4600, title: 'Donations', url: 'https://example.com/paypal_link', source: 'json' });
  });

  it('reads an empty chapters array as no chapters', () => {
    expect(parsed(fixture('rssblue_empty.json'))).toEqual({ chapters: [], hidden: 0 });
  });
});

describe('parseJsonChapters on hand-written cases (OURS)', () => {
  it('keeps fractional start times and a valid endTime, and sorts by start', () => {
    const { chapters } = parsed(
      JSON.stringify({
        version: '1.2.0',
        chapters: [
          { startTime: 61.5, endTime: 120.25, title: 'Second' },
          { startTime: 0, title: 'First', location: { name: 'x', geo: 'geo:1,2' } },
        ],
      }),
    );
    expect(chapters).toEqual([
      { startSeconds: 0, title: 'First', source: 'json' },
      { startSeconds: 61.5, endSeconds: 120.25, title: 'Second', source: 'json' },
    ]);
  });

  it('drops an endTime that comes before the start', () => {
    const { chapters } = parsed('{"version":"1.2.0","chapters":[{"startTime":30,"endTime":10,"title":"A"}]}');
    expect(chapters[0]).toEqual({ startSeconds: 30, title: 'A', source: 'json' });
  });

  it('accepts numeric strings, nulls in optional fields, a numeric version and a BOM', () => {
    const { chapters } = parsed('\uFEFF{"version":1.2,"chapters":[{"startTime":"94.5","title":"Donation Segment","img":null,"url":""}]}');
    expect(chapters).toEqual([{ startSeconds: 94.5, title: 'Donation Segment', source: 'json' }]);
  });

  it('keeps an untitled visible chapter with an empty title, since the spec makes title optional', () => {
    const { chapters } = parsed('{"version":"1.2.0","chapters":[{"startTime":5}]}');
    expect(chapters).toEqual([{ startSeconds: 5, title: '', source: 'json' }]);
  });

  it.each([
    ['not JSON at all', '<xml/>', /not valid JSON/],
    ['truncated JSON', '{"version":"1.2.0","chapters":[', /not valid JSON/],
    ['an array instead of an object', '[]', /does not follow/],
    ['a missing chapters array', '{"version":"1.2.0"}', /chapters/],
    ['a missing version', '{"chapters":[]}', /version/],
    ['a chapter without startTime', '{"version":"1.2.0","chapters":[{"title":"x"}]}', /chapters\[0\]\.startTime/],
    ['a negative startTime', '{"version":"1.2.0","chapters":[{"startTime":-1,"title":"x"}]}', /chapters\[0\]\.startTime/],
    ['a title that is a number', '{"version":"1.2.0","chapters":[{"startTime":1,"title":7}]}', /chapters\[0\]\.title/],
  ])('refuses %s with a clear error', (_what, text, message) => {
    const result = parseJsonChapters(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
