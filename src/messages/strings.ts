import type { AnnouncePermission } from '../commands/command.js';
import type { ChapterSource } from '../data/model.js';
import { describeFeedIssue, type FeedParseIssue, type Problem } from '../data/problems.js';

/** Reply text in the reader's language (Discord sends their locale with every interaction). English and Swedish. */

/** How the console names the type an option's value must have. */
export type ConsoleValueType = 'integer' | 'number' | 'boolean' | 'text';

const bytes = (n: number): string => {
  const mb = n / (1024 * 1024);
  if (Number.isInteger(mb)) return `${mb} MB`;
  const kb = n / 1024;
  return Number.isInteger(kb) ? `${kb} KB` : `${n} B`;
};
const duration = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
const discordCode = (p: { discordCode?: number; status?: number }): string =>
  p.discordCode !== undefined ? String(p.discordCode) : p.status !== undefined ? `HTTP ${p.status}` : '';

/** Network errors by their system code, in English (as the log has them). */
const NETWORK_EN: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'the connection was closed',
  HPE_INVALID_CONSTANT: 'the server did not answer with HTTP',
  ERR_STREAM_PREMATURE_CLOSE: 'the connection closed before the whole response arrived',
  Z_DATA_ERROR: 'the compressed body is corrupt',
  Z_BUF_ERROR: 'the compressed body is corrupt',
};
const NETWORK_SV: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'anslutningen nekades',
  ECONNRESET: 'anslutningen bröts',
  ETIMEDOUT: 'anslutningen tog för lång tid',
  EHOSTUNREACH: 'värden går inte att nå',
  ENETUNREACH: 'nätverket går inte att nå',
  EPIPE: 'anslutningen stängdes',
  HPE_INVALID_CONSTANT: 'servern svarade inte med HTTP',
  ERR_STREAM_PREMATURE_CLOSE: 'anslutningen stängdes innan hela svaret kom',
  Z_DATA_ERROR: 'det komprimerade innehållet är trasigt',
  Z_BUF_ERROR: 'det komprimerade innehållet är trasigt',
};
/** A table's own entry: a stored problem's `errno` or `kind` of "constructor" must not find Object.prototype's. */
const own = <K extends string | number>(table: Readonly<Record<K, string>>, key: K | undefined): string | undefined =>
  key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
const isTls = (errno: string | undefined): boolean => errno !== undefined && (errno.startsWith('ERR_TLS') || /CERT|SSL/.test(errno));

const ADDRESS_KIND_SV: Readonly<Record<string, string>> = {
  loopback: 'en loopback-adress',
  private: 'en privat adress',
  'carrier-grade NAT': 'en CGNAT-adress',
  'link-local': 'en länklokal adress',
  unspecified: 'en ospecificerad adress',
  multicast: 'en multicast-adress',
  reserved: 'en reserverad adress',
  'unique local': 'en unik lokal adress',
  documentation: 'en dokumentationsadress',
};

const DISCORD_CODES_SV: Readonly<Record<number, string>> = {
  10003: 'kanalen finns inte',
  10004: 'servern finns inte',
  50001: 'saknar åtkomst',
  50013: 'saknar behörighet',
  50035: 'ogiltigt meddelande',
};

