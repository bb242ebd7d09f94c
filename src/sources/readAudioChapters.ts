import type { Chapter, Result } from '../data/model.js';
import { err, ok } from '../data/model.js';
import { redactUrl } from '../data/redactUrl.js';
import { describeProblem } from '../messages/problemText.js';
import { fetchResource, type FetchResourceOptions } from './fetchResource.js';

/** Largest ID3v2 tag read for its chapters: above this it is mostly pictures, and is not read at all. */
export const AUDIO_TAG_MAX_BYTES = 2 * 1024 * 1024;
const HEADER_BYTES = 10;

export type AudioChapters =
  | { status: 'not-modified' }
  | {
      status: 'ok';
      /** Empty when the file has no ID3v2 tag, a tag without chapters, or one too large to read (`note` says which). */
      chapters: Chapter[];
      etag?: string;
      lastModified?: string;
      /** Body bytes taken from the connection over every request: the tag and its header, never the audio. */
      bytesRead: number;
      requests: number;
      note?: string;
    };

export interface ReadAudioChaptersOptions {
  /** The guard every fetch goes through (private addresses, timeouts...), as for feeds. */
  fetchOptions: Omit<FetchResourceOptions, 'range' | 'etag' | 'lastModified' | 'maxBytes' | 'accept'>;
  /** Validators of the last read: a 304 to the first request says nothing changed. */
  etag?: string;
  lastModified?: string;
  /** Default AUDIO_TAG_MAX_BYTES. */
  maxTagBytes?: number;
  /** Reads the chapters out of the tag's bytes (music-metadata, on a parse thread when the poller asks). */
  parse: (tag: Uint8Array) => Promise<Result<Chapter[]>>;
}

/**
 * The chapters an MP3 carries in its ID3v2 tag, read from the start of the file with two range requests: the 10-byte
 * tag header, then exactly the tag (its size is in the header), never the audio after it. A server that ignores
 * `Range` is read only that far too (fetchResource closes the connection). A file without a tag costs the first read.
 */
export async function readAudioChapters(url: string, options: ReadAudioChaptersOptions): Promise<Result<AudioChapters>> {
  const maxTagBytes = options.maxTagBytes ?? AUDIO_TAG_MAX_BYTES;
  const accept = 'audio/mpeg, audio/*;q=0.9, */*;q=0.5';
  const head = await fetchResource(url, {
    ...options.fetchOptions,
    range: { start: 0, end: HEADER_BYTES - 1 },
    accept,
    ...(options.etag !== undefined && { etag: options.etag }),
    ...(options.lastModified !== undefined && { lastModified: options.lastModified }),
  });
  // Worded in English: these reasons go to the operator's log and the command line only.
  if (!head.ok) return err(describeProblem(head.error));
  if (head.value.status === 'not-modified') return ok({ status: 'not-modified' });
  const { etag, lastModified } = head.value;
  const validators = { ...(etag !== undefined && { etag }), ...(lastModified !== undefined && { lastModified }) };
  let bytesRead = head.value.bytesRead;
  const none = (note: string): Result<AudioChapters> => ok({ status: 'ok', chapters: [], ...validators, bytesRead, requests: 1, note });

  const size = id3TagSize(head.value.bytes);
  if (size === undefined) return none('no ID3v2 tag at the start of the file');
  if (size > maxTagBytes) return none(`its ID3v2 tag is ${size} bytes, more than the ${maxTagBytes} read`);

  // Where the first request ended up: a redirect (a tracking prefix, a CDN) is not followed twice.
  const tag = await fetchResource(head.value.finalUrl, {
    ...options.fetchOptions,
    range: { start: 0, end: size - 1 },
    accept,
  });
  if (!tag.ok) return err(describeProblem(tag.error));
  if (tag.value.status !== 'ok') return err(`Could not read the ID3 tag of ${redactUrl(url)}: the server answered 304 to a plain request.`);
  bytesRead += tag.value.bytesRead;
  if (tag.value.bytes.length < size) return err(`Could not read the ID3 tag of ${redactUrl(url)}: the file ends inside it.`);
  const chapters = await options.parse(tag.value.bytes);
  if (!chapters.ok) return err(`Could not read the chapters of ${redactUrl(url)}: ${chapters.error}.`);
  return ok({
    status: 'ok',
    chapters: chapters.value,
    ...validators,
    bytesRead,
    requests: 2,
    ...(chapters.value.length === 0 && { note: 'its ID3v2 tag has no chapters' }),
  });
}

/**
 * The whole size of the ID3v2 tag a file starts with (header, frames and a v2.4 footer), from its 10-byte header, or
 * undefined when it does not start with one. The size is "syncsafe": four bytes of seven bits each.
 */
export function id3TagSize(header: Uint8Array): number | undefined {
  if (header.length < HEADER_BYTES) return undefined;
  if (header[0] !== 0x49 || header[1] !== 0x44 || header[2] !== 0x33) return undefined; // "ID3"
  const major = header[3] ?? 0;
  if (major < 2 || major > 4 || header[4] === 0xff) return undefined;
  const sizeBytes = header.subarray(6, 10);
  if (sizeBytes.some((b) => b >= 0x80)) return undefined;
  const body = sizeBytes.reduce((n, b) => n * 128 + b, 0);
  const flags = header[5] ?? 0;
  const footer = major === 4 && (flags & 0x10) !== 0 ? HEADER_BYTES : 0;
  return HEADER_BYTES + body + footer;
}

/**
 * Whether an enclosure may be an MP3 (and so carry ID3v2 chapters): an MPEG audio type, or no type and a URL that does
 * not name another format. M4A/MP4 chapters live in the `moov` box (often at the end of the file) or in a text track
 * inside the audio data, which cannot be read from the head of the file: not tried.
 */
export function mayCarryId3(audioUrl: string, audioType: string | undefined): boolean {
  if (audioType !== undefined && audioType.trim() !== '') return /mpeg|mp3/i.test(audioType) && !/mpegurl/i.test(audioType);
  let path: string;
  try {
    path = new URL(audioUrl).pathname.toLowerCase();
  } catch {
    return false;
  }
  return !/\.(m4a|mp4|m4b|aac|ogg|oga|opus|flac|wav|mov|m4v|webm)$/.test(path);
}
