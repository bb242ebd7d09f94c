import { Parser } from 'htmlparser2';
import { decodeEntities } from './decodeEntities.js';

/** Elements that separate paragraphs: a blank line before and after. */
const PARAGRAPH = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'ul', 'ol', 'dl', 'table',
  'section', 'article', 'header', 'footer', 'aside', 'figure', 'hr', 'address', 'details',
]);
/** Elements that start a new line but not a new paragraph. */
const LINE = new Set(['br', 'div', 'li', 'tr', 'dt', 'dd', 'summary', 'figcaption', 'caption']);
/** Elements whose text is never shown. */
const HIDDEN = new Set(['script', 'style', 'head', 'title', 'noscript', 'template']);

/**
 * Block tags that make a snippet laid-out HTML. Without any (just `<br>`, links, `<b>`), a snippet is plain
 * text with markup sprinkled in, and its own newlines are line breaks: PodOmatic's `00:00 - Artist - Song`
 * lists are written that way, and browsers would collapse them into one line.
 */
const LAYOUT_TAG = /<(?:p|div|li|h[1-6]|ul|ol|table|tr|blockquote|pre)[\s/>]/i;
const ANY_TAG = /<[a-zA-Z!/]/;
// C0 controls other than tab/newline (e.g. the 0x1A one WordPress feeds leak) and DEL never belong in text.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

let parts: string[] = [];
/** Newlines owed before the next visible text: 1 ends a line, 2 ends a paragraph. Never more than 2. */
let pendingBreak = 0;
let hiddenDepth = 0;
let preDepth = 0;
let keepNewlines = false;
let size = 0;
let limit = 0;

function push(piece: string): void {
  if (size >= limit) return;
  if (pendingBreak > 0) {
    // Breaks only separate text: whitespace between </li> and <li> must not make a blank line.
    if (piece.trim() === '') return;
    if (parts.length > 0) parts.push(pendingBreak === 2 ? '\n\n' : '\n');
    pendingBreak = 0;
  }
  size += piece.length;
  parts.push(piece);
}

function lineBreak(level: 1 | 2): void {
  if (level > pendingBreak) pendingBreak = level;
}

// One parser for every call: building a Parser per description costs more than the parse of a short one.
const parser = new Parser(
  {
    // onopentagname, not onopentag: without an onopentag callback htmlparser2 builds no attribute objects.
    onopentagname(name) {
      if (HIDDEN.has(name)) hiddenDepth++;
      else if (name === 'pre') preDepth++;
      if (PARAGRAPH.has(name)) lineBreak(2);
      else if (LINE.has(name)) lineBreak(1);
    },
    onclosetag(name) {
      if (HIDDEN.has(name)) hiddenDepth = Math.max(0, hiddenDepth - 1);
      else if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
      if (PARAGRAPH.has(name)) lineBreak(2);
      else if (name === 'div' || name === 'li' || name === 'tr' || name === 'dd') lineBreak(1);
    },
    ontext(text) {
      if (hiddenDepth > 0) return;
      const decoded = decodeEntities(text);
      if (preDepth > 0) push(decoded);
      else if (keepNewlines) {
        const lines = decoded.split('\n');
        for (let i = 0; i < lines.length; i++) {
          // A blank source line is a paragraph break, a single newline a line break.
          if (i > 0) lineBreak(i > 1 && (lines[i - 1] ?? '').trim() === '' ? 2 : 1);
          push((lines[i] ?? '').replace(/[ \t\f\r]+/g, ' '));
        }
      }
      else push(decoded.replace(/[ \t\n\f\r]+/g, ' '));
    },
  },
  // Entities are decoded by decodeEntities (strict), so `&gtgt;` and bare `&` read the same everywhere.
  { decodeEntities: false },
);

/** Trims every line, collapses space runs, and leaves at most one blank line between paragraphs. */
function tidy(text: string): string {
  // Regex passes over the whole text beat splitting into lines: show notes run to thousands of lines per feed.
  return text
    .replace(CONTROL, '')
    .replace(/[ \t\f\r\u00A0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Show notes as plain text for chat: tags dropped, entities decoded, links' text kept, `<p>`-like blocks
 * separated by a blank line, `<br>`/`<div>`/`<li>` ending a line. HTML without any layout tags (just a
 * link or `<b>` or two) keeps its own newlines, since such notes are plain text with markup sprinkled in.
 * The result is at most `maxLength` characters (give or take one text run).
 */
export function htmlToText(html: string, maxLength = 100_000): string {
  if (!ANY_TAG.test(html)) {
    const text = tidy(decodeEntities(html.replace(/\r\n?/g, '\n')));
    return text.length > maxLength ? text.slice(0, maxLength) : text;
  }
  parts = [];
  pendingBreak = 0;
  size = 0;
  limit = maxLength;
  hiddenDepth = 0;
  preDepth = 0;
  keepNewlines = !LAYOUT_TAG.test(html);
  parser.parseComplete(html);
  const joined = parts.join('');
  parts = [];
  const text = tidy(joined);
  return text.length > maxLength ? text.slice(0, maxLength) : text;
}