/** English: what the log says too. Addresses and codes are shown as they are. */
function problemEn(p: Problem): string {
  const from = 'redirectedFrom' in p && p.redirectedFrom !== undefined ? ` (redirected from ${p.redirectedFrom})` : '';
  switch (p.code) {
    case 'invalidUrl': return `${JSON.stringify(p.url)} is not a valid URL.${from}`;
    case 'scheme': return `Refusing to fetch ${p.url}: only http and https URLs can be fetched, not ${p.scheme}.${from}`;
    case 'noHost': return `Refusing to fetch ${p.url}: it has no host.${from}`;
    case 'localName': return `Refusing to fetch ${p.url}: ${p.host} is a local name, and this bot fetches only from public addresses.${from}`;
    case 'privateAddress':
      return `Refusing to fetch ${p.url}: it resolves to ${p.kind === 'unspecified' ? 'an' : 'a'} ${p.kind} address (${p.address}), and this bot fetches only from public addresses.${from}`;
    case 'unresolved': return `Could not fetch ${p.url}: ${p.host} could not be resolved (${p.errno === undefined ? 'no such host' : (p.detail ?? p.errno)}).${from}`;
    case 'noAddresses': return `Could not fetch ${p.url}: ${p.host} has no addresses.${from}`;
    case 'timeout': return `Timed out after ${duration(p.ms)} fetching ${p.url}.${from}`;
    case 'cancelled': return `Fetching ${p.url} was cancelled.${from}`;
    case 'network': {
      const known = own(NETWORK_EN, p.errno);
      const why =
        known !== undefined ? `${known} (${p.errno})`
        : isTls(p.errno) ? `TLS problem: ${p.detail ?? 'the certificate was not accepted'} (${p.errno})`
        : p.errno !== undefined ? `${p.detail ?? 'network error'} (${p.errno})`
        : (p.detail ?? 'network error');
      return `Could not fetch ${p.url}: ${why}.${from}`;
    }
    case 'http': return `Could not fetch ${p.url}: the server answered HTTP ${p.status}${p.statusText ? ` ${p.statusText}` : ''}.${from}`;
    case 'redirectNoLocation': return `Could not fetch ${p.url}: HTTP ${p.status} without a Location header.${from}`;
    case 'redirectInvalid': return `Could not fetch ${p.url}: ${p.from} redirects to an invalid URL (${p.location}).${from}`;
    case 'redirectLoop': return `Could not fetch ${p.url}: redirect loop at ${p.at}.${from}`;
    case 'tooManyRedirects': return `Could not fetch ${p.url}: more than ${p.max} redirects.${from}`;
    case 'encoding': return `Could not fetch ${p.url}: unsupported Content-Encoding "${p.coding}".${from}`;
    case 'tooLarge': return `Refusing ${p.url}: the response is larger than the ${bytes(p.limitBytes)} limit.${from}`;
    case 'rangeUnsatisfiable': return `Could not fetch ${p.url}: it holds no bytes ${p.start}-${p.end} (HTTP 416).${from}`;
    case 'notUrl': return `${p.input === undefined ? 'That' : JSON.stringify(p.input)} is not a URL. Paste the feed's address, starting with https://.`;
    case 'notModified': return `${p.url} answered 304 Not Modified to a plain request.`;
    case 'notFeed': return p.anyMore || p.url === undefined ? `Not a podcast feed any more: ${describeFeedIssue(p.issue)}.` : `${p.url} is not a podcast feed: ${describeFeedIssue(p.issue)}.`;
    case 'internal': return 'Podcord could not process this feed (an internal error; it has been logged).';
    case 'flooding': return `more than ${p.cap} new episodes within 24 hours, which looks like a broken feed`;
    case 'postAccess': return `the bot may not post there: ${p.discordMessage ?? 'no access'} (${discordCode(p)})`;
    case 'postRefused': return `Discord refused the message: ${p.discordMessage ?? 'refused'} (${discordCode(p)})`;
    case 'postUnavailable':
      if (p.rateLimitSeconds !== undefined) return `rate limited by Discord for ${p.rateLimitSeconds} s`;
      if (p.network !== undefined) return `Discord could not be reached: ${p.network}`;
      return p.discordMessage !== undefined ? `Discord did not take it: ${p.discordMessage} (${discordCode(p)})` : `Discord did not answer: ${discordCode(p)}`;
    case 'channelGone': return 'the channel is gone, or the bot cannot see it';
    case 'otherServer': return 'the channel belongs to another server';
    case 'notFollowed': return 'the podcast is no longer followed';
    case 'episodeGone': return 'the episode left the feed before it could be posted';
    case 'noPodcast': return `No podcast here matches "${p.query}". Pick one from the list as you type, or see /latest.`;
    case 'noEpisode': return `No episode matches "${p.query}". Start typing and pick one from the list, or use /latest.`;
    case 'noEpisodesYet': return 'There are no episodes yet. A server manager can follow a feed with /feed add.';
  }
}

