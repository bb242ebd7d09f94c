import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAllowPrivateNetwork } from '../config.js';
import { Catalog, EVERY_PODCAST } from '../data/catalog.js';
import { parseJsonChapters } from '../data/chapters/parseJsonChapters.js';
import { validateShowNotesChapters } from '../data/chapters/validateShowNotesChapters.js';
import { detectCharset } from '../data/feed/detectCharset.js';
import { parseFeed } from '../data/feed/parseFeed.js';
import { chapterLinker, formatTimestamp } from '../data/links.js';
import { err, ok, type Episode, type ParsedFeed, type Result } from '../data/model.js';
import { parseEpisodePage } from '../data/page/parseEpisodePage.js';
import { operatorAdvice } from '../data/problems.js';
import { describeProblem } from '../messages/problemText.js';
import { fetchResource, SIDECAR_MAX_BYTES } from '../sources/fetchResource.js';
import { inspectMp3, withAudioChapters } from './inspectAudio.js';

/**
 * `npm run inspect -- <file or URL> [--json] [--episode N]`: what Podcord sees in a feed, a chapters JSON file or a
 * plain-text page of show notes. For podcast hosts checking their feed, and for us checking the parser.
 */

/** Episodes the text output lists when no --episode is given. */
const TEXT_EPISODES = 10;
/** Chapters files fetched per run at most: the newest episodes shown (the text lists 10 at most anyway). */
const MAX_CHAPTER_FETCHES = 10;
/** What the bot's poller asks a chapters host for. */
const CHAPTERS_ACCEPT = 'application/json+chapters, application/json;q=0.9, */*;q=0.5';

const USAGE = `Usage: npm run inspect -- <file or URL> [--json] [--episode N] [--allow-private-network]

  <file or URL>   an RSS feed, a Podcasting 2.0 chapters JSON file, a plain-text page of show notes, or an MP3
                  (its ID3 chapters; a URL is read with range requests, the tag only)
  --json          print one JSON document: {"podcast":{...},"episodes":[{...,"chapters":[...]}]}
  --episode N     only episode N, as /episode episode:N finds it: the newest episode numbered N (itunes:episode),
                  else the newest whose title has N as a word (or as the start of one); with the chapters of its
                  MP3's ID3 tag when no chapters file outranks them
  --allow-private-network   allow URLs on loopback or private addresses (also ALLOW_PRIVATE_NETWORK=true in the
                  environment or .env)

A feed's <podcast:chapters> files are fetched as the bot fetches them, for the ${MAX_CHAPTER_FETCHES} newest episodes shown.`;

export interface InspectJson {
  podcast: { title: string; link?: string; author?: string; language?: string };
  episodes: {
    id: string;
    title: string;
    publishedAt?: string;
    durationSeconds?: number;
    audioUrl?: string;
    chaptersUrl?: string;
    /** Why the chapters file was not used, when the episode links one. */
    chaptersUrlProblem?: string;
    chapters: { startSeconds: number; title: string; source: string; url?: string }[];
  }[];
}

/** Why each episode's chapters file (by episode id) was not used: not fetched, unreadable, or empty. */
export type ChapterFileProblems = ReadonlyMap<string, string>;

// A feed's root (or its XML declaration) anywhere in the document: hosts put BOMs, blank lines, PHP warnings and HTML
// comments of any length before it, and parseFeed reads past them.
const FEED_MARK = /<(?:\?xml\s|rss[\s>]|rdf:RDF[\s>]|feed[\s>])/i;

/**
 * Bytes to a feed: chapters JSON (starts with `{` or `[`), RSS (an XML declaration or a feed root anywhere, whatever
 * comes before it), or else a plain-text page. The text is read in the charset the feed parser would pick (BOM, XML
 * declaration, Content-Type), so a UTF-16 feed is recognised too.
 */
export function interpret(bytes: Uint8Array, name: string, contentType?: string): Result<ParsedFeed> {
  const label = detectCharset(bytes, contentType).attempts[0]?.label ?? 'utf-8';
  const text = new TextDecoder(label).decode(bytes);
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    const parsed = parseJsonChapters(text);
    if (!parsed.ok) return parsed;
    const episode: Episode = { id: name, title: name, description: '', transcripts: [], chapters: parsed.value.chapters };
    return ok({ podcast: { id: name, title: name, categories: [] }, episodes: [episode] });
  }
  if (/^(<!DOCTYPE|<\w+:)/i.test(head) || FEED_MARK.test(text)) {
    return parseFeed(bytes, { ...(contentType && { contentType }), ...(/^https?:/.test(name) && { feedUrl: name }) });
  }
  const page = parseEpisodePage(text);
  if (!page.ok) return page;
  return ok({ podcast: { id: name, title: page.value.podcastTitle ?? page.value.episode.title, categories: [] }, episodes: [page.value.episode] });
}

/**
 * Episode N as `/episode episode:N` finds it (Catalog.resolveEpisode: the newest episode numbered N, else the newest
 * whose title has the word N), or every episode when no N is given.
 */
