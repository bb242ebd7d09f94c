import { describe, expect, it } from 'vitest';
import { findTimestampLines } from '../../src/data/chapters/findTimestampLines.js';
import { prng } from '../support/prng.js';

/** The one chapter-shaped line found in `line`, as [seconds, title, url?]. */
function one(line: string): [number, string, string?] | undefined {
  const found = findTimestampLines(line);
  if (found.length === 0) return undefined;
  expect(found).toHaveLength(1);
  const [entry] = found;
  if (entry === undefined) return undefined;
  return entry.url === undefined ? [entry.startSeconds, entry.title] : [entry.startSeconds, entry.title, entry.url];
}

// Shapes collected from real show notes (see test/fixtures/SOURCES.md and the feeds named in the comments); the lines
// themselves are written here by hand (OURS) in the same shape.
describe('findTimestampLines reads a chapter line', () => {
  it.each<[string, string, [number, string, string?]]>([
    ['leading in parentheses', '(00:00) Introduction', [0, 'Introduction']],
    ['the seed line with a curly apostrophe', '(02:25) Twitter, Uber, and the DNC: Raffi’s career history', [145, 'Twitter, Uber, and the DNC: Raffi’s career history']],
    ['plain leading', '00:00 Title', [0, 'Title']],
    ['leading with a hyphen', '00:00 - Title', [0, 'Title']],
    ['leading with an en dash', '00:00 – Title', [0, 'Title']],
    ['leading with a glued hyphen (Spotify example)', '00:00-Introduction', [0, 'Introduction']],
    ['leading in square brackets', '[01:02:03] Title', [3723, 'Title']],
    ['trailing in parentheses (allusgeeks)', 'General Opening Conversation (00:01:01)', [61, 'General Opening Conversation']],
    ['trailing after a hyphen', 'Title - 00:12', [12, 'Title']],
    ['trailing in square brackets', 'Listener mail [12:40]', [760, 'Listener mail']],
    ['H:MM:SS from a <br/> list (abog)', '0:02:40 Halo 4', [160, 'Halo 4']],
    ['an OSF line with a link and a tag', '00:00:00 One for Axel <https://soundcloud.com/elninonino/one-for-axel> #c', [0, 'One for Axel', 'https://soundcloud.com/elninonino/one-for-axel']],
    ['an OSF line with only a tag', '00:03:01 Intro #c', [181, 'Intro']],
    ['link text left by a flattened <a> (moviewatchdogs)', '00:06:15 Film: Der Hobbit: Smaugs Einöde (DVD)', [375, 'Film: Der Hobbit: Smaugs Einöde (DVD)']],
    ['a link kept in parentheses', '00:38:44 Getränk der Folge: Paulaner Spezi (http://www.paulaner-brauerei.de/539.0.html?ac=1)', [2324, 'Getränk der Folge: Paulaner Spezi', 'http://www.paulaner-brauerei.de/539.0.html?ac=1']],
    ['a link kept inside link text in parentheses', '00:06:15 Film: Der Hobbit (DVD <http://amzn.to/N96Z74>)', [375, 'Film: Der Hobbit (DVD)', 'http://amzn.to/N96Z74']],
    ['a markdown link', '12:00 Read [the spec](https://example.com/spec) first', [720, 'Read the spec first', 'https://example.com/spec']],
    ['a bare link at the end', '05:00 Sponsor: https://example.com/offer.', [300, 'Sponsor', 'https://example.com/offer']],
    ['a trailing time with milliseconds', 'Intro 00:00:00.000', [0, 'Intro']],
    ['a leading time with milliseconds', '00:01:40.500 Vorspann', [100.5, 'Vorspann']],
    ['a hyphen bullet', '- 00:00 Title', [0, 'Title']],
    ['an asterisk bullet', '* 04:45 Plot summary', [285, 'Plot summary']],
    ['a round bullet', '• 10:11 Sergio Leone', [611, 'Sergio Leone']],
    ['a numbered item', '3. 16:58 Ennio Morricone', [1018, 'Ennio Morricone']],
    ['double and trailing spaces (rssblue)', '00:00  Intro  ', [0, 'Intro']],
    ['no-break spaces at the end (seed)', '(08:30) Why seven companies shouldn\'t control AGI\u00A0', [510, "Why seven companies shouldn't control AGI"]],
    ['a title that contains " - " (23minofska)', "00:00 - Bruce Lee Band - Running Out of Time (Beautiful World '05)", [0, "Bruce Lee Band - Running Out of Time (Beautiful World '05)"]],
    ['bold markers around the time (Design Details)', '**4:00** - Introductions', [240, 'Introductions']],
    ['an Arabic title with the time after a colon (kashkool)', 'ألعاب:(01:22:00)', [4920, 'ألعاب']],
    ['an Arabic title after the time', '1:13 أفلام', [73, 'أفلام']],
    ['an Arabic line wrapped in bidi marks', '\u200F(00:30:08) فئة الألعاب\u200F', [1808, 'فئة الألعاب']],
    ['minutes past the hour without hours', '75:30 Outro', [4530, 'Outro']],
    ['a title starting with a number after a spaced dash', '04:45 - 3 things to try', [285, '3 things to try']],
  ])('%s', (_what, line, expected) => {
    expect(one(line)).toEqual(expected);
  });

  // Whatever separator a host types after the time starts a chapter.
  it.each<[string, string, [number, string, string?]]>([
    ['a colon', '00:00: Intro', [0, 'Intro']],
    ['a colon after hours', '1:02:03: Listener mail', [3723, 'Listener mail']],
    ['a glued colon', '04:10:News', [250, 'News']],
    ['a pipe', '00:00 | Intro', [0, 'Intro']],
    ['a glued pipe', '00:00|Intro', [0, 'Intro']],
    ['a period', '00:00. Intro', [0, 'Intro']],
    ['a glued period', '12:30.Interview', [750, 'Interview']],
    ['a closing parenthesis', '00:00) Intro', [0, 'Intro']],
    ['a closing square bracket', '05:15] Outro', [315, 'Outro']],
    ['an em dash', '00:00 — Intro', [0, 'Intro']],
    ['a glued em dash', '00:00—Intro', [0, 'Intro']],
    ['a minus sign', '00:00 − Intro', [0, 'Intro']],
    ['a figure dash', '00:00 ‒ Intro', [0, 'Intro']],
    ['a Unicode hyphen', '00:00 ‐ Intro', [0, 'Intro']],
    ['a horizontal bar', '00:00 ― Intro', [0, 'Intro']],
    ['a fullwidth hyphen-minus', '00:00－Intro', [0, 'Intro']],
    ['a trailing time after a minus sign', 'Outro − 58:00', [3480, 'Outro']],
  ])('after %s: %j', (_what, line, expected) => {
    expect(one(line)).toEqual(expected);
  });

  it('records the new separators as written', () => {
    expect(findTimestampLines('00:00) Intro\n01:00. News\n02:00 − Mail\n03:00: Outro').map((l) => [l.separator, l.title, l.bracket])).toEqual([
      [')', 'Intro', undefined],
      ['.', 'News', undefined],
      ['−', 'Mail', undefined],
      [':', 'Outro', undefined],
    ]);
  });

  it('records where the time stands, its bracket and the separator', () => {
    expect(findTimestampLines('(00:00) Intro\nOutro [01:02:03]\n00:05 -- Ads')).toEqual([
      { line: 1, timestamp: '00:00', startSeconds: 0, title: 'Intro', position: 'leading', bracket: '(', separator: '' },
      { line: 2, timestamp: '01:02:03', startSeconds: 3723, title: 'Outro', position: 'trailing', bracket: '[', separator: '' },
      { line: 3, timestamp: '00:05', startSeconds: 5, title: 'Ads', position: 'leading', separator: '--' },
    ]);
  });

  it('reads a title padded with thousands of spaces as one with single spaces', () => {
    expect(one(`Intro${' '.repeat(1500)}-${' '.repeat(300)}00:00:10`)).toEqual([10, 'Intro']);
  });

  it('skips a line too long to be a chapter', () => {
    expect(findTimestampLines(`00:10 ${'word '.repeat(500)}`)).toEqual([]);
  });

  it('numbers lines across \\r\\n and blank lines', () => {
    expect(findTimestampLines('Notes\r\n\r\n00:00 A\r\n01:00 B').map((l) => l.line)).toEqual([3, 4]);
  });

  // The quick pre-check (no `\d:[0-5]\d` in the text: nothing to read) must not skip a time that only appears once
  // cleaning has deleted what stood inside it.
  it.each<[string, string, [number, string, string?]]>([
    ['a zero-width space', '00\u200B:30 Intro', [30, 'Intro']],
    ['Markdown bold markers', '00:**45 Intro', [45, 'Intro']],
    ['Markdown underscores', 'Intro (01:__02)', [62, 'Intro']],
    ['a Markdown link around the minutes', '[00](https://x.invalid/a):30 Intro', [30, 'Intro', 'https://x.invalid/a']],
    ['a Markdown link opening before the colon', '1[:30](https://x.invalid/a) Intro', [90, 'Intro', 'https://x.invalid/a']],
    ['a Markdown link closing after the colon', '[1:](https://x.invalid/a)30 Intro', [90, 'Intro', 'https://x.invalid/a']],
    ['bidi marks on both sides of the colon', '01\u200E:\u200F15 Intro', [75, 'Intro']],
  ])('reads a time split by %s: %j', (_what, line, expected) => {
    expect(one(line)).toEqual(expected);
  });
});

