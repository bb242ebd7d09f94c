import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseJsonChapters } from '../data/chapters/parseJsonChapters.js';
import { validateShowNotesChapters } from '../data/chapters/validateShowNotesChapters.js';
import { parseFeed } from '../data/feed/parseFeed.js';
import { chapterLink, formatTimestamp } from '../data/links.js';
import { err, ok, type Episode, type ParsedFeed, type Result } from '../data/model.js';
import { parseEpisodePage } from '../data/page/parseEpisodePage.js';
import { fetchResource } from '../sources/fetchResource.js';
import { inspectMp3, withAudioChapters } from './inspectAudio.js';

/**
 * `npm run inspect -- <file or URL> [--json] [--episode N]`: what Podcord sees in a feed, a chapters JSON file or a
 * plain-text page of show notes. For podcast hosts checking their feed, and for us checking the parser.
 */

const USAGE = `Usage: npm run inspect -- <file or URL> [--json] [--episode N] [--allow-private-network]

  <file or URL>   an RSS feed, a Podcasting 2.0 chapters JSON file, a plain-text page of show notes, or an MP3
                  (its ID3 chapters; a URL is read with range requests, the tag only)
  --json          print one JSON document: {"podcast":{...},"episodes":[{...,"chapters":[...]}]}
  --episode N     only episode N (its itunes:episode number, else its position, 1 = newest), with the chapters
                  of its MP3's ID3 tag when no chapters file outranks them
  --allow-private-network   allow URLs on loopback or private addresses`;

export interface InspectJson {
  podcast: { title: string; link?: string; author?: string; language?: string };
  episodes: {
    id: string;
    title: string;
    publishedAt?: string;
    durationSeconds?: number;
    audioUrl?: string;
    chapters: { startSeconds: number; title: string; source: string; url?: string }[];
  }[];
}

/** Bytes to a feed: RSS, chapters JSON or a plain-text page, told apart by their first characters. */
export function interpret(bytes: Uint8Array, name: string, contentType?: string): Result<ParsedFeed> {
  const head = new TextDecoder().decode(bytes.subarray(0, 2048)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    const parsed = parseJsonChapters(new TextDecoder().decode(bytes));
    if (!parsed.ok) return parsed;
    const episode: Episode = { id: name, title: name, description: '', transcripts: [], chapters: parsed.value.chapters };
    return ok({ podcast: { id: name, title: name, categories: [] }, episodes: [episode] });
  }
  if (/^(<\?xml|<rss|<feed|<!DOCTYPE|<\w+:)/i.test(head) || /<rss[\s>]/i.test(head)) {
    return parseFeed(bytes, { ...(contentType && { contentType }), ...(/^https?:/.test(name) && { feedUrl: name }) });
  }
  const page = parseEpisodePage(new TextDecoder().decode(bytes));
  if (!page.ok) return page;
  return ok({ podcast: { id: name, title: page.value.podcastTitle ?? page.value.episode.title, categories: [] }, episodes: [page.value.episode] });
}

export function selectEpisodes(episodes: readonly Episode[], n: number | undefined): Result<Episode[]> {
  if (n === undefined) return ok([...episodes]);
  const byNumber = episodes.find((e) => e.episodeNumber === n);
  const chosen = byNumber ?? episodes[n - 1];
  return chosen ? ok([chosen]) : err(`There is no episode ${n} (the feed has ${episodes.length}).`);
}

export function toInspectJson(feed: ParsedFeed, episodes: readonly Episode[]): InspectJson {
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
      chapters: e.chapters.map((c) => {
        const url = chapterLink(podcast, e, c.startSeconds);
        return { startSeconds: c.startSeconds, title: c.title, source: c.source, ...(url && { url }) };
      }),
    })),
  };
}

export function describe(feed: ParsedFeed, episodes: readonly Episode[], all: boolean): string {
  const { podcast } = feed;
  const lines = [`${podcast.title}${podcast.author ? ` — ${podcast.author}` : ''}`, `${feed.episodes.length} episode(s)`, ''];
  const shown = all ? episodes.slice(0, 10) : episodes;
  for (const e of shown) {
    const facts = [e.publishedAt?.slice(0, 10), e.durationSeconds !== undefined ? formatTimestamp(e.durationSeconds) : undefined, e.episodeNumber !== undefined ? `#${e.episodeNumber}` : undefined]
      .filter(Boolean)
      .join(' · ');
    lines.push(`■ ${e.title}${facts ? `  (${facts})` : ''}`);
    if (e.chapters.length === 0) lines.push('  no chapters');
    for (const c of e.chapters) {
      const link = chapterLink(podcast, e, c.startSeconds);
      lines.push(`  ${formatTimestamp(c.startSeconds).padStart(8)}  ${c.title}${link ? `  ${link}` : ''}`);
    }
    if (e.chapters.length > 0) lines.push(`  (chapters from ${e.chapters[0]?.source})`);
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
    if (!fetched.ok) return fetched;
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
  const n = args.values.episode === undefined ? undefined : Number(args.values.episode);
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
    errOut.write(`inspect: --episode takes a positive whole number, not "${args.values.episode}".\n`);
    return 1;
  }
  const allowPrivate = args.values['allow-private-network'] ?? false;
  const mp3 = await inspectMp3(source, allowPrivate);
  if (mp3 !== undefined && !mp3.ok) return fail(errOut, mp3.error);
  const notes: string[] = mp3?.ok ? [mp3.value.note] : [];
  let feed: Result<ParsedFeed>;
  if (mp3?.ok) feed = ok(mp3.value.feed);
  else {
    const input = await readSource(source, allowPrivate);
    if (!input.ok) return fail(errOut, input.error);
    feed = interpret(input.value.bytes, /^https?:/i.test(source) ? source : basename(source), input.value.contentType);
  }
  if (!feed.ok) return fail(errOut, feed.error);
  const episodes = selectEpisodes(feed.value.episodes, n);
  if (!episodes.ok) return fail(errOut, episodes.error);
  // One episode asked for: its MP3's chapters too (a whole feed would be one read per episode).
  const [only] = episodes.value;
  if (n !== undefined && only !== undefined && mp3 === undefined) {
    const withAudio = await withAudioChapters(only, allowPrivate);
    episodes.value = [withAudio.episode];
    if (withAudio.note !== undefined) notes.push(withAudio.note);
  }
  if (args.values.json) out.write(`${JSON.stringify(toInspectJson(feed.value, episodes.value))}\n`);
  else out.write(`${describe(feed.value, episodes.value, n === undefined)}\n${notes.map((note) => `${note}\n`).join('')}`);
  return 0;
}

function fail(errOut: NodeJS.WritableStream, message: string): number {
  errOut.write(`inspect: ${message.split('\n')[0]}\n`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2), process.stdout, process.stderr);
}
