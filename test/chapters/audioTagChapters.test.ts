import { describe, expect, it } from 'vitest';
import { audioTagChapters } from '../../src/data/chapters/audioTagChapters.js';

describe('audioTagChapters', () => {
  it('keeps the order given (the table of contents), titles tidied, links from WXXX, source audio', () => {
    expect(
      audioTagChapters([
        { title: ' Intro\n', start: 0, end: 61.5 },
        { title: 'Two', start: 61.5, end: 120, url: { url: 'https://example.com/two' } },
        { title: 'Three', start: 30, url: 'http://example.com/3' },
      ]),
    ).toStrictEqual([
      { startSeconds: 0, endSeconds: 61.5, title: 'Intro', source: 'audio' },
      { startSeconds: 61.5, endSeconds: 120, title: 'Two', url: 'https://example.com/two', source: 'audio' },
      { startSeconds: 30, title: 'Three', url: 'http://example.com/3', source: 'audio' },
    ]);
  });

  it('leaves out untitled chapters, impossible starts, ends not after the start and links that are not web pages', () => {
    expect(
      audioTagChapters([
        { title: '   ', start: 0 },
        { title: 'Negative', start: -1 },
        { title: 'NaN', start: Number.NaN },
        { title: 'Odd end', start: 50, end: 50, url: { url: 'javascript:alert(1)' } },
        { title: 'Spaces in link', start: 60, url: 'https://example.com/a b' },
      ]),
    ).toStrictEqual([
      { startSeconds: 50, title: 'Odd end', source: 'audio' },
      { startSeconds: 60, title: 'Spaces in link', source: 'audio' },
    ]);
  });
});