describe('findTimestampLines refuses what is not a chapter line', () => {
  it.each([
    ['a time of day with AM', '10:30 AM'],
    ['a time of day with AM and more text', '10:30 AM Doors open'],
    ['a glued pm in a sentence', 'Join us at 7:30pm'],
    ['a glued pm on its own', '7:30pm'],
    ['a German clock time', '19:30 Uhr Einlass'],
    ['a time zone', '10:00 CET Livestream'],
    ['a score', 'Final score 3:2'],
    ['a Bible verse', 'John 3:16'],
    ['a Bible verse with a two-digit chapter', 'Matthew 10:10'],
    ['a Bible verse range', '3:16-18 For God so loved the world'],
    ['a phone number', 'Call 555-123-4567'],
    ['a phone number with a colon', 'Tel: 08-123 45 67'],
    ['a screen ratio', 'Shot in 16:9'],
    ['a ratio with two digits each side', 'Mix flour and water 10:10'],
    ['a lone timestamp', '00:12'],
    ['a timestamp in brackets alone', '(00:12)'],
    ['a time in running prose', 'We get to the good part at 12:30 and it is worth the wait.'],
    ['a trailing time after a preposition', 'The live show starts at 20:00'],
    ['two times on one line', '12:30 we eat, and 14:00 we leave'],
    ['a time range', '10:30-11:30 Lunch'],
    ['a spaced time range', '10:30 - 11:30 Lunch'],
    ['a date-like number', '2024.05.06 12:00:00'],
    ['a version number', 'Updated to 1.2:30'],
    ['a duration label', 'Dauer 03:16:03'],
    ['a duration label with a colon', 'Duration: 1:02:03'],
    ['a time inside a URL', 'https://youtu.be/abc?t=12:30 Intro'],
    ['seconds over 59', '00:75 Intro'],
    ['minutes over 59 with hours', '1:75:00 Intro'],
    ['a sentence-length title', `00:10 ${'This is a sentence that keeps going and going, '.repeat(4)}`],
    ['separators only', '00:10 - - -'],
    ['mismatched brackets', '(00:10] Intro'],
    ['a time range with a minus sign', '10:30−11:30 Lunch'],
    ['a verse range with a figure dash', '3:16‒18 For God so loved the world'],
    ['a time range with an em dash', '10:30—11:30 Lunch'],
    ['a time in prose before a period', 'We meet at 10:30. Then we eat.'],
    ['a time in prose before a colon', 'Doors open at 19:30: bring a friend'],
    ['a time of day before a period', '10:30. am'],
    ['a time in a URL before a period', 'Slides: https://example.com/talk/10:30. Intro'],
    ['a time in a URL path', 'https://example.com/t/00:10:20/intro Intro'],
    ['a clock time with a colon and a digit after', '1:02:3 Intro'],
    ['two times with pipes', '10:00 | Keynote | 11:00'],
  ])('%s: %j', (_what, line) => {
    expect(findTimestampLines(line)).toEqual([]);
  });
});

