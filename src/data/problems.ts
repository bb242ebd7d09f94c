/**
 * Why something a person asked for could not be done, as data rather than an English sentence: each reader's
 * language words it (src/messages/strings.ts `problem`), the operator's log gets the English wording, and advice
 * meant for the operator (environment variables) is never part of it. Stored problems (a feed's last error, a
 * post's reason) are kept as JSON text, so /feed list words them in the language of whoever asks.
 */

/** Fields every fetch problem may carry: a refusal at a later hop names the address first asked for. */
interface FetchContext {
  url: string;
  redirectedFrom?: string;
}

/** What fetching a feed, chapters file or transcript ran into (src/sources/fetchResource, vetUrl). */
export type FetchProblem = FetchContext &
  (
    | { code: 'invalidUrl' }
    | { code: 'scheme'; scheme: string }
    | { code: 'noHost' }
    | { code: 'localName'; host: string }
    /** `kind` as classifyAddress names it: loopback, private, link-local, unique local, multicast... */
    | { code: 'privateAddress'; kind: string; address: string }
    /** `errno` undefined: no such host. */
    | { code: 'unresolved'; host: string; errno?: string; detail?: string }
    | { code: 'noAddresses'; host: string }
    | { code: 'timeout'; ms: number }
    | { code: 'cancelled' }
    /** A connection or stream error: `errno` (ECONNREFUSED...) when there is one, `detail` the system's own text. */
    | { code: 'network'; errno?: string; detail?: string }
    | { code: 'http'; status: number; statusText?: string }
    | { code: 'redirectNoLocation'; status: number }
    | { code: 'redirectInvalid'; from: string; location: string }
    | { code: 'redirectLoop'; at: string }
    | { code: 'tooManyRedirects'; max: number }
    | { code: 'encoding'; coding: string }
    | { code: 'tooLarge'; limitBytes: number }
    /** A range read (the head of an MP3) the server answered 416: the file holds no such bytes. */
    | { code: 'rangeUnsatisfiable'; start: number; end: number }
  );

/** Why bytes are not a podcast feed the parser can read (parseFeedDetailed), or why its parse was stopped (ParsePool). */
export type FeedParseIssue =
  | { kind: 'tooLarge'; megabytes: number; limitMegabytes: number }
  | { kind: 'undecodable' }
  | { kind: 'html' }
  | { kind: 'atom' }
  | { kind: 'json' }
  | { kind: 'empty' }
  | { kind: 'startsWith'; text: string }
  | { kind: 'root'; element: string }
  | { kind: 'noChannel' }
  | { kind: 'truncated'; episodes: number }
  | { kind: 'noIdentity' }
  | { kind: 'timedOut'; seconds: number }
  | { kind: 'outOfMemory'; megabytes: number }
  | { kind: 'parserStopped' };

/** A parse issue in English, as the parser has always said it (inspect, the log, English readers). */
export function describeFeedIssue(issue: FeedParseIssue): string {
  switch (issue.kind) {
    case 'tooLarge': return `The feed is too large: ${issue.megabytes.toFixed(1)} MB (the limit is ${issue.limitMegabytes} MB)`;
    case 'undecodable': return 'The feed could not be decoded';
    case 'html': return 'This is an HTML page, not an RSS feed';
    case 'atom': return 'This is an Atom feed; only RSS feeds are supported';
    case 'json': return 'This is JSON, not an RSS feed';
    case 'empty': return 'The feed is empty';
    case 'startsWith': return `This is not an RSS feed: it starts with "${issue.text}"`;
    case 'root': return `This is not an RSS feed: its root element is <${issue.element}>, not <rss>`;
    case 'noChannel': return 'The feed has no <channel>';
    case 'truncated': return `The feed is truncated: it ends before </channel> (after ${issue.episodes} complete episode${issue.episodes === 1 ? '' : 's'})`;
    case 'noIdentity': return 'The feed has no title, link or URL to identify the podcast by';
    case 'timedOut': return `parsing it did not finish within ${issue.seconds} s, so it was stopped`;
    case 'outOfMemory': return `parsing it needed more than ${issue.megabytes} MB of memory, so it was stopped`;
    case 'parserStopped': return 'the parser stopped unexpectedly while reading it';
  }
}

