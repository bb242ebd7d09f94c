import { describe, expect, it } from 'vitest';
import type { Episode } from '../../src/data/model.js';
import { episodePassages, transcriptPassages } from '../../src/data/search/episodePassages.js';

const episode: Episode = {
  id: 'guid-1',
  title: 'Episode 12: Cars',
  publishedAt: '2024-03-01T00:00:00Z',
  description: 'Intro paragraph about the show.\n\n(12:30) We get into the Tesla crash.\n\n00:00 Hello\n05:00 Tesla\n1:02:03 Goodbye\nand thanks',
  transcripts: [],
  chapters: [
    { startSeconds: 0, title: 'Hello', source: 'json' },
    { startSeconds: 600, title: 'Tesla crash', source: 'json' },
    { startSeconds: 3600, title: '  ', source: 'json' },
  ],
};

describe('episodePassages', () => {
  const passages = episodePassages('pod', episode);

  it('indexes the episode title at 0 and each chapter title at its start, skipping empty titles', () => {
    expect(passages.filter((p) => p.field !== 'notes').map((p) => [p.field, p.startSeconds, p.text])).toEqual([
      ['episodeTitle', 0, 'Episode 12: Cars'],
      ['chapterTitle', 0, 'Hello'],
      ['chapterTitle', 600, 'Tesla crash'],
    ]);
    expect(passages.every((p) => p.podcastId === 'pod' && p.episodeId === 'guid-1' && p.publishedAt === '2024-03-01T00:00:00Z')).toBe(true);
  });

  it('indexes each guest’s or host’s name at 0 and each titled soundbite at its start', () => {
    const withCast: Episode = {
      ...episode,
      persons: [{ name: 'Raffi Krikorian', role: 'guest' }, { name: ' Ada ' }],
      soundbites: [{ startSeconds: 73, durationSeconds: 60 }, { startSeconds: 1234.5, durationSeconds: 42, title: 'Why open weights matter' }],
    };
    const cast = episodePassages('pod', withCast).filter((p) => p.field === 'person' || p.field === 'soundbite');
    expect(cast.map((p) => [p.field, p.startSeconds, p.text])).toEqual([
      ['soundbite', 1234.5, 'Why open weights matter'],
      ['person', 0, 'Raffi Krikorian'],
      ['person', 0, 'Ada'],
    ]);
    expect(passages.some((p) => p.field === 'person' || p.field === 'soundbite')).toBe(false);
  });

  it('places a notes paragraph at the chapter its own timestamp falls in, else at 0', () => {
    const notes = passages.filter((p) => p.field === 'notes').map((p) => [p.startSeconds, p.text]);
    expect(notes.slice(0, 2)).toEqual([
      [0, 'Intro paragraph about the show.'],
      [600, '(12:30) We get into the Tesla crash.'],
    ]);
  });

  it('splits a timestamped list in the notes into one passage per entry', () => {
    const notes = passages.filter((p) => p.field === 'notes').map((p) => [p.startSeconds, p.text]);
    expect(notes.slice(2)).toEqual([
      [0, '00:00 Hello'],
      [0, '05:00 Tesla'],
      [3600, '1:02:03 Goodbye and thanks'],
    ]);
  });

  it('uses the timestamp itself when the episode has no chapters', () => {
    const bare = episodePassages('pod', { ...episode, chapters: [], description: 'At 12:30 the crash.' });
    expect(bare.find((p) => p.field === 'notes')?.startSeconds).toBe(750);
  });

  it('groups transcript cues into windows of about 30 seconds', () => {
    const cues = [0, 8, 16, 24, 31, 40, 65].map((s) => ({ startSeconds: s, text: `cue${s}` }));
    const windows = transcriptPassages({ podcastId: 'p', episodeId: 'e' }, cues);
    expect(windows.map((w) => [w.startSeconds, w.text])).toEqual([
      [0, 'cue0 cue8 cue16 cue24'],
      [31, 'cue31 cue40'],
      [65, 'cue65'],
    ]);
    expect(episodePassages('pod', episode, { transcript: cues }).filter((p) => p.field === 'transcript')).toHaveLength(3);
  });
});