describe('findTimestampLines reads a plain `00:00 Title` line at once, as the general way would', () => {
  // A zero-width space in front makes a line take the general way (cleaning deletes it, and nothing else changes), so
  // the two readings of every line can be compared.
  const general = (line: string) => findTimestampLines(`\u200B${line}`);

  it('gives the same entry for lines of every shape near the plain one', () => {
    const rand = prng(15);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
    const times = ['0:00', '00:00', '4:05', '12:30', '75:30', '123:45', '1:02:03', '01:02:03', '10:30', '0:61', '1:75:00', '00:00.5', '1234:56'];
    const words = ['Intro', 'AM', 'am', 'Uhr', 'h', 'Duration', 'Dauer', 'news', 'café', 'naïve', 'Q&A', 'w/', 'C++', 'top-10', "it's", 'it’s', 'wow!', 'why?', 'Dr.', '...', '3', '2024', 'a,b', 'x-', '-y', 'end.', 'end,', 'e\u0301', 'مرحبا', '東京'];
    let plain = 0;
    for (let i = 0; i < 4000; i++) {
      const title = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => pick(words)).join(pick([' ', ' ', ' ', '  ']));
      const line = `${pick(times)}${pick([' ', ' ', ' ', '  ', ' - '])}${rand() < 0.02 ? 'x'.repeat(170) : title}`;
      const found = findTimestampLines(line);
      expect(found, line).toEqual(general(line));
      if (found.length === 1 && found[0]?.separator === '' && !line.includes('  ')) plain++;
    }
    // Most of them went the quick way (and matched the general way).
    expect(plain).toBeGreaterThan(1000);
  });
});

