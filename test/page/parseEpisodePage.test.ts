import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEpisodePage } from '../../src/data/page/parseEpisodePage.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

function page(text: string) {
  const result = parseEpisodePage(text);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.value;
}

describe('parseEpisodePage on the bundled sample (the seed page)', () => {
  const sample = read('../../src/data/samples/the-most-interesting-thing-in-ai.txt');
  const { podcastTitle, episode } = page(sample);

  it('is a byte-exact copy of the seed page', () => {
    const bytes = readFileSync(new URL('../../src/data/samples/the-most-interesting-thing-in-ai.txt', import.meta.url));
    expect(bytes.length).toBe(2143);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe('62de47aeee63c3e2ad7655012db7eb86799d656cd77ffbeee8341f90269587f6');
  });

  it('reads the show and episode titles', () => {
    expect(podcastTitle).toBe('The Most Interesting Thing in AI');
    expect(episode.title).toBe('The Case for Open-Source AI - with Nicholas Thompson and Raffi Krikorian');
  });

  it('reads "54 min6 maj 2026" as 3240 seconds published on 6 May 2026', () => {
    expect(episode.durationSeconds).toBe(3240);
    expect(episode.publishedAt).toBe('2026-05-06T00:00:00.000Z');
  });

  it('gives a stable id from the title and date', () => {
    expect(episode.id).toBe('page:the-case-for-open-source-ai-with-nicholas-thompson-and-raffi-krikorian-2026-05-06');
    expect(page(sample).episode.id).toBe(episode.id);
  });

  it('keeps the notes as the description, without the header or the directory footer', () => {
    expect(episode.description.startsWith('Why does AI answer the way it does?')).toBe(true);
    expect(episode.description.endsWith('Learn more about your ad choices. Visit megaphone.fm/adchoices')).toBe(true);
    expect(episode.description).toContain('\n\n(02:25) Twitter, Uber, and the DNC: Raffi’s career history\n\n');
    expect(episode.description).not.toContain('Fler avsnitt');
    expect(episode.description).not.toMatch(/\n{3}/);
    expect(episode.description).not.toMatch(/[ \u00A0]\n/);
  });

  it('reads all 13 chapters exactly', () => {
    expect(episode.chapters.map((c) => [c.startSeconds, c.title])).toEqual([
      [0, 'Introduction: The mystery of AI decision-making and the need for transparency'],
      [145, 'Twitter, Uber, and the DNC: Raffi’s career history'],
      [301, 'How centralization changed Twitter into X'],
      [510, "Why seven companies shouldn't control AGI"],
      [698, "Mozilla's mission: Building an open AI ecosystem like Firefox did for the web"],
      [861, 'Is it strange that Google funds Firefox?'],
      [1000, 'The four layers of AI openness: Compute, data, models, and developer tooling'],
      [1340, 'Data ethics and provenance: Creating markets for ethically-sourced training data'],
      [1604, 'What counts as “true” open-source AI?'],
      [1924, 'The risks of open source AI: Balancing accessibility with safety concerns'],
      [2156, 'Should powerful AI be restricted like nuclear weapons?'],
      [2357, "Raffi's Tesla crash and the danger of automated complacency"],
      [2816, 'Preserving humanity in the age of AI: Avoiding the "WALL-E" future'],
    ]);
    expect(episode.chapters.every((c) => c.source === 'notes' && c.url === undefined)).toBe(true);
  });

  it('sets no field it cannot read', () => {
    expect(Object.keys(episode).sort()).toEqual(
      ['chapters', 'description', 'durationSeconds', 'id', 'publishedAt', 'title', 'transcripts'].sort(),
    );
    expect(episode.transcripts).toEqual([]);
  });
});

describe('parseEpisodePage on other pages (OURS)', () => {
  it('reads an English page with an episode number in the meta line', () => {
    const { podcastTitle, episode } = page(read('../fixtures/pages/ours_english-episode-page.txt'));
    expect(podcastTitle).toBe('Design Details');
    expect(episode.title).toBe('82: Salt Boogers (feat. Charlie Waite)');
    expect(episode.durationSeconds).toBe(3840);
    expect(episode.publishedAt).toBe('2025-05-06T00:00:00.000Z');
    expect(episode.description.startsWith('This week we talk to Charlie')).toBe(true);
    expect(episode.description.endsWith('Thanks for listening!')).toBe(true);
    expect(episode.chapters.map((c) => [c.startSeconds, c.title])).toEqual([
      [0, 'Introductions'],
      [240, 'What are you working on?'],
      [1200, 'Typekit, Editorially, etc.'],
      [3510, 'Listener questions'],
    ]);
  });

  it('reads a text file of nothing but timestamps as one episode titled by its first line', () => {
    const { podcastTitle, episode } = page(read('../fixtures/pages/ours_timestamps-only.txt'));
    expect(podcastTitle).toBeUndefined();
    expect(episode.title).toBe('00:00 Cold open');
    expect(episode.description).toBe('00:00 Cold open\n02:10 The news\n15:45 Interview');
    expect(episode.chapters.map((c) => c.startSeconds)).toEqual([0, 130, 945]);
    expect(episode.durationSeconds).toBeUndefined();
    expect(episode.publishedAt).toBeUndefined();
  });

  it('takes a short first line as the title of a notes file', () => {
    const { episode } = page('Episode 12: Ships\n\n00:00 Intro\n05:00 Boats\n');
    expect(episode.title).toBe('Episode 12: Ships');
    expect(episode.description).toBe('00:00 Intro\n05:00 Boats');
    expect(episode.id).toBe('page:episode-12-ships');
  });

  it('keeps a long first paragraph in the notes and cuts the fallback title', () => {
    const notes = read('../fixtures/descriptions/rssblue_description-chapters.txt');
    const { episode } = page(notes);
    expect(episode.title).toBe('In Episode 1 of our podcast, we dive into the classic 1968 spaghetti western, “Once Upon a Time in…');
    expect(episode.description.startsWith('In Episode 1 of our podcast')).toBe(true);
    expect(episode.chapters).toHaveLength(7);
  });

  it('drops chapters past the duration the page states', () => {
    const { episode } = page('Show\nEpisode\n10 min · 1 jan 2024\n\n00:00 Intro\n05:00 Middle\n12:00 After the end');
    expect(episode.durationSeconds).toBe(600);
    expect(episode.chapters.map((c) => c.title)).toEqual(['Intro', 'Middle']);
  });

  it('reads Swedish hours and minutes', () => {
    const { episode } = page('Podden\nAvsnitt 3\n1 tim 5 min · 14 okt. 2025\n\nAnteckningar.');
    expect(episode.durationSeconds).toBe(3900);
    expect(episode.publishedAt).toBe('2025-10-14T00:00:00.000Z');
  });

  it('gives an id from a hash when the title has no Latin letters', () => {
    const { episode } = page('كشكول 53\n\n00:00 مقدمة\n05:00 ألعاب');
    expect(episode.id).toMatch(/^page:[0-9a-f]{8}$/);
    expect(page('كشكول 53\n\n00:00 مقدمة\n05:00 ألعاب').episode.id).toBe(episode.id);
    expect(page('كشكول 54\n\n00:00 مقدمة\n05:00 ألعاب').episode.id).not.toBe(episode.id);
  });

  it.each([[''], ['   \n\n \u00A0 \n']])('refuses an empty page %j with a reason', (text) => {
    const result = parseEpisodePage(text);
    expect(result).toEqual({ ok: false, error: 'The page is empty: there is no episode to read.' });
  });
});