function feedIssueSv(issue: FeedParseIssue): string {
  switch (issue.kind) {
    case 'tooLarge': return `flödet är för stort: ${issue.megabytes.toFixed(1).replace('.', ',')} MB (gränsen är ${issue.limitMegabytes} MB)`;
    case 'undecodable': return 'flödets tecken går inte att avkoda';
    case 'html': return 'det är en webbsida (HTML), inte ett RSS-flöde';
    case 'atom': return 'det är ett Atom-flöde, och bara RSS-flöden stöds';
    case 'json': return 'det är JSON, inte ett RSS-flöde';
    case 'empty': return 'flödet är tomt';
    case 'startsWith': return `det är inte ett RSS-flöde: det börjar med ”${issue.text}”`;
    case 'root': return `det är inte ett RSS-flöde: rotelementet är <${issue.element}>, inte <rss>`;
    case 'noChannel': return 'flödet saknar <channel>';
    case 'truncated': return `flödet är avkortat: det slutar före </channel> (efter ${issue.episodes} hela avsnitt)`;
    case 'noIdentity': return 'flödet saknar titel, länk och adress att känna igen podden på';
    case 'timedOut': return `tolkningen blev inte klar inom ${issue.seconds} s och avbröts`;
    case 'outOfMemory': return `tolkningen behövde mer än ${issue.megabytes} MB minne och avbröts`;
    case 'parserStopped': return 'tolkaren stannade oväntat under läsningen';
  }
}