describe('findTimestampLines reads only the lines that may hold a time, numbered as split() numbers them', () => {
  // Each line read alone (it is then line 1) and renumbered: what reading every line of the split notes gave.
  const lineByLine = (notes: string) =>
    notes.split(/\r\n|\r|\n|\u2028|\u2029/).flatMap((line, index) => findTimestampLines(line).map((entry) => ({ ...entry, line: index + 1 })));

  it('finds the same entries at the same line numbers, whatever the line breaks', () => {
    const rand = prng(16);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
    const lines = [
      '00:00 Intro', '0:45 Early', '(01:30) News', '12:00 - Mail', 'Outro [1:02:03]', '\u200B05:00 Zero width', '**07:00** Bold', 'Prose with no time at all.',
      'Guest: Someone', 'See https://example.com/a:1', '9:', ':30 no', '1:', 'Call at 10:30 AM', '', ' ', '3:16-18', 'Ends with 2:', ':5',
      '[Link](https://x.fm/5:00) 03:00 Linked', 'x'.repeat(2100) + ' 04:00 long',
    ];
    const breaks = ['\n', '\n', '\r\n', '\r', '\u2028', '\u2029', '\n\r', '\r\r\n', '\n\n'];
    let entries = 0;
    for (let i = 0; i < 3000; i++) {
      const count = 1 + Math.floor(rand() * 12);
      let notes = rand() < 0.2 ? pick(breaks) : '';
      for (let n = 0; n < count; n++) notes += pick(lines) + (n < count - 1 || rand() < 0.3 ? pick(breaks) : '');
      const found = findTimestampLines(notes);
      expect(found, JSON.stringify(notes)).toEqual(lineByLine(notes));
      entries += found.length;
    }
    // Most notes held entries, some on late lines.
    expect(entries).toBeGreaterThan(5000);
  });

  it('counts every kind of break, \\r\\n as one and \\n\\r as two', () => {
    const notes = 'a\r\nb\rc\nd\u2028e\u2029f\n\rg\r\r\nh\n00:00 First\r\n01:00 Second';
    expect(findTimestampLines(notes).map((l) => [l.line, l.title])).toEqual([
      [11, 'First'],
      [12, 'Second'],
    ]);
  });
});