export function selectEpisodes(feed: ParsedFeed, n: string | undefined): Result<Episode[]> {
  if (n === undefined) return ok([...feed.episodes]);
  const catalog = new Catalog();
  catalog.upsert(feed.podcast, feed.episodes);
  const found = catalog.resolveEpisode(n, undefined, EVERY_PODCAST);
  // The catalogue keeps summaries: the episode itself is the feed's.
  const episode = found.ok ? feed.episodes.find((e) => e.id === found.value.episode.id) : undefined;
  return episode !== undefined
    ? ok([episode])
    : err(`No episode matches "${n}": as /episode reads it, that is an episode number or words of a title (the feed has ${feed.episodes.length} episodes).`);
}

/**
 * Podcasting 2.0 chapters files of `episodes` (the first MAX_CHAPTER_FETCHES that link one), fetched with the bot's
 * guard and size cap and applied as the bot applies them: a file with chapters replaces the feed's own list. Returns
 * why a linked file was not used, by episode id.
 */
export async function attachChapterFiles(
  episodes: readonly Episode[],
  options: { allowPrivateNetwork: boolean },
): Promise<Map<string, string>> {
  const problems = new Map<string, string>();
  const linked = episodes.filter((e) => e.chaptersUrl !== undefined);
  for (const episode of linked.slice(MAX_CHAPTER_FETCHES)) problems.set(episode.id, `not fetched (only the ${MAX_CHAPTER_FETCHES} newest shown are; use --episode N)`);
  await Promise.all(
    linked.slice(0, MAX_CHAPTER_FETCHES).map(async (episode) => {
      const url = episode.chaptersUrl ?? '';
      const fetched = await fetchResource(url, { allowPrivateNetwork: options.allowPrivateNetwork, maxBytes: SIDECAR_MAX_BYTES, accept: CHAPTERS_ACCEPT });
      if (!fetched.ok) return problems.set(episode.id, `not fetched: ${describeProblem(fetched.error)}`);
      if (fetched.value.status !== 'ok') return problems.set(episode.id, 'not fetched: the server answered "not modified" to an unconditional request');
      const parsed = parseJsonChapters(new TextDecoder().decode(fetched.value.bytes));
      if (!parsed.ok) return problems.set(episode.id, `not read: ${parsed.error}`);
      if (parsed.value.chapters.length === 0) return problems.set(episode.id, 'has no chapters');
      episode.chapters = parsed.value.chapters;
      return undefined;
    }),
  );
  return problems;
}

export function toInspectJson(feed: ParsedFeed, episodes: readonly Episode[], problems: ChapterFileProblems = new Map()): InspectJson {
  const { podcast } = feed;
  return {
    podcast: {
      title: podcast.title,
      ...(podcast.link && { link: podcast.link }),
      ...(podcast.author && { author: podcast.author }),
      ...(podcast.language && { language: podcast.language }),
    },
    episodes: episodes.map((e) => ({
      id: e.id,
      title: e.title,
      ...(e.publishedAt && { publishedAt: e.publishedAt }),
      ...(e.durationSeconds !== undefined && { durationSeconds: e.durationSeconds }),
      ...(e.audioUrl && { audioUrl: e.audioUrl }),
      ...(e.chaptersUrl && { chaptersUrl: e.chaptersUrl }),
      ...(problems.has(e.id) && { chaptersUrlProblem: problems.get(e.id) ?? '' }),
      chapters: chaptersWithLinks(podcast, e),
    })),
  };
}

function chaptersWithLinks(podcast: ParsedFeed['podcast'], episode: Episode): InspectJson['episodes'][number]['chapters'] {
  const link = chapterLinker(podcast, episode);
  return episode.chapters.map((c) => {
    const url = link(c.startSeconds);
    return { startSeconds: c.startSeconds, title: c.title, source: c.source, ...(url && { url }) };
  });
}

export function describe(feed: ParsedFeed, episodes: readonly Episode[], all: boolean, problems: ChapterFileProblems = new Map()): string {
  const { podcast } = feed;
  const lines = [`${podcast.title}${podcast.author ? ` — ${podcast.author}` : ''}`, `${feed.episodes.length} episode(s)`, ''];
  const shown = all ? episodes.slice(0, TEXT_EPISODES) : episodes;
  for (const e of shown) {
    const facts = [e.publishedAt?.slice(0, 10), e.durationSeconds !== undefined ? formatTimestamp(e.durationSeconds) : undefined, e.episodeNumber !== undefined ? `#${e.episodeNumber}` : undefined]
      .filter(Boolean)
      .join(' · ');
    lines.push(`■ ${e.title}${facts ? `  (${facts})` : ''}`);
    if (e.chapters.length === 0) lines.push('  no chapters');
    for (const c of chaptersWithLinks(podcast, e)) {
      lines.push(`  ${formatTimestamp(c.startSeconds).padStart(8)}  ${c.title}${c.url ? `  ${c.url}` : ''}`);
    }
    if (e.chapters.length > 0) lines.push(`  (chapters from ${e.chapters[0]?.source === 'json' && e.chaptersUrl ? `json: ${e.chaptersUrl}` : e.chapters[0]?.source})`);
    const problem = problems.get(e.id);
    if (problem !== undefined) lines.push(`  chapters file ${e.chaptersUrl}: ${problem}`);
    if (e.description.trim() !== '') {
      const verdict = validateShowNotesChapters(e.description, e.durationSeconds);
      for (const p of verdict.platforms) {
        lines.push(`  ${p.ok ? '✓' : '✗'} ${p.platform}${p.ok ? ' would show these chapters' : `: ${p.reasons.join(' ')}`}`);
      }
    }
    lines.push('');
  }
  if (all && episodes.length > shown.length) lines.push(`… and ${episodes.length - shown.length} more (use --episode N or --json).`);
  return lines.join('\n');
}