function problemSv(p: Problem): string {
  const from = 'redirectedFrom' in p && p.redirectedFrom !== undefined ? ` (omdirigerad från ${p.redirectedFrom})` : '';
  switch (p.code) {
    case 'invalidUrl': return `”${p.url}” är ingen giltig adress.${from}`;
    case 'scheme': return `Hämtar inte ${p.url}: bara http- och https-adresser kan hämtas, inte ${p.scheme}.${from}`;
    case 'noHost': return `Hämtar inte ${p.url}: adressen saknar värd.${from}`;
    case 'localName': return `Hämtar inte ${p.url}: ${p.host} är ett lokalt namn, och boten hämtar bara från publika adresser.${from}`;
    case 'privateAddress':
      return `Hämtar inte ${p.url}: den pekar på ${own(ADDRESS_KIND_SV, p.kind) ?? 'en intern adress'} (${p.address}), och boten hämtar bara från publika adresser.${from}`;
    case 'unresolved':
      return p.errno === undefined ? `Kunde inte hämta ${p.url}: värden ${p.host} finns inte.${from}` : `Kunde inte hämta ${p.url}: namnet ${p.host} gick inte att slå upp (${p.errno}).${from}`;
    case 'noAddresses': return `Kunde inte hämta ${p.url}: ${p.host} har inga adresser.${from}`;
    case 'timeout': return `Tidsgränsen (${duration(p.ms)}) gick ut när ${p.url} hämtades.${from}`;
    case 'cancelled': return `Hämtningen av ${p.url} avbröts.${from}`;
    case 'network': {
      const known = own(NETWORK_SV, p.errno);
      const why =
        known !== undefined ? `${known} (${p.errno})`
        : isTls(p.errno) ? `serverns certifikat godtogs inte (${p.errno})`
        : p.errno !== undefined ? `nätverksfel (${p.errno})`
        : 'nätverksfel';
      return `Kunde inte hämta ${p.url}: ${why}.${from}`;
    }
    case 'http': return `Kunde inte hämta ${p.url}: servern svarade med HTTP-status ${p.status}.${from}`;
    case 'redirectNoLocation': return `Kunde inte hämta ${p.url}: servern omdirigerade (HTTP ${p.status}) utan att ange vart.${from}`;
    case 'redirectInvalid': return `Kunde inte hämta ${p.url}: ${p.from} omdirigerar till en ogiltig adress (${p.location}).${from}`;
    case 'redirectLoop': return `Kunde inte hämta ${p.url}: omdirigeringarna går i cirkel vid ${p.at}.${from}`;
    case 'tooManyRedirects': return `Kunde inte hämta ${p.url}: fler än ${p.max} omdirigeringar.${from}`;
    case 'encoding': return `Kunde inte hämta ${p.url}: servern packar svaret på ett sätt som inte stöds (${p.coding}).${from}`;
    case 'tooLarge': return `Hämtar inte ${p.url}: svaret är större än gränsen på ${bytes(p.limitBytes)}.${from}`;
    case 'rangeUnsatisfiable': return `Kunde inte hämta ${p.url}: filen har inga byte ${p.start}–${p.end} (HTTP 416).${from}`;
    case 'notUrl': return `${p.input === undefined ? 'Det' : `”${p.input}”`} är ingen adress. Klistra in flödets adress, som börjar med https://.`;
    case 'notModified': return `${p.url} svarade ”oförändrad” (304) på en vanlig förfrågan.`;
    case 'notFeed': return p.anyMore || p.url === undefined ? `Inte längre ett poddflöde: ${feedIssueSv(p.issue)}.` : `${p.url} är inget poddflöde: ${feedIssueSv(p.issue)}.`;
    case 'internal': return 'Podcord kunde inte behandla flödet (ett internt fel; det är loggat).';
    case 'flooding': return `fler än ${p.cap} nya avsnitt inom 24 timmar, vilket ser ut som ett trasigt flöde`;
    case 'postAccess': {
      const why = own(DISCORD_CODES_SV, p.discordCode);
      return `boten får inte publicera där (${why ? `${why}, ` : ''}${discordCode(p)})`;
    }
    case 'postRefused': {
      const why = own(DISCORD_CODES_SV, p.discordCode);
      return `Discord vägrade ta emot meddelandet (${why ? `${why}, ` : ''}${discordCode(p)})`;
    }
    case 'postUnavailable':
      if (p.rateLimitSeconds !== undefined) return `Discord begränsade takten i ${p.rateLimitSeconds} s`;
      if (p.network !== undefined) return 'Discord gick inte att nå';
      return `Discord tog inte emot det (${discordCode(p)})`;
    case 'channelGone': return 'kanalen finns inte längre, eller så kan boten inte se den';
    case 'otherServer': return 'kanalen hör till en annan server';
    case 'notFollowed': return 'podden följs inte längre';
    case 'episodeGone': return 'avsnittet försvann ur flödet innan det hann publiceras';
    case 'noPodcast': return `Ingen podd här matchar ”${p.query}”. Välj en i listan medan du skriver, eller se /senaste.`;
    case 'noEpisode': return `Inget avsnitt matchar ”${p.query}”. Börja skriva och välj ett i listan, eller använd /senaste.`;
    case 'noEpisodesYet': return 'Det finns inga avsnitt än. En serveradministratör kan följa ett flöde med /flöde lägg-till.';
  }
}

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
  episodeGone: (title: string) => `“${title}” has just left its feed, so there is nothing more to show of it. Run the command again.`,
  /** The catalogue or the topic index is still being read at start: answered instead of an empty or partial answer. */
  stillLoading: (what: string) => `The bot has just started and is still loading ${what}. Please try again in a few seconds.`,
  loadingCatalogue: 'the episodes',
  loadingTopics: 'the topic search',
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
  fromPerson: 'guests and hosts',
  fromSoundbite: 'soundbite',
  // ---- /episode: podcast:person and podcast:soundbite
  persons: 'Guests and hosts',
  soundbites: 'Soundbites',
  /** Podcasting 2.0 roles worth a word of their own; any other is shown as the feed wrote it. */
  personRoles: { host: 'host', 'co-host': 'co-host', cohost: 'co-host', guest: 'guest', 'guest host': 'guest host' } as Readonly<Record<string, string>>,
  soundbiteLength: (seconds: number) => `${seconds} s`,
  andMore: (n: number) => `…and ${n} more`,
  unexpected: 'Sorry, something went wrong on our side. It has been logged; please try again in a moment.',
  databaseBusy: 'The database is busy (another program is using it), so nothing was changed. Please try again in a moment.',
  buttonExpired: 'This button belongs to an episode the bot no longer has. Run the command again.',
  minutes: (m: number) => `${m} min`,
  hoursMinutes: (h: number, m: number) => (m > 0 ? `${h} h ${m} min` : `${h} h`),
  /** For Intl (dates in the console): the language Discord would draw them in. */
  intlLocale: 'en-GB',
  problem: (p: Problem): string => problemEn(p),
  // ---- option validation (never the validator's own words)
  optionRequired: (option: string) => `The option \`${option}\` is required.`,
  optionTooShort: (option: string, min: number) => `The option \`${option}\` needs at least ${min} ${min === 1 ? 'character' : 'characters'}.`,
  optionTooLong: (option: string, max: number) => `The option \`${option}\` takes at most ${max} characters.`,
  optionTooSmall: (option: string, min: number) => `The option \`${option}\` must be at least ${min}.`,
  optionTooBig: (option: string, max: number) => `The option \`${option}\` must be at most ${max}.`,
  optionWholeNumber: (option: string) => `The option \`${option}\` must be a whole number.`,
  optionPickFromList: (option: string) => `The option \`${option}\` must be picked from the list Discord offers.`,
  optionInvalid: (option: string) => `The option \`${option}\` has a value this command cannot use.`,
  subcommandMissing: 'Pick one of the command’s subcommands.',
  // ---- announcing: a test post
  announceCheckFailed: 'Discord could not be asked about the channel just now. Try again in a moment.',
  announceChannelGone: 'The announcement channel no longer exists or the bot cannot see it. Pick another with /announce channel.',
  announceTestRefused: 'Discord refused the post. Check that the bot may send messages and embed links in that channel.',
  announceTestEpisodeGone: 'The newest episode has just left its feed, so there is nothing to post. Try again in a moment.',
  // ---- the local console
  serverManagers: 'For server managers',
  onlyYou: '(only you can see this)',
  artwork: 'artwork',
  consoleBanner: (podcasts: number, episodes: number, noToken: boolean) =>
    `Podcord local console: ${podcasts} podcasts, ${episodes} episodes loaded${noToken ? ' (no DISCORD_TOKEN set, so no Discord)' : ''}.`,
  consoleTry: 'Try: /chapters   /chapters episode:open-source   /topic query:tesla   /episode episode:42   /latest   /help',
  consoleKeys: 'A number clicks a button of the last reply; Tab completes; "exit" quits.',
  localeFallback: (tag: string, supported: string) => `The language "${tag}" is not supported, so the console answers in English (supported: ${supported}).`,
  consoleTypeCommand: 'Type a command, e.g. /chapters or /help.',
  consoleUnknownCommand: (name: string, known: string) => `Unknown command /${name}. Try ${known}.`,
  consoleExpectedOption: (token: string) => `Expected name:value, got "${token}".`,
  consoleNoSuchOption: (command: string, option: string) => `/${command} has no option "${option}".`,
  consoleOptionType: (option: string, type: ConsoleValueType) =>
    `The option ${option} expects ${{ integer: 'a whole number', number: 'a number', boolean: 'true or false', text: 'text' }[type]}.`,
  consoleNoButton: (n: number) => `There is no button ${n} to click.`,
  consoleNoHandler: (prefix: string) => `Nothing handles the button "${prefix}".`,
  consoleFailed: 'Sorry, something went wrong; the details are in the log.',
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
  threadPending: (title: string, attempts: number, retry: string, reason: string) =>
    `⚠️ “${title}” posted but its discussion thread not started yet (${attempts} failed ${attempts === 1 ? 'attempt' : 'attempts'}, next try ${retry}): ${reason}`,
  threadGivenUp: (title: string, attempts: number, reason: string) =>
    `❌ “${title}” posted but its discussion thread not started, given up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}: ${reason}`,
  announceSet: (channel: string, scope: string, role: string | undefined, publish: boolean, thread = false) =>
    `New episodes of ${scope} will be posted in ${channel}${role ? `, mentioning ${role}` : ''}${publish ? ', published to following servers' : ''}${thread ? ', each with a discussion thread holding its chapters' : ''}.`,
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
  // ---- live shows (podcast:liveItem)
  liveNow: '🔴 Live now',
  liveNowDescription: (podcast: string) => `${podcast} is live now. Follow the link to listen.`,
  liveEventAbout: (podcast: string, link: string | undefined) => `A live show of ${podcast}.${link ? ` Listen or watch: ${link}` : ''}`,
  /** As Discord's own settings name them, so a manager finds them in the channel's or the role's permissions. */
  permissionNames: {
    ViewChannel: 'View Channel',
    SendMessages: 'Send Messages (Create Posts in a forum)',
    EmbedLinks: 'Embed Links',
    ReadMessageHistory: 'Read Message History',
    CreatePublicThreads: 'Create Public Threads',
    SendMessagesInThreads: 'Send Messages in Threads',
    CreateEvents: 'Create Events',
  } satisfies Record<AnnouncePermission | 'CreateEvents', string>,
  announceNoEvents: (permission: string) =>
    `Live shows of these podcasts will be posted, but not added to the server’s events: the bot lacks **${permission}**.`,
  announceMissingPermissions: (channel: string, missing: readonly string[]) =>
    `The bot cannot post in ${channel}: it lacks ${missing.length === 1 ? 'the permission' : 'the permissions'} ${missing.map((m) => `**${m}**`).join(', ')} there. Give ${missing.length === 1 ? 'it' : 'them'} to the bot’s role (in the server’s roles or the channel’s permissions) and run /announce channel again.`,
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
  episodeGone: (title) => `”${title}” har precis försvunnit ur sitt flöde, så det finns inget mer att visa. Kör kommandot igen.`,
  stillLoading: (what) => `Boten har precis startat och läser fortfarande in ${what}. Försök igen om några sekunder.`,
  loadingCatalogue: 'avsnitten',
  loadingTopics: 'ämnessökningen',
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
  fromPerson: 'gäster och värdar',
  fromSoundbite: 'ljudklipp',
  persons: 'Gäster och värdar',
  soundbites: 'Ljudklipp',
  personRoles: { host: 'värd', 'co-host': 'medvärd', cohost: 'medvärd', guest: 'gäst', 'guest host': 'gästvärd' },
  soundbiteLength: (seconds: number) => `${seconds} s`,
  andMore: (n: number) => `…och ${n} till`,
  unexpected: 'Förlåt, något gick fel hos oss. Det är loggat; försök igen om en stund.',
  databaseBusy: 'Databasen är upptagen (ett annat program använder den), så inget ändrades. Försök igen om en stund.',
  buttonExpired: 'Knappen hör till ett avsnitt som boten inte längre har. Kör kommandot igen.',
  minutes: (m) => `${m} min`,
  hoursMinutes: (h, m) => (m > 0 ? `${h} h ${m} min` : `${h} h`),
  intlLocale: 'sv-SE',
  problem: (p) => problemSv(p),
  optionRequired: (option) => `Alternativet \`${option}\` måste fyllas i.`,
  optionTooShort: (option, min) => `Alternativet \`${option}\` behöver minst ${min} tecken.`,
  optionTooLong: (option, max) => `Alternativet \`${option}\` får ha högst ${max} tecken.`,
  optionTooSmall: (option, min) => `Alternativet \`${option}\` måste vara minst ${min}.`,
  optionTooBig: (option, max) => `Alternativet \`${option}\` får vara högst ${max}.`,
  optionWholeNumber: (option) => `Alternativet \`${option}\` måste vara ett heltal.`,
  optionPickFromList: (option) => `Alternativet \`${option}\` måste väljas ur listan som Discord visar.`,
  optionInvalid: (option) => `Alternativet \`${option}\` har ett värde som kommandot inte kan använda.`,
  subcommandMissing: 'Välj ett av kommandots underkommandon.',
  announceCheckFailed: 'Det gick inte att fråga Discord om kanalen just nu. Försök igen om en stund.',
  announceChannelGone: 'Annonseringskanalen finns inte längre, eller så kan boten inte se den. Välj en annan med /annonsera kanal.',
  announceTestRefused: 'Discord vägrade inlägget. Kontrollera att boten får skicka meddelanden och bädda in länkar i kanalen.',
  announceTestEpisodeGone: 'Det senaste avsnittet har precis försvunnit ur sitt flöde, så det finns inget att posta. Försök igen om en stund.',
  serverManagers: 'För serveradministratörer',
  onlyYou: '(bara du kan se detta)',
  artwork: 'omslagsbild',
  consoleBanner: (podcasts, episodes, noToken) =>
    `Podcords lokala konsol: ${podcasts} poddar, ${episodes} avsnitt inlästa${noToken ? ' (ingen DISCORD_TOKEN angiven, alltså ingen Discord)' : ''}.`,
  consoleTry: 'Prova: /kapitel   /kapitel avsnitt:open-source   /ämne sökord:tesla   /avsnitt avsnitt:42   /senaste   /hjälp',
  consoleKeys: 'En siffra klickar på en knapp i senaste svaret; Tab fyller i; ”exit” avslutar.',
  localeFallback: (tag, supported) => `Språket ”${tag}” stöds inte, så konsolen svarar på engelska (språk som stöds: ${supported}).`,
  consoleTypeCommand: 'Skriv ett kommando, t.ex. /kapitel eller /hjälp.',
  consoleUnknownCommand: (name, known) => `Okänt kommando /${name}. Prova ${known}.`,
  consoleExpectedOption: (token) => `Väntade namn:värde, fick ”${token}”.`,
  consoleNoSuchOption: (command, option) => `/${command} har inget alternativ ”${option}”.`,
  consoleOptionType: (option, type) =>
    `Alternativet ${option} ska vara ${{ integer: 'ett heltal', number: 'ett tal', boolean: 'true eller false', text: 'text' }[type]}.`,
  consoleNoButton: (n) => `Det finns ingen knapp ${n} att klicka på.`,
  consoleNoHandler: (prefix) => `Inget hanterar knappen ”${prefix}”.`,
  consoleFailed: 'Förlåt, något gick fel; detaljerna finns i loggen.',
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
  postPending: (title, attempts, retry, reason) =>
    `⚠️ ”${title}” inte publicerat än (${attempts} ${attempts === 1 ? 'misslyckat' : 'misslyckade'} försök, nästa ${retry}): ${reason}`,
  postGivenUp: (title, attempts, reason) => `❌ ”${title}” inte publicerat, gav upp efter ${attempts} försök: ${reason}`,
  publishPending: (title, attempts, retry, reason) =>
    `⚠️ ”${title}” publicerat men inte delat än (${attempts} ${attempts === 1 ? 'misslyckat' : 'misslyckade'} försök, nästa ${retry}): ${reason}`,
  publishGivenUp: (title, attempts, reason) => `❌ ”${title}” publicerat men inte delat, gav upp efter ${attempts} försök: ${reason}`,
  threadPending: (title, attempts, retry, reason) =>
    `⚠️ ”${title}” publicerat men diskussionstråden inte startad än (${attempts} ${attempts === 1 ? 'misslyckat' : 'misslyckade'} försök, nästa ${retry}): ${reason}`,
  threadGivenUp: (title, attempts, reason) => `❌ ”${title}” publicerat men diskussionstråden inte startad, gav upp efter ${attempts} försök: ${reason}`,
  announceSet: (channel, scope, role, publish, thread = false) =>
    `Nya avsnitt av ${scope} publiceras i ${channel}${role ? ` och nämner ${role}` : ''}${publish ? ', och delas till servrar som följer kanalen' : ''}${thread ? ', var och en med en diskussionstråd med kapitlen' : ''}.`,
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
  liveNow: '🔴 Live nu',
  liveNowDescription: (podcast) => `${podcast} sänder live nu. Följ länken för att lyssna.`,
  liveEventAbout: (podcast, link) => `En livesändning av ${podcast}.${link ? ` Lyssna eller titta: ${link}` : ''}`,
  permissionNames: {
    ViewChannel: 'Visa kanal',
    SendMessages: 'Skicka meddelanden (Skapa inlägg i ett forum)',
    EmbedLinks: 'Bädda in länkar',
    ReadMessageHistory: 'Läs meddelandehistorik',
    CreatePublicThreads: 'Skapa offentliga trådar',
    SendMessagesInThreads: 'Skicka meddelanden i trådar',
    CreateEvents: 'Skapa evenemang',
  },
  announceNoEvents: (permission) =>
    `Livesändningar av poddarna publiceras, men läggs inte till bland serverns evenemang: boten saknar **${permission}**.`,
  announceMissingPermissions: (channel, missing) =>
    `Boten kan inte publicera i ${channel}: den saknar ${missing.length === 1 ? 'behörigheten' : 'behörigheterna'} ${missing.map((m) => `**${m}**`).join(', ')} där. Ge ${missing.length === 1 ? 'den' : 'dem'} till botens roll (under serverns roller eller kanalens behörigheter) och kör /annonsera kanal igen.`,
};

export function stringsFor(locale: string): Strings {
  return locale.toLowerCase().startsWith('sv') ? sv : en;
}

/** The languages replies are written in; any other locale is answered in English. */
export const SUPPORTED_LOCALES = ['en-US', 'en-GB', 'sv-SE'] as const;

/** Whether `locale` gets replies in its own language (English or Swedish, any region) rather than the English fallback. */
export function isSupportedLocale(locale: string): boolean {
  return /^(en|sv)(-|$)/i.test(locale);
}

export function formatDuration(seconds: number, s: Strings): string {
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? s.minutes(minutes) : s.hoursMinutes(Math.floor(minutes / 60), minutes % 60);
}
