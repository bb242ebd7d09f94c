import { describe, expect, it } from 'vitest';
import type { Episode, Podcast } from '../../src/data/model.js';
import { MAX_LINK_URL } from '../../src/messages/embeds.js';
import { castFields, fieldOfLines, personLine, soundbiteLine } from '../../src/messages/episodeCast.js';
import { stringsFor } from '../../src/messages/strings.js';

const en = stringsFor('en-US');
const sv = stringsFor('sv-SE');
const podcast: Podcast = { id: 'https://feeds.example.com/show.xml', title: 'Show', categories: [] };
const episode: Episode = {
  id: 'e1',
  title: 'Episode',
  description: '',
  audioUrl: 'https://cdn.example.com/e1.mp3',
  transcripts: [],
  chapters: [],
};

describe('/episode: guests, hosts and soundbites', () => {
  it('links a person’s name to their page and names the role, in the reader’s language', () => {
    const raffi = { name: 'Raffi Krikorian', role: 'guest', href: 'https://example.com/raffi' };
    expect(personLine(raffi, en, MAX_LINK_URL)).toBe('[Raffi Krikorian](https://example.com/raffi) · guest');
    expect(personLine(raffi, sv, MAX_LINK_URL)).toBe('[Raffi Krikorian](https://example.com/raffi) · gäst');
    // No role is a host (the spec's default); roles match whatever their case.
    expect(personLine({ name: 'Adam Curry' }, sv, MAX_LINK_URL)).toBe('Adam Curry · värd');
    expect(personLine({ name: 'Dave', role: 'Co-Host' }, en, MAX_LINK_URL)).toBe('Dave · co-host');
    // A role Podcord has no word for is shown as the feed wrote it.
    expect(personLine({ name: 'Becky Smith', role: 'cover art designer' }, sv, MAX_LINK_URL)).toBe('Becky Smith · cover art designer');
    // A role named like an object's own property is feed text too, not a word looked up on the prototype.
    expect(personLine({ name: 'Eve', role: 'constructor' }, en, MAX_LINK_URL)).toBe('Eve · constructor');
    expect(personLine({ name: 'Eve', role: 'toString' }, sv, MAX_LINK_URL)).toBe('Eve · toString');
  });

  it('escapes names and roles, never pings, and links only http(s) pages that fit', () => {
    const line = personLine({ name: '**@everyone** [x](https://evil.example)', role: '<@&123> _r_', href: 'javascript:alert(1)' }, en, MAX_LINK_URL);
    expect(line).toBe('\\*\\*@\u200beveryone\\*\\* \\[x\\]\\(https://evil.example\\) · \\<@&123\\> \\_r\\_');
    const long = `https://example.com/${'a'.repeat(2_000)}`;
    expect(personLine({ name: 'Long', href: long }, en, MAX_LINK_URL)).toBe('Long · host');
  });

  it('shows a soundbite as a timestamp link to its second, its title and its length', () => {
    expect(soundbiteLine(podcast, episode, { startSeconds: 73.6, durationSeconds: 59.6, title: 'The *best* bit' }, en, MAX_LINK_URL)).toBe(
      '[`1:13`](https://cdn.example.com/e1.mp3#t=73) The \\*best\\* bit · 60 s',
    );
    expect(soundbiteLine(podcast, episode, { startSeconds: 3725, durationSeconds: 30 }, sv, MAX_LINK_URL)).toBe('[`1:02:05`](https://cdn.example.com/e1.mp3#t=3725) · 30 s');
    // No honest link (no audio, page or template): the time as text.
    const { audioUrl: _, ...noAudio } = episode;
    expect(soundbiteLine(podcast, noAudio, { startSeconds: 5, durationSeconds: 15 }, en, MAX_LINK_URL)).toBe('`0:05` · 15 s');
  });

  it('keeps a field within 1,024 characters, saying how many lines were left out', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    const value = fieldOfLines(lines, en);
    expect(value.length).toBeLessThanOrEqual(1024);
    const shown = value.split('\n');
    const more = Number(/…and (\d+) more$/.exec(value)?.[1]);
    expect(shown.length - 1 + more).toBe(60);
    expect(fieldOfLines(lines, sv)).toMatch(/…och \d+ till$/);
    expect(fieldOfLines(['one', 'two'], en)).toBe('one\ntwo');
  });

  it('adds a field for each list the episode has, none when it has neither', () => {
    expect(castFields(podcast, episode, en, MAX_LINK_URL)).toEqual([]);
    const fields = castFields(
      podcast,
      { ...episode, persons: [{ name: 'Raffi Krikorian', role: 'guest' }], soundbites: [{ startSeconds: 10, durationSeconds: 20 }] },
      sv,
      MAX_LINK_URL,
    );
    expect(fields).toEqual([
      { name: 'Gäster och värdar', value: 'Raffi Krikorian · gäst' },
      { name: 'Ljudklipp', value: '[`0:10`](https://cdn.example.com/e1.mp3#t=10) · 20 s' },
    ]);
  });
});