/** What following or checking a feed ran into. */
export type FeedProblem =
  | FetchProblem
  /** `input` left out when it may hold a password (text with an @ that does not parse). */
  | { code: 'notUrl'; input?: string }
  | { code: 'notModified'; url: string }
  /** `anyMore`: a feed followed before that no longer parses. */
  | { code: 'notFeed'; url?: string; issue: FeedParseIssue; anyMore?: boolean }
  | { code: 'internal' }
  /** Paused by the announcer: more new episodes in a day than a working feed brings. */
  | { code: 'flooding'; cap: number };

/** Why a post (or its publishing) failed; `discordMessage` is Discord's own English text, kept for English readers. */
export type PostProblem =
  | { code: 'postAccess'; discordCode?: number; status?: number; discordMessage?: string }
  | { code: 'postRefused'; discordCode?: number; status?: number; discordMessage?: string }
  | { code: 'postUnavailable'; discordCode?: number; status?: number; discordMessage?: string; rateLimitSeconds?: number; network?: string }
  | { code: 'channelGone' }
  | { code: 'otherServer' }
  | { code: 'notFollowed' }
  | { code: 'episodeGone' };

/** What a catalogue lookup (a command's `episode` or `podcast` option) found nothing for. */
export type LookupProblem = { code: 'noPodcast'; query: string } | { code: 'noEpisode'; query: string } | { code: 'noEpisodesYet' };

export type Problem = FeedProblem | PostProblem | LookupProblem;

/** Advice for whoever runs the bot, never for the person who asked: it goes to the log beside the problem. */
export function operatorAdvice(problem: Problem): string | undefined {
  if (problem.code === 'localName' || problem.code === 'privateAddress') {
    return 'Set ALLOW_PRIVATE_NETWORK=true to allow private addresses (the bot then fetches from this machine’s networks).';
  }
  return undefined;
}

/** As stored (a feed's last error, a post's reason, a pause). */
export function encodeProblem(problem: Problem): string {
  return JSON.stringify(problem);
}

const CODES = new Set<string>([
  'invalidUrl', 'scheme', 'noHost', 'localName', 'privateAddress', 'unresolved', 'noAddresses', 'timeout', 'cancelled', 'network', 'http',
  'redirectNoLocation', 'redirectInvalid', 'redirectLoop', 'tooManyRedirects', 'encoding', 'tooLarge', 'rangeUnsatisfiable', 'notUrl', 'notModified', 'notFeed',
  'internal', 'flooding', 'postAccess', 'postRefused', 'postUnavailable', 'channelGone', 'otherServer', 'notFollowed', 'episodeGone',
  'noPodcast', 'noEpisode', 'noEpisodesYet',
]);

/**
 * A stored problem, or undefined for text stored before problems were kept as data (shown as it is) or for anything
 * else that is not one.
 */
export function decodeProblem(text: string): Problem | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const code = (value as { code?: unknown }).code;
    return typeof code === 'string' && CODES.has(code) ? (value as Problem) : undefined;
  } catch {
    return undefined;
  }
}

/** Every text field passed through `f` (redaction of credentials, markdown escaping), nested ones too; codes and numbers left alone. */
export function mapProblemText<P extends object>(problem: P, f: (text: string) => string): P {
  return Object.fromEntries(
    Object.entries(problem).map(([key, value]) => [
      key,
      key === 'code' || key === 'kind' ? value : typeof value === 'string' ? f(value) : typeof value === 'object' && value !== null ? mapProblemText(value, f) : value,
    ]),
  ) as P;
}
