/**
 * A JSON array of strings (as JSON.stringify writes it, UTF-8) parsed a piece of about `pieceBytes` at a time, each
 * piece cut between two elements: a million ids parsed in one JSON.parse hold the thread for a long while, and a
 * caller can pause between pieces. The pieces together are exactly JSON.parse's array; anything else throws.
 */
export function* jsonStringArrayPieces(bytes: Uint8Array, pieceBytes: number): Generator<string[], void, void> {
  const decoder = new TextDecoder();
  const end = bytes.byteLength;
  if (end < 2 || bytes[0] !== LEFT_BRACKET || bytes[end - 1] !== RIGHT_BRACKET) throw new Error('not a JSON array');
  // Between "[" and "]": elements separated by commas. A quote or backslash in a string is escaped (\" \\) and every
  // byte of a multi-byte UTF-8 character is >= 0x80, so a byte scan tells inside a string from outside.
  const last = end - 1;
  let from = 1;
  while (from < last) {
    let at = Math.min(from + Math.max(1, pieceBytes), last);
    let inString = false;
    // Where `at` lands inside or outside a string is known only by scanning from a known boundary (`from`).
    let i = from;
    for (; i < last; i++) {
      const b = bytes[i]!;
      if (inString) {
        if (b === BACKSLASH) i++;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (b === COMMA && i >= at) break;
    }
    at = i;
    const piece = JSON.parse(`[${decoder.decode(bytes.subarray(from, at))}]`) as unknown;
    if (!Array.isArray(piece) || piece.some((s) => typeof s !== 'string')) throw new Error('not a JSON array of strings');
    yield piece as string[];
    from = at + 1;
    // "[...,]" would end on a comma: JSON.parse of the whole would have refused it.
    if (at < last && from >= last) throw new Error('not a JSON array');
  }
}

const LEFT_BRACKET = 0x5b;
const RIGHT_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
