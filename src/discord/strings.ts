import type { ChapterSource } from '../data/model.js';

/** Reply text in the reader's language (Discord sends their locale with every interaction). English and Swedish. */

const en = {
  chapterSource: { json: 'Podcasting 2.0 chapters', psc: 'Podlove chapters', notes: 'show notes' } satisfies Record<ChapterSource, string>,
  chaptersFrom: (source: string) => `Chapters from ${source}`,
  page: (n: number, of: number) => `Page ${n}/${of}`,
  previous: 'Previous',
  next: 'Next',
  chapters: 'Chapters',
  showChapters: (n: number) => `Show ${n} chapters`,
  noChapters: (title: string) => `“${title}” has no chapters. Try /episode to read its show notes.`,
  listen: 'Listen',
  episode: 'Episode',
  season: 'Season',
  duration: 'Duration',
  published: 'Published',
  chapterCount: 'Chapters',
  none: 'none',
  latestTitle: 'Latest episodes',
  topicTitle: (query: string) => `Where “${query}” is discussed`,
  topicNothing: (query: string) => `Nothing found for “${query}”.`,
  didYouMean: (words: string) => `Did you mean: ${words}?`,
  moreResults: 'More results',
  inEpisode: 'in',
  fromTranscript: 'transcript',
  fromNotes: 'show notes',
  fromChapter: 'chapter',
  fromTitle: 'episode title',
  unexpected: 'Sorry, something went wrong on our side. It has been logged; please try again in a moment.',
  buttonExpired: 'This button belongs to an episode the bot no longer has. Run the command again.',
  minutes: (m: number) => `${m} min`,
  hoursMinutes: (h: number, m: number) => (m > 0 ? `${h} h ${m} min` : `${h} h`),
};

export type Strings = typeof en;

const sv: Strings = {
  chapterSource: { json: 'Podcasting 2.0-kapitel', psc: 'Podlove-kapitel', notes: 'avsnittsbeskrivningen' },
  chaptersFrom: (source) => `Kapitel från ${source}`,
  page: (n, of) => `Sida ${n}/${of}`,
  previous: 'Föregående',
  next: 'Nästa',
  chapters: 'Kapitel',
  showChapters: (n) => `Visa ${n} kapitel`,
  noChapters: (title) => `”${title}” har inga kapitel. Prova /avsnitt för att läsa beskrivningen.`,
  listen: 'Lyssna',
  episode: 'Avsnitt',
  season: 'Säsong',
  duration: 'Längd',
  published: 'Publicerat',
  chapterCount: 'Kapitel',
  none: 'inga',
  latestTitle: 'Senaste avsnitten',
  topicTitle: (query) => `Där ”${query}” diskuteras`,
  topicNothing: (query) => `Hittade inget om ”${query}”.`,
  didYouMean: (words) => `Menade du: ${words}?`,
  moreResults: 'Fler resultat',
  inEpisode: 'i',
  fromTranscript: 'transkription',
  fromNotes: 'beskrivning',
  fromChapter: 'kapitel',
  fromTitle: 'avsnittstitel',
  unexpected: 'Förlåt, något gick fel hos oss. Det är loggat; försök igen om en stund.',
  buttonExpired: 'Knappen hör till ett avsnitt som boten inte längre har. Kör kommandot igen.',
  minutes: (m) => `${m} min`,
  hoursMinutes: (h, m) => (m > 0 ? `${h} h ${m} min` : `${h} h`),
};

export function stringsFor(locale: string): Strings {
  return locale.toLowerCase().startsWith('sv') ? sv : en;
}

export function formatDuration(seconds: number, s: Strings): string {
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? s.minutes(minutes) : s.hoursMinutes(Math.floor(minutes / 60), minutes % 60);
}
