import type { ChapterSource } from '../data/model.js';

/** Reply text in the reader's language (Discord sends their locale with every interaction). English and Swedish. */

const en = {
  chapterSource: { json: 'Podcasting 2.0 chapters', audio: 'the audio file', psc: 'Podlove chapters', notes: 'show notes' } satisfies Record<ChapterSource, string>,
  chaptersFrom: (source: string) => `Chapters from ${source}`,
  /** `of` undefined: the total is not known yet (search results are fetched a page ahead). */
  page: (n: number, of?: number) => (of === undefined ? `Page ${n}` : `Page ${n}/${of}`),
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
  databaseBusy: 'The database is busy (another program is using it), so nothing was changed. Please try again in a moment.',
  buttonExpired: 'This button belongs to an episode the bot no longer has. Run the command again.',
  minutes: (m: number) => `${m} min`,
  hoursMinutes: (h: number, m: number) => (m > 0 ? `${h} h ${m} min` : `${h} h`),
  // ---- feeds and announcements
  newEpisode: 'New episode',
  moreChapters: (n: number) => `…and ${n} more: /chapters`,
  testAnnouncement: (podcast: string) => `🧪 Test: new episodes of ${podcast} will be announced like this.`,
  catchUpTitle: (n: number, podcast: string) => `${n} earlier episodes of ${podcast}`,
  catchUpIntro: 'Published while Podcord was away; the newest follow as posts of their own.',
  catchUpMore: (n: number) => `…and ${n} more. /latest shows the newest.`,
  feedPaused: (title: string, failures: number, error: string) =>
    `⏸️ Podcord stopped checking **${title}** after ${failures} failed attempts in a row. Last error: ${error}\nA server manager can run /feed add with the same address to resume it.`,
  feedFlooding: (title: string, cap: number) =>
    `⏸️ **${title}** came up with more than ${cap} new episodes within 24 hours, which looks like a broken feed. Podcord stopped announcing and checking it; the rest were not announced.\nA server manager can run /feed add with the same address to resume it.`,
  needsManageGuild: 'Only members with the Manage Server permission can do this.',
  guildOnly: 'This command works in a server, not in direct messages.',
  noFeedService: 'Following feeds needs the bot’s database, which is not available here.',
  followed: (title: string, n: number) => `Following **${title}**: ${n} episodes so far. New episodes will be announced where /announce channel says.`,
  alreadyFollowed: (title: string) => `This server already follows **${title}**.`,
  latestEpisode: 'Latest episode',
  episodes: 'Episodes',
  noEpisodesYet: 'No episodes yet',
  unfollowed: (title: string) => `Stopped following **${title}**.`,
  notFollowed: 'This server does not follow that podcast. /feed list shows what it follows.',
  operatorFeed: (title: string) =>
    `**${title}** is followed in every server by the bot’s operator (FEEDS), so it cannot be removed here. Use /announce off podcast:… to silence it.`,
  feedListTitle: 'Followed feeds',
  feedListEmpty: 'This server follows no feeds yet. Add one with /feed add url:…',
  lastCheck: 'Last check',
  nextCheck: 'Next check',
  lastError: 'Last error',
  never: 'never',
  pausedLabel: (failures: number) => `⏸️ paused after ${failures} failures (run /feed add again to resume)`,
  pausedBecause: (reason: string) => `⏸️ paused: ${reason} (run /feed add again to resume)`,
  summaryPost: 'catch-up summary',
  postPending: (title: string, attempts: number, retry: string, reason: string) =>
    `⚠️ “${title}” not posted yet (${attempts} failed ${attempts === 1 ? 'attempt' : 'attempts'}, next try ${retry}): ${reason}`,
  postGivenUp: (title: string, attempts: number, reason: string) =>
    `❌ “${title}” not posted, given up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}: ${reason}`,
  publishPending: (title: string, attempts: number, retry: string, reason: string) =>
    `⚠️ “${title}” posted but not published yet (${attempts} failed ${attempts === 1 ? 'attempt' : 'attempts'}, next try ${retry}): ${reason}`,
  publishGivenUp: (title: string, attempts: number, reason: string) =>
    `❌ “${title}” posted but not published, given up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}: ${reason}`,
  announceSet: (channel: string, scope: string, role: string | undefined, publish: boolean) =>
    `New episodes of ${scope} will be posted in ${channel}${role ? `, mentioning ${role}` : ''}${publish ? ', published to following servers' : ''}.`,
  announceOff: (scope: string) => `Announcements for ${scope} are off.`,
  announceNothingToTurnOff: (scope: string) => `Announcements for ${scope} were not set up.`,
  allPodcasts: 'every followed podcast',
  announceNotSetUp: 'No announcement channel is set up. Use /announce channel first.',
  announceTestPosted: (channel: string) => `Posted a test announcement in ${channel}.`,
  announceNoEpisode: 'There is no episode to show yet: follow a feed with /feed add first.',
  announceNoDiscord: 'Announcements need the bot to be connected to Discord.',
  announceChannelElsewhere: 'That channel belongs to another server. Pick a channel of this server.',
  announceChannelUnusable: 'The bot cannot post there. Pick a text, announcement or forum channel of this server that the bot can see.',
  announcementsPaused: (channel: string, since: string, reason: string) =>
    `⏸️ Announcements in this server are paused since ${since}: Discord refused a post in ${channel} (${reason}). Give the bot its access back and run /announce channel again to resume; what came meanwhile is posted then.`,
  announceResumed: 'Announcements were paused here: they resume now, with what came meanwhile.',
  // ---- local console
  consoleValues:
    'Options are written name:value. A value with spaces runs on until the next option (/topic query:open source ai), or goes in quotes (/latest podcast:"Design Details").',
};

