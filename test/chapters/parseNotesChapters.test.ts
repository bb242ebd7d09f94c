import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNotesChapters } from '../../src/data/chapters/parseNotesChapters.js';

const starts = (notes: string, duration?: number) => parseNotesChapters(notes, duration).map((c) => c.startSeconds);
const pairs = (notes: string, duration?: number) => parseNotesChapters(notes, duration).map((c) => [c.startSeconds, c.title]);

describe('parseNotesChapters on real notes', () => {
  it('reads the seed page: 13 chapters from 0 s to 2816 s', () => {
    const page = readFileSync(new URL('../../src/data/samples/the-most-interesting-thing-in-ai.txt', import.meta.url), 'utf8');
    const chapters = parseNotesChapters(page, 3240);
    expect(chapters).toHaveLength(13);
    expect(chapters[0]).toEqual({
      startSeconds: 0,
      title: 'Introduction: The mystery of AI decision-making and the need for transparency',
      source: 'notes',
    });
    expect(chapters[1]?.title).toBe('Twitter, Uber, and the DNC: Raffi’s career history');
    expect(chapters[12]).toEqual({
      startSeconds: 2816,
      title: 'Preserving humanity in the age of AI: Avoiding the "WALL-E" future',
      source: 'notes',
    });
  });

  it('reads the rssblue description with double and trailing spaces', () => {
    const notes = readFileSync(new URL('../fixtures/descriptions/rssblue_description-chapters.txt', import.meta.url), 'utf8');
    expect(pairs(notes)).toEqual([
      [0, 'Intro'],
      [285, 'Plot summary'],
      [611, 'Sergio Leone'],
      [1018, 'Ennio Morricone'],
      [1350, 'Charles Bronson'],
      [1642, 'Henry Fonda'],
      [1941, 'Conclusion'],
    ]);
  });
});

// Hand-written notes (OURS) in the shapes of the fixture feeds.
describe('parseNotesChapters accepts a list', () => {
  it('of trailing times between other lines (allusgeeks shape)', () => {
    const notes = [
      'In this episode, the Geeks review a game.',
      '',
      'General Opening Conversation (00:01:01)',
      '',
      'Game Review (00:17:52)',
      'On Kickstarter through September 4, 2014.',
      'https://www.kickstarter.com/projects/1/x',
      '',
      "What We're Watching (00:59:06)",
      'Falling Skies',
    ].join('\n');
    expect(pairs(notes)).toEqual([
      [61, 'General Opening Conversation'],
      [1072, 'Game Review'],
      [3546, "What We're Watching"],
    ]);
  });

  it('of H:MM:SS lines flattened from <br/> (abog shape) that start after a cold open', () => {
    expect(starts('0:02:40 Halo 4\n0:12:37 Your Shape Fitness Evolved 2012\n1:32:42 Cuts')).toEqual([160, 757, 5562]);
  });

  it('written entirely with hours that starts as late as 0:09:15', () => {
    expect(starts('0:09:15 WiiU Initial Impressions\n0:14:50 ZombiU\n1:54:10 Cuts')).toEqual([555, 890, 6850]);
  });

  it('of OSF lines with links, tags and notes in between, keeping each link as the chapter url', () => {
    const notes = [
      '00:00:00 One for Axel <https://soundcloud.com/elninonino/one-for-axel> #c',
      '',
      '00:03:01 Intro #c',
      '',
      '00:05:48 Vorberichterstattung #c',
      'Weltmeister-Empfang in Berlin <http://www.bz-berlin.de/berlin/x>',
      '- Die ersten Zehn bekommen sie per Post',
    ].join('\n');
    expect(parseNotesChapters(notes)).toEqual([
      { startSeconds: 0, title: 'One for Axel', url: 'https://soundcloud.com/elninonino/one-for-axel', source: 'notes' },
      { startSeconds: 181, title: 'Intro', source: 'notes' },
      { startSeconds: 348, title: 'Vorberichterstattung', source: 'notes' },
    ]);
  });

  it('of artist - song lines (23minofska shape)', () => {
    const notes = "00:00 - Bruce Lee Band - Running Out of Time (Beautiful World '05)\n02:29 - the Arrogant Sons of Bitches - I've Got Enemies in High Places";
    expect(pairs(notes)).toEqual([
      [0, "Bruce Lee Band - Running Out of Time (Beautiful World '05)"],
      [149, "the Arrogant Sons of Bitches - I've Got Enemies in High Places"],
    ]);
  });

  it('with Arabic titles (kashkool shape)', () => {
    expect(pairs('1:30 فئة الأفلام\n43:00 فئة المسلسلات\n1:42:00 فئة الألعاب')).toEqual([
      [90, 'فئة الأفلام'],
      [2580, 'فئة المسلسلات'],
      [6120, 'فئة الألعاب'],
    ]);
  });

  it('of bullets, brackets and mixed separators', () => {
    expect(pairs('- [00:00] Cold open\n* 01:10 – News\n• (12:00) Interview\n- Outro - 58:00')).toEqual([
      [0, 'Cold open'],
      [70, 'News'],
      [720, 'Interview'],
      [3480, 'Outro'],
    ]);
  });

  it('of every separator a host types after the time', () => {
    const notes = ['00:00) Cold open', '01:10. News', '05:00: Listener mail', '12:00 | Interview', '30:00 − Quiz', '41:00 ‒ Picks', '58:00—Outro'].join('\n');
    expect(pairs(notes)).toEqual([
      [0, 'Cold open'],
      [70, 'News'],
      [300, 'Listener mail'],
      [720, 'Interview'],
      [1800, 'Quiz'],
      [2460, 'Picks'],
      [3480, 'Outro'],
    ]);
  });

  it('reads no chapters from prose and links that hold times', () => {
    const notes = [
      'We recorded this at 10:30. Then the power went out.',
      'Doors open at 19:30: bring a friend.',
      'Slides: https://example.com/talk/00:10. More at https://example.com/t/12:30|x',
      'Part two starts at 45:00.',
    ].join('\n');
    expect(pairs(notes)).toEqual([]);
  });

  it('keeps fractional starts', () => {
    expect(starts('Intro 00:00:00.000\nTopic 00:01:15.250')).toEqual([0, 75.25]);
  });
});

