import { describe, expect, it } from 'vitest';
import { jsonStringArrayPieces } from '../../src/data/jsonStringArrayPieces.js';

/** The ids of a saved index parsed a piece at a time: together exactly what one JSON.parse gives. */
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const parsed = (bytes: Uint8Array, pieceBytes: number): string[][] => [...jsonStringArrayPieces(bytes, pieceBytes)];

describe('jsonStringArrayPieces', () => {
  const tricky = ['', ',', '","', '\\', '\\",', 'quote " inside', ']', '[', 'åäö ✓ 😀', 'tab\tnew\nline\u0000nul', 'https://x.test/feed.xml', ...Array.from({ length: 200 }, (_, i) => `ep-${i}`)];

  it('parses any array of strings exactly as JSON.parse, whatever the piece size, cutting only between elements', () => {
    const bytes = encode(tricky);
    for (const size of [1, 2, 3, 7, 16, 100, 1_000_000]) {
      const pieces = parsed(bytes, size);
      expect(pieces.flat(), `pieces of ${size}`).toEqual(tricky);
      if (size <= 16) expect(pieces.length, `pieces of ${size}`).toBeGreaterThan(20);
    }
    expect(parsed(encode([]), 4).flat()).toEqual([]);
    expect(parsed(encode(['only']), 1).flat()).toEqual(['only']);
  });

  it('throws on what is not a JSON array of strings', () => {
    for (const text of ['', '[', '["a",]', '["a",1]', '{"a":1}', '["unterminated]', 'null']) {
      expect(() => parsed(new TextEncoder().encode(text), 2), text).toThrow();
    }
  });
});