export type Strings = typeof en;

const sv: Strings = {
  chapterSource: { json: 'Podcasting 2.0-kapitel', audio: 'ljudfilen', psc: 'Podlove-kapitel', notes: 'avsnittsbeskrivningen' },
  chaptersFrom: (source) => `Kapitel från ${source}`,
  page: (n, of) => (of === undefined ? `Sida ${n}` : `Sida ${n}/${of}`),
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
  databaseBusy: 'Databasen är upptagen (ett annat program använder den), så inget ändrades. Försök igen om en stund.',
  buttonExpired: 'Knappen hör till ett avsnitt som boten inte längre har. Kör kommandot igen.',
  minutes: (m) => `${m} min`,
  hoursMinutes: (h, m) => (m > 0 ? `${h} h ${m} min` : `${h} h`),
  newEpisode: 'Nytt avsnitt',
  moreChapters: (n) => `…och ${n} till: /kapitel`,
  testAnnouncement: (podcast) => `🧪 Test: nya avsnitt av ${podcast} kommer att annonseras så här.`,
  catchUpTitle: (n, podcast) => `${n} tidigare avsnitt av ${podcast}`,
  catchUpIntro: 'Publicerade medan Podcord var borta; de senaste följer som egna inlägg.',
  catchUpMore: (n) => `…och ${n} till. /senaste visar de nyaste.`,
  feedPaused: (title, failures, error) =>
    `⏸️ Podcord slutade kontrollera **${title}** efter ${failures} misslyckade försök i rad. Senaste fel: ${error}\nEn serveradministratör kan köra /flöde lägg-till med samma adress för att återuppta den.`,
  feedFlooding: (title, cap) =>
    `⏸️ **${title}** fick fler än ${cap} nya avsnitt inom 24 timmar, vilket ser ut som ett trasigt flöde. Podcord slutade annonsera och kontrollera det; resten annonserades inte.\nEn serveradministratör kan köra /flöde lägg-till med samma adress för att återuppta det.`,
  needsManageGuild: 'Bara medlemmar med behörigheten Hantera server kan göra detta.',
  guildOnly: 'Det här kommandot fungerar i en server, inte i direktmeddelanden.',
  noFeedService: 'Att följa flöden kräver botens databas, som inte finns här.',
  followed: (title, n) => `Följer **${title}**: ${n} avsnitt hittills. Nya avsnitt annonseras där /annonsera kanal säger.`,
  alreadyFollowed: (title) => `Servern följer redan **${title}**.`,
  latestEpisode: 'Senaste avsnittet',
  episodes: 'Avsnitt',
  noEpisodesYet: 'Inga avsnitt än',
  unfollowed: (title) => `Slutade följa **${title}**.`,
  notFollowed: 'Servern följer inte den podden. /flöde lista visar vad den följer.',
  operatorFeed: (title) =>
    `**${title}** följs i alla servrar av botens operatör (FEEDS) och kan inte tas bort här. Använd /annonsera av podd:… för att tysta den.`,
  feedListTitle: 'Följda flöden',
  feedListEmpty: 'Servern följer inga flöden än. Lägg till ett med /flöde lägg-till adress:…',
  lastCheck: 'Senast kontrollerad',
  nextCheck: 'Nästa kontroll',
  lastError: 'Senaste fel',
  never: 'aldrig',
  pausedLabel: (failures) => `⏸️ pausad efter ${failures} fel (kör /flöde lägg-till igen för att återuppta)`,
  pausedBecause: (reason) => `⏸️ pausad: ${reason} (kör /flöde lägg-till igen för att återuppta)`,
  summaryPost: 'sammanfattning',
  postPending: (title, attempts, retry, reason) => `⚠️ ”${title}” inte publicerat än (${attempts} misslyckade försök, nästa ${retry}): ${reason}`,
  postGivenUp: (title, attempts, reason) => `❌ ”${title}” inte publicerat, gav upp efter ${attempts} försök: ${reason}`,
  publishPending: (title, attempts, retry, reason) =>
    `⚠️ ”${title}” publicerat men inte delat än (${attempts} misslyckade försök, nästa ${retry}): ${reason}`,
  publishGivenUp: (title, attempts, reason) => `❌ ”${title}” publicerat men inte delat, gav upp efter ${attempts} försök: ${reason}`,
  announceSet: (channel, scope, role, publish) =>
    `Nya avsnitt av ${scope} publiceras i ${channel}${role ? ` och nämner ${role}` : ''}${publish ? ', och delas till servrar som följer kanalen' : ''}.`,
  announceOff: (scope) => `Annonseringar för ${scope} är avstängda.`,
  announceNothingToTurnOff: (scope) => `Annonseringar för ${scope} var inte inställda.`,
  allPodcasts: 'alla följda poddar',
  announceNotSetUp: 'Ingen annonseringskanal är inställd. Använd /annonsera kanal först.',
  announceTestPosted: (channel) => `Ett testinlägg publicerades i ${channel}.`,
  announceNoEpisode: 'Det finns inget avsnitt att visa än: följ ett flöde med /flöde lägg-till först.',
  announceNoDiscord: 'Annonseringar kräver att boten är ansluten till Discord.',
  announceChannelElsewhere: 'Den kanalen hör till en annan server. Välj en kanal i den här servern.',
  announceChannelUnusable: 'Boten kan inte publicera där. Välj en text-, annonserings- eller forumkanal i den här servern som boten kan se.',
  announcementsPaused: (channel, since, reason) =>
    `⏸️ Annonseringarna i den här servern är pausade sedan ${since}: Discord vägrade ett inlägg i ${channel} (${reason}). Ge boten åtkomst igen och kör /annonsera kanal för att återuppta; det som kommit under tiden publiceras då.`,
  announceResumed: 'Annonseringarna var pausade här: de återupptas nu, med det som kommit under tiden.',
  // ---- lokal konsol
  consoleValues:
    'Alternativ skrivs namn:värde. Ett värde med mellanslag fortsätter fram till nästa alternativ (/ämne sökord:öppen källkod), eller skrivs inom citattecken (/senaste podd:"Design Details").',
};

export function stringsFor(locale: string): Strings {
  return locale.toLowerCase().startsWith('sv') ? sv : en;
}

export function formatDuration(seconds: number, s: Strings): string {
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? s.minutes(minutes) : s.hoursMinutes(Math.floor(minutes / 60), minutes % 60);
}
