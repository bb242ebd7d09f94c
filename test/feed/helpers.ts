import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ParsedFeed } from '../../src/data/model.js';
import { parseFeed, type ParseFeedOptions } from '../../src/data/feed/parseFeed.js';

/** Bytes of a file under test/fixtures. */
export function fixture(path: string): Uint8Array {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)));
}

/** Parses and insists on success, so a test reads as the expectation it states. */
export function parseOk(input: Uint8Array | string, options?: ParseFeedOptions): ParsedFeed {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const result = parseFeed(bytes, options);
  if (!result.ok) throw new Error(`expected a parsed feed, got: ${result.error}`);
  return result.value;
}

/** Parses and insists on failure, returning the message. */
export function parseError(input: Uint8Array | string): string {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const result = parseFeed(bytes);
  if (result.ok) throw new Error('expected an error, got a parsed feed');
  return result.error;
}

/** A minimal RSS 2.0 feed around the given item XML. */
export function rss(items: string, channelExtra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:psc="http://podlove.org/simple-chapters" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Test Show</title>${channelExtra}
${items}
</channel></rss>`;
}
