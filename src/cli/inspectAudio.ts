import { basename } from 'node:path';
import { readFile } from 'node:fs/promises';
import { pickChapters } from '../data/chapters/pickChapters.js';
import { err, ok, type Episode, type ParsedFeed, type Result } from '../data/model.js';
import { parseAudioTag } from '../sources/parseAudioTag.js';
import { id3TagSize, mayCarryId3, readAudioChapters } from '../sources/readAudioChapters.js';

/**
 * What `inspect` reads of audio files: an MP3 given itself (a file, or a URL read with range requests: the tag, never
 * the audio), and the enclosure of the one episode asked for with --episode, whose ID3 chapters then outrank Podlove
 * and show-notes chapters as they do in the bot. `note` says how much was read, or why there were none.
 */

export interface AudioInspection {
  feed: ParsedFeed;
  note: string;
}

/** An MP3 to inspect as one episode with its ID3 chapters, or undefined when `source` is not one (a feed...). */
export async function inspectMp3(source: string, allowPrivateNetwork: boolean): Promise<Result<AudioInspection> | undefined> {
  const isUrl = /^https?:\/\//i.test(source);
  if (!/\.mp3$/i.test(isUrl ? safePath(source) : source)) return undefined;
  const chapters = isUrl ? await remoteChapters(source, allowPrivateNetwork) : await localChapters(source);
  if (!chapters.ok) return chapters;
  const name = isUrl ? source : basename(source);
  const episode: Episode = { id: name, title: name, description: '', transcripts: [], chapters: chapters.value.chapters, ...(isUrl && { audioUrl: source }) };
  return ok({ feed: { podcast: { id: name, title: name, categories: [] }, episodes: [episode] }, note: chapters.value.note });
}

/** The episode with its enclosure's ID3 chapters when they outrank what it shows (feed chapters: psc, notes). */
export async function withAudioChapters(episode: Episode, allowPrivateNetwork: boolean): Promise<{ episode: Episode; note?: string }> {
  const shown = episode.chapters[0]?.source;
  if (episode.audioUrl === undefined || shown === 'json' || !mayCarryId3(episode.audioUrl, episode.audioType)) return { episode };
  const read = await remoteChapters(episode.audioUrl, allowPrivateNetwork);
  if (!read.ok) return { episode, note: `audio file: ${read.error}` };
  const psc = shown === 'psc' ? episode.chapters : [];
  const chapters = pickChapters({ audio: read.value.chapters, psc, notes: episode.description, ...(episode.durationSeconds !== undefined && { durationSeconds: episode.durationSeconds }) });
  return { episode: { ...episode, chapters }, note: `audio file: ${read.value.note}` };
}

async function remoteChapters(url: string, allowPrivateNetwork: boolean): Promise<Result<{ chapters: Episode['chapters']; note: string }>> {
  const read = await readAudioChapters(url, { fetchOptions: { allowPrivateNetwork }, parse: parseAudioTag });
  if (!read.ok) return read;
  if (read.value.status !== 'ok') return err(`${url} answered "not modified" to an unconditional request.`);
  const { chapters, bytesRead, requests, note } = read.value;
  const what = note ?? `${chapters.length} chapter(s) in its ID3 tag`;
  return ok({ chapters, note: `${what}; ${bytesRead} bytes read in ${requests} range request(s)` });
}

async function localChapters(path: string): Promise<Result<{ chapters: Episode['chapters']; note: string }>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? `No such file: ${path}` : `Cannot read ${path}: ${(error as Error).message}`);
  }
  const size = id3TagSize(bytes.subarray(0, 10));
  if (size === undefined) return ok({ chapters: [], note: 'no ID3v2 tag at the start of the file' });
  const chapters = await parseAudioTag(bytes.subarray(0, Math.min(size, bytes.length)));
  if (!chapters.ok) return err(`${path}: ${chapters.error}.`);
  return ok({ chapters: chapters.value, note: `${chapters.value.length} chapter(s) in its ${size}-byte ID3 tag` });
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