async function readSource(source: string, allowPrivateNetwork: boolean): Promise<Result<{ bytes: Uint8Array; contentType?: string }>> {
  if (/^https?:\/\//i.test(source)) {
    const fetched = await fetchResource(source, { allowPrivateNetwork, maxBytes: 15 * 1024 * 1024 });
    // The person running inspect is the operator: the advice meant for them is shown with the problem.
    if (!fetched.ok) return err([describeProblem(fetched.error), operatorAdvice(fetched.error)].filter(Boolean).join(' '));
    if (fetched.value.status !== 'ok') return err(`${source} answered "not modified" to an unconditional request.`);
    return ok({ bytes: fetched.value.bytes, ...(fetched.value.contentType && { contentType: fetched.value.contentType }) });
  }
  try {
    return ok({ bytes: await readFile(source) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? `No such file: ${source}` : `Cannot read ${source}: ${(error as Error).message}`);
  }
}

export async function main(argv: readonly string[], out: NodeJS.WritableStream, errOut: NodeJS.WritableStream): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { json: { type: 'boolean' }, episode: { type: 'string' }, help: { type: 'boolean', short: 'h' }, 'allow-private-network': { type: 'boolean' } },
    });
  } catch (error) {
    errOut.write(`inspect: ${(error as Error).message}\n${USAGE}\n`);
    return 1;
  }
  if (args.values.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const source = args.positionals[0];
  if (!source || args.positionals.length > 1) {
    errOut.write(`inspect: give exactly one file or URL.\n${USAGE}\n`);
    return 1;
  }
  const n = args.values.episode?.trim();
  if (n === '') {
    errOut.write(`inspect: --episode needs an episode number (or title words, as /episode takes them).\n`);
    return 1;
  }
  // The flag, or ALLOW_PRIVATE_NETWORK as the bot reads it (the environment over .env).
  const configured = loadAllowPrivateNetwork();
  if (!configured.ok) return fail(errOut, configured.error.replace(/\n\s*/g, ' '));
  const allowPrivateNetwork = (args.values['allow-private-network'] ?? false) || configured.value;
  const mp3 = await inspectMp3(source, allowPrivateNetwork);
  if (mp3 !== undefined && !mp3.ok) return fail(errOut, mp3.error);
  const notes: string[] = mp3?.ok ? [mp3.value.note] : [];
  let feed: Result<ParsedFeed>;
  if (mp3?.ok) feed = ok(mp3.value.feed);
  else {
    const input = await readSource(source, allowPrivateNetwork);
    if (!input.ok) return fail(errOut, input.error);
    feed = interpret(input.value.bytes, /^https?:/i.test(source) ? source : basename(source), input.value.contentType);
  }
  if (!feed.ok) return fail(errOut, feed.error);
  const episodes = selectEpisodes(feed.value, n);
  if (!episodes.ok) return fail(errOut, episodes.error);
  const all = n === undefined;
  const shown = args.values.json || !all ? episodes.value : episodes.value.slice(0, TEXT_EPISODES);
  const problems = await attachChapterFiles(shown, { allowPrivateNetwork });
  // One episode asked for: its MP3's chapters too (a whole feed would be one read per episode), after its chapters
  // file, which outranks them.
  const [only] = episodes.value;
  if (!all && only !== undefined && mp3 === undefined) {
    const withAudio = await withAudioChapters(only, allowPrivateNetwork);
    episodes.value = [withAudio.episode];
    if (withAudio.note !== undefined) notes.push(withAudio.note);
  }
  out.write(
    args.values.json
      ? `${JSON.stringify(toInspectJson(feed.value, episodes.value, problems))}\n`
      : `${describe(feed.value, episodes.value, all, problems)}\n${notes.map((note) => `${note}\n`).join('')}`,
  );
  return 0;
}

function fail(errOut: NodeJS.WritableStream, message: string): number {
  errOut.write(`inspect: ${message.split('\n')[0]}\n`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2), process.stdout, process.stderr);
}