describe('parseNotesChapters applies the list rules', () => {
  it.each([
    ['a lone timestamp line', '00:00 Intro'],
    ['a list that starts after 5:00', '06:21 Side A\n41:50 Side B'],
    ['a list written with hours that starts after 15:00', '0:16:00 Part one\n0:40:00 Part two'],
    ['a conference schedule', '9:00 Registration\n10:30 Keynote\n12:00 Lunch'],
    ['times of day', 'Doors 7:30pm\nShow 8:00pm'],
    ['Bible verses', 'John 3:16\nRomans 8:28\nPsalm 23:1'],
    ['scores', 'Arsenal 3:2 Chelsea\nSpurs 1:1 Leeds'],
    ['timestamps in running prose', 'We start at 00:00 with news, and at 12:30 we talk to our guest.\nAt 45:00 we wrap up.'],
    ['no timestamps at all', 'Just a description.\n\nWith two paragraphs.'],
    ['an empty text', ''],
  ])('gives no chapters for %s', (_what, notes) => {
    expect(parseNotesChapters(notes)).toEqual([]);
  });

  it('drops entries at or past the duration', () => {
    expect(starts('00:00 A\n10:00 B\n20:00 C\n30:00 D', 1200)).toEqual([0, 600]);
  });

  it('gives no chapters when the duration leaves fewer than two', () => {
    expect(parseNotesChapters('00:00 A\n10:00 B', 300)).toEqual([]);
  });

  it('ignores the duration when it is unknown or zero', () => {
    expect(starts('00:00 A\n10:00 B', 0)).toEqual([0, 600]);
  });

  it('stops the list where the times go backwards, so a repeated list is not read twice', () => {
    expect(starts('00:00 A\n05:00 B\n10:00 C\n\nAgain:\n00:00 A\n05:00 B')).toEqual([0, 300, 600]);
  });

  it('takes the longest ascending run when one entry is out of order', () => {
    expect(starts('00:01:01 A\n00:07:30 B\n00:38:50 C\n01:14:39 D\n01:01:01 E\n01:21:06 F')).toEqual([61, 450, 2330, 4479]);
  });

  it('keeps the first title when two lines share a time (a heading and its first item)', () => {
    expect(pairs('3:30 Movies\n3:30 Movie news\n16:44 Killing Them Softly')).toEqual([
      [210, 'Movies'],
      [1004, 'Killing Them Softly'],
    ]);
  });

  it('ignores a stray time of day next to a real list', () => {
    const notes = 'Live every Friday at 10:30 AM!\n\n00:00 Intro\n02:00 News\n\nCall 555-1234';
    expect(starts(notes)).toEqual([0, 120]);
  });
});
