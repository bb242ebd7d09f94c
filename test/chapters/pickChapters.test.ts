import { describe, expect, it } from 'vitest';
import { pickChapters } from '../../src/data/chapters/pickChapters.js';
import type { Chapter } from '../../src/data/model.js';

const json: Chapter[] = [
  { startSeconds: 0, title: 'J1', source: 'json' },
  { startSeconds: 60, title: 'J2', source: 'json' },
];
const psc: Chapter[] = [
  { startSeconds: 0, title: 'P1', source: 'psc' },
  { startSeconds: 90, title: 'P2', source: 'psc' },
];
const audio: Chapter[] = [
  { startSeconds: 0, title: 'A1', source: 'audio' },
  { startSeconds: 75, title: 'A2', source: 'audio' },
];
const notes = '00:00 N1\n02:00 N2';

describe('pickChapters', () => {
  it('prefers JSON chapters over psc and notes', () => {
    expect(pickChapters({ json, psc, notes })).toEqual(json);
  });

  it('ranks the audio file after JSON and before psc and notes', () => {
    expect(pickChapters({ json, audio, psc, notes })).toEqual(json);
    expect(pickChapters({ json: [], audio, psc, notes })).toEqual(audio);
    expect(pickChapters({ audio, notes })).toEqual(audio);
    expect(pickChapters({ audio: [], psc, notes })).toEqual(psc);
  });

  it('uses psc chapters when there are no JSON chapters', () => {
    expect(pickChapters({ psc, notes })).toEqual(psc);
    expect(pickChapters({ json: [], psc, notes })).toEqual(psc);
  });

  it('falls back to timestamps in the notes, marked as such', () => {
    expect(pickChapters({ json: [], psc: [], notes })).toEqual([
      { startSeconds: 0, title: 'N1', source: 'notes' },
      { startSeconds: 120, title: 'N2', source: 'notes' },
    ]);
  });

  it('passes the duration on to the notes parser', () => {
    expect(pickChapters({ notes: '00:00 N1\n02:00 N2\n10:00 N3', durationSeconds: 300 }).map((c) => c.title)).toEqual(['N1', 'N2']);
  });

  it('gives no chapters when no source has any', () => {
    expect(pickChapters({ notes: 'A description without timestamps.' })).toEqual([]);
  });
});
