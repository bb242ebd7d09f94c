import { decodeEntities } from './decodeEntities.js';
import { detach } from './detach.js';
import { tokenizeHtml, type HtmlTokenizerCallbacks } from './htmlTokenizer.js';

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
const HAS_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/**
 * What a text run may need beyond pushing as it is: a whitespace run ODD_WHITESPACE would collapse, or a control
 * character. One scan of the run for both, instead of a replace per run and a control scan of the whole text. A tab,
 * newline, form feed or carriage return is a C0 character too, and a space ODD_WHITESPACE would take with what follows
 * it is followed by a space or one of those: so a C0 character, DEL, a no-break space or two spaces tell. The class
 * and the two spaces are two native scans: one pattern with both, ` {2}` an alternative tried at every
 * character, took twice as long over a feed's notes.
 */
const ODD_WHITESPACE_OR_CONTROL = /[\u0000-\u001F\u007F\u00A0]/;
// Whitespace runs collapse to one space. These patterns match only the runs that are not one space already: a
// replace of every run (`/[ \t\n\f\r]+/g`) gives the same string but works match by match over every word gap.
// No-break spaces (`&nbsp;`, in most notes) too: tidy() would make them spaces anyway, with a copy of the whole text.
const ODD_WHITESPACE = /[\t\n\f\r\u00A0][ \t\n\f\r\u00A0]*| [ \t\n\f\r\u00A0]+/g;
const ODD_SPACE_IN_LINE = /[\t\f\r][ \t\f\r]*| [ \t\f\r]+/g;
const ODD_SPACE = /[\t\f\r\u00A0][ \t\f\r\u00A0]*| [ \t\f\r\u00A0]+/g;
const SPACE_AT_NEWLINE = / ?\n ?/g;
const HAS_SPACE_AT_NEWLINE = / \n|\n /;

/*
 * The element stack of htmlparser2's Parser (v10, HTML mode), redone here over its Tokenizer (itself redone in
 * htmlTokenizer.ts): the Parser also slices and concatenates every attribute value, which show notes are full of
 * (links) and we never read.
 * Only what changes which open and close events fire is kept: implied closes, void elements, foreign
 * (SVG/MathML) self-closing, `</p>` and `</br>` without an open tag, and closing up to a matching open tag.
 */
const P = new Set(['p']);
const FORM = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const DD_DT = new Set(['dd', 'dt']);
const RT_RP = new Set(['rt', 'rp']);
const TABLE_SECTION = new Set(['thead', 'tbody']);
const OPEN_IMPLIES_CLOSE = new Map<string, Set<string>>([
  ['tr', new Set(['tr', 'th', 'td'])], ['th', new Set(['th'])], ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])], ['li', new Set(['li'])],
  ['p', P], ['h1', P], ['h2', P], ['h3', P], ['h4', P], ['h5', P], ['h6', P],
  ['select', FORM], ['input', FORM], ['output', FORM], ['button', FORM], ['datalist', FORM], ['textarea', FORM],
  ['option', new Set(['option'])], ['optgroup', new Set(['optgroup', 'option'])], ['dd', DD_DT], ['dt', DD_DT],
  ['address', P], ['article', P], ['aside', P], ['blockquote', P], ['details', P], ['div', P], ['dl', P],
  ['fieldset', P], ['figcaption', P], ['figure', P], ['footer', P], ['form', P], ['header', P], ['hr', P],
  ['main', P], ['nav', P], ['ol', P], ['pre', P], ['section', P], ['table', P], ['ul', P],
  ['rt', RT_RP], ['rp', RT_RP], ['tbody', TABLE_SECTION], ['tfoot', TABLE_SECTION],
]);
const VOID = new Set([
  'area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex',
  'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
const FOREIGN = new Set(['math', 'svg']);
/** Elements whose content the tokenizer reads as raw text up to their end tag: the quick reading leaves them to it. */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp']);
const INTEGRATION = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);

// What a tag name does, in bits, read from the sets above once per name: every tag used to ask up to seven of them.
const PARAGRAPH_TAG = 1;
const LINE_TAG = 2;
const HIDDEN_TAG = 4;
const VOID_TAG = 8;
const FOREIGN_TAG = 16;
const INTEGRATION_TAG = 32;
/** Its end tag ends a line (`</div>`, `</li>`, `</tr>`, `</dd>`). */
const LINE_END_TAG = 64;
/** Opening it closes some open elements (OPEN_IMPLIES_CLOSE). */
const IMPLIES_CLOSE_TAG = 128;
const PRE_TAG = 256;
/** The tokenizer reads its content as raw text up to its end tag: the quick reading leaves it to it. */
const RAW_TEXT_TAG = 512;

function kindOf(name: string): number {
  return (
    (PARAGRAPH.has(name) ? PARAGRAPH_TAG : 0) |
    (LINE.has(name) ? LINE_TAG : 0) |
    (HIDDEN.has(name) ? HIDDEN_TAG : 0) |
    (VOID.has(name) ? VOID_TAG : 0) |
    (FOREIGN.has(name) ? FOREIGN_TAG : 0) |
    (INTEGRATION.has(name) ? INTEGRATION_TAG : 0) |
    (name === 'div' || name === 'li' || name === 'tr' || name === 'dd' ? LINE_END_TAG : 0) |
    (OPEN_IMPLIES_CLOSE.has(name) ? IMPLIES_CLOSE_TAG : 0) |
    (name === 'pre' ? PRE_TAG : 0) |
    (RAW_TEXT.has(name) ? RAW_TEXT_TAG : 0)
  );
}
const P_KIND = kindOf('p');
const BR_KIND = kindOf('br');

let source = '';
/** Open elements, innermost last, and their kinds. */
const stack: string[] = [];
const stackKinds: number[] = [];
/** Whether `<x/>` closes itself here (inside SVG or MathML), innermost first, as htmlparser2 keeps it. */
const foreign: boolean[] = [false];
let tagName = '';
let tagKind = 0;

let parts: string[] = [];
/** Newlines owed before the next visible text: 1 ends a line, 2 ends a paragraph. Never more than 2. */
let pendingBreak = 0;
let hiddenDepth = 0;
let preDepth = 0;
let keepNewlines = false;
/**
 * Whether the text may have whitespace tidy() must fix: raw `<pre>` or kept newlines, or a space on both sides of a
 * join. Runs of laid-out HTML arrive collapsed (see ODD_WHITESPACE), so most notes need no whole-text pass at all.
 */
let rough = false;
/** The last character pushed, to see a join's spaces. */
let lastChar = 0;
/** Whether a run read so far may hold a control character: when none did, tidy() need not look for one. */
let maybeControl = false;
let size = 0;
let limit = 0;
/**
 * Where in `source` the next `&` is, from the start of a run read before on (the length when there is none; -1: not
 * looked for yet). Runs come in order, so it is looked for again only once a run starts past it: most runs have none,
 * and one search of the notes costs less than a call per run (they are short: thousands per feed).
 */
let nextAmpersand = -1;

function push(piece: string): void {
  if (size >= limit) return;
  if (pendingBreak > 0) {
    // Breaks only separate text: whitespace between </li> and <li> must not make a blank line.
    if (piece.trim() === '') return;
    if (parts.length > 0) {
      endLine();
      if (piece.charCodeAt(0) === 0x20) {
        size += 1;
        piece = piece.slice(1);
      }
    }
    pendingBreak = 0;
  } else if (lastChar === 0x20 && piece.charCodeAt(0) === 0x20) rough = true;
  size += piece.length;
  parts.push(piece);
  if (piece !== '') lastChar = piece.charCodeAt(piece.length - 1);
}

/**
 * The break owed before text that follows some. A space either side of a line break goes, as tidy() would drop it
 * (`<br>` then a newline is common): the one before here, the one after by the caller.
 */
function endLine(): void {
  const last = parts.length - 1;
  if (lastChar === 0x20) parts[last] = (parts[last] ?? '').slice(0, -1);
  parts.push(pendingBreak === 2 ? '\n\n' : '\n');
}

/**
 * push() for a piece that is not blank and, when a break is owed after earlier text, does not start with a space: text()
 * looked, so the piece is not searched again.
 */
function pushPlain(piece: string): void {
  if (pendingBreak > 0) {
    if (parts.length > 0) endLine();
    pendingBreak = 0;
  } else if (lastChar === 0x20 && piece.charCodeAt(0) === 0x20) rough = true;
  size += piece.length;
  parts.push(piece);
  if (piece !== '') lastChar = piece.charCodeAt(piece.length - 1);
}

function lineBreak(level: 1 | 2): void {
  if (level > pendingBreak) pendingBreak = level;
}

function opened(kind: number): void {
  if (kind & HIDDEN_TAG) hiddenDepth++;
  else if (kind & PRE_TAG) preDepth++;
  if (kind & PARAGRAPH_TAG) lineBreak(2);
  else if (kind & LINE_TAG) lineBreak(1);
}

function closed(kind: number): void {
  if (kind & HIDDEN_TAG) hiddenDepth = Math.max(0, hiddenDepth - 1);
  else if (kind & PRE_TAG) preDepth = Math.max(0, preDepth - 1);
  if (kind & PARAGRAPH_TAG) lineBreak(2);
  else if (kind & LINE_END_TAG) lineBreak(1);
}

/** Closes the innermost open element. */
function pop(): void {
  stack.pop();
  closed(stackKinds.pop() ?? 0);
}

/**
 * The text of `source` from `start` to `end`. Read where it lies: a feed's notes have some 75,000 runs, most of them
 * plain words, and a blank run is passed over without a slice, a plain one sliced once and searched once.
 */
function text(start: number, end: number): void {
  if (hiddenDepth > 0 || size >= limit) return;
  if (keepNewlines || preDepth > 0) {
    textAsWritten(source.slice(start, end));
    return;
  }
  // Whitespace between blocks (`</p>\n<p>`) when a break is owed: push() would drop it anyway.
  if (pendingBreak > 0 && isBlank(start, end)) return;
  if (nextAmpersand < start) nextAmpersand = found(source.indexOf('&', start));
  if (nextAmpersand < end) {
    textAsWritten(source.slice(start, end));
    return;
  }
  // Nothing to decode. Whitespace that starts a line after a break (`<br />\n`) goes: ODD_WHITESPACE would make it
  // one space, and push() would drop that (counting it). The run is not blank, so the loop stops inside it.
  let from = start;
  if (pendingBreak > 0 && parts.length > 0) while (isOddSpace(source.charCodeAt(from))) from++;
  const raw = source.slice(from, end);
  if (ODD_WHITESPACE_OR_CONTROL.test(raw) || raw.includes('  ')) {
    const whole = from === start ? raw : source.slice(start, end);
    if (!maybeControl && HAS_CONTROL.test(whole)) maybeControl = true;
    push(whole.replace(ODD_WHITESPACE, ' '));
    return;
  }
  if (from > start) size += 1;
  pushPlain(raw);
}

/** Whether ODD_WHITESPACE takes this character for whitespace. */
const isOddSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c || c === 0xa0;

/** A position indexOf found, or the length of `source` for none (-1), so that it lies past every run. */
function found(at: number): number {
  return at === -1 ? source.length : at;
}

/** Whether `source` from `start` to `end` is all whitespace, as trim() sees it. */
function isBlank(start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    // Beyond ASCII, trim() knows which characters are spaces.
    return c < 0x80 ? false : source.slice(start, end).trim() === '';
  }
  return true;
}

/** The text of a run as written: its references decoded, and its whitespace as the reading keeps it. */
function textAsWritten(raw: string): void {
  const decoded = decodeEntities(raw);
  if (preDepth > 0) {
    rough = true;
    maybeControl = true;
    push(decoded);
  } else if (keepNewlines) {
    maybeControl = true;
    const lines = decoded.split('\n');
    for (let i = 0; i < lines.length; i++) {
      // A blank source line is a paragraph break, a single newline a line break.
      if (i > 0) lineBreak(i > 1 && (lines[i - 1] ?? '').trim() === '' ? 2 : 1);
      const line = lines[i] ?? '';
      push(line.replace(ODD_SPACE_IN_LINE, ' '));
    }
  } else if (ODD_WHITESPACE_OR_CONTROL.test(decoded) || decoded.includes('  ')) {
    if (!maybeControl && HAS_CONTROL.test(decoded)) maybeControl = true;
    push(decoded.replace(ODD_WHITESPACE, ' '));
  } else push(decoded);
}

function emitOpen(name: string, kind: number): void {
  tagName = name;
  tagKind = kind;
  if (kind & IMPLIES_CLOSE_TAG) {
    const impliesClose = OPEN_IMPLIES_CLOSE.get(name);
    while (impliesClose !== undefined && stack.length > 0 && impliesClose.has(stack[stack.length - 1] ?? '')) pop();
  }
  if (!(kind & VOID_TAG)) {
    stack.push(name);
    stackKinds.push(kind);
    if (kind & FOREIGN_TAG) foreign.unshift(true);
    else if (kind & INTEGRATION_TAG) foreign.unshift(false);
  }
  opened(kind);
}

function endOpenTag(): void {
  if (tagKind & VOID_TAG) closed(tagKind);
  tagName = '';
  tagKind = 0;
}

function closeCurrentTag(): void {
  const name = tagName;
  endOpenTag();
  if (stack.length > 0 && stack[stack.length - 1] === name) pop();
}

/** Lower-case tag names seen before, by length and two characters (see tagNameAt). A power of two. */
const NAME_SLOTS = 256;
const names: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
const nameKinds: number[] = new Array<number>(NAME_SLOTS).fill(0);
/** The kind of the name tagNameAt returned last. */
let nameKind = 0;

/**
 * The lower-case name of the tag at `start..end` of the source. Notes repeat a dozen tag names thousands of times
 * per feed: one already seen, written the same way, is compared in place and shared, so the set and map lookups
 * that follow hash it once rather than per tag.
 */
function tagNameAt(start: number, end: number): string {
  const length = end - start;
  const first = source.charCodeAt(start);
  const last = source.charCodeAt(end - 1);
  const slot = (length * 31 + first + 7 * last) & (NAME_SLOTS - 1);
  const known = names[slot];
  // A name of one or two characters (`p`, `a`, `li`, `br`: most of them) is its first and last.
  if (
    known !== undefined &&
    known.length === length &&
    (length <= 2 ? known.charCodeAt(0) === first && known.charCodeAt(length - 1) === last : source.startsWith(known, start))
  ) {
    nameKind = nameKinds[slot] ?? 0;
    return known;
  }
  // Copied before keeping: a slice would hold the whole notes string for as long as the module lives.
  const name = detach(source.slice(start, end).toLowerCase());
  names[slot] = name;
  nameKind = nameKinds[slot] = kindOf(name);
  return name;
}

/** An end tag: closes up to the innermost open element of that name (a stray `</p>` makes an empty paragraph). */
function closeTag(name: string, kind: number): void {
  if (kind & (FOREIGN_TAG | INTEGRATION_TAG)) foreign.shift();
  if (!(kind & VOID_TAG)) {
    // Mostly the innermost element, without a search.
    const at = stack[stack.length - 1] === name ? stack.length - 1 : stack.lastIndexOf(name);
    if (at !== -1) {
      while (stack.length > at) pop();
    } else if (name === 'p') {
      emitOpen('p', P_KIND);
      closeCurrentTag();
    }
  } else if (name === 'br') {
    opened(BR_KIND);
    closed(BR_KIND);
  }
}

const callbacks: HtmlTokenizerCallbacks = {
  ontext: text,
  onopentagname: (start, end) => emitOpen(tagNameAt(start, end), nameKind),
  onopentagend: endOpenTag,
  onselfclosingtag: () => (foreign[0] === true ? closeCurrentTag() : endOpenTag()),
  onclosetag: (start, end) => closeTag(tagNameAt(start, end), nameKind),
};

const isAsciiLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isAsciiLetterOrDigit = (c: number) => isAsciiLetter(c) || (c >= 0x30 && c <= 0x39);
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;

/**
 * The tokenizer's reading for HTML written plainly, as most show notes are: text, and tags `<name>`, `<name/>` and
 * `</name>` whose names are ASCII letters and digits, with quoted attribute values (`<a href="...">`). It makes the
 * same calls the tokenizer's events make (the same text runs, names, opens, closes and self-closes, in the same
 * order), in one pass that jumps from `<` to `<`: in a fresh process the tokenizer's state machine runs unoptimised
 * over a whole feed's notes and is then compiled, which this shorter loop mostly avoids. Anything else (a comment,
 * a `<` that starts no tag, an unquoted value, `<o:p>`, a raw-text element such as `<script>`) returns false at
 * once, having made some of the calls: the caller starts over with the tokenizer.
 */
function quickRead(html: string): boolean {
  const n = html.length;
  let i = 0;
  while (i < n) {
    // Tags often follow each other (`</a></li><li><a href="...">`): no search for those.
    const lt = html.charCodeAt(i) === 0x3c ? i : html.indexOf('<', i);
    if (lt === -1) {
      text(i, n);
      return true;
    }
    if (lt > i) text(i, lt);
    let j = lt + 1;
    const closing = html.charCodeAt(j) === 0x2f;
    if (closing) j++;
    const nameStart = j;
    if (!isAsciiLetter(html.charCodeAt(j))) return false;
    while (j < n && isAsciiLetterOrDigit(html.charCodeAt(j))) j++;
    let c = html.charCodeAt(j);
    // One call for open and end tags alike, so V8's optimised quickRead carries one copy of tagNameAt, not two. (Read
    // before the checks below: a tag they refuse leaves only its name in tagNameAt's cache.)
    const name = tagNameAt(nameStart, j);
    const kind = nameKind;
    if (closing) {
      if (c !== 0x3e) return false;
      closeTag(name, kind);
      i = j + 1;
      continue;
    }
    if (c !== 0x3e && c !== 0x2f && !isSpace(c)) return false;
    if (kind & RAW_TEXT_TAG) return false;
    emitOpen(name, kind);
    let selfClosing = false;
    // Attributes, as the tokenizer reads past them: names up to `=`, whitespace, `/` or `>`; values in quotes.
    for (;;) {
      if (j >= n) return false;
      c = html.charCodeAt(j);
      if (c === 0x3e) break;
      if (c === 0x2f) {
        if (html.charCodeAt(j + 1) !== 0x3e) return false;
        j++;
        selfClosing = true;
        break;
      }
      if (isSpace(c)) {
        j++;
        continue;
      }
      while (j < n && c !== 0x3d && c !== 0x2f && c !== 0x3e && !isSpace(c)) c = html.charCodeAt(++j);
      while (j < n && isSpace(c)) c = html.charCodeAt(++j);
      if (c !== 0x3d) continue;
      c = html.charCodeAt(++j);
      while (j < n && isSpace(c)) c = html.charCodeAt(++j);
      if (c !== 0x22 && c !== 0x27) return false;
      const close = html.indexOf(c === 0x22 ? '"' : "'", j + 1);
      if (close === -1) return false;
      j = close + 1;
    }
    if (selfClosing && foreign[0] === true) closeCurrentTag();
    else endOpenTag();
    i = j + 1;
  }
  return true;
}

/** Trims every line, collapses space runs, and leaves at most one blank line between paragraphs. */
function tidy(text: string, oddSpaces: boolean, mayHoldControl: boolean): string {
  // Regex passes over the whole text beat splitting into lines: show notes run to thousands of lines per feed.
  // Each pass runs only where it would change something (see ODD_SPACE), or when a quick test says it would.
  if (mayHoldControl && HAS_CONTROL.test(text)) {
    text = text.replace(CONTROL, '');
    // Spaces around a removed control character now meet.
    oddSpaces = true;
  }
  if (oddSpaces) {
    text = text.replace(ODD_SPACE, ' ');
    if (HAS_SPACE_AT_NEWLINE.test(text)) text = text.replace(SPACE_AT_NEWLINE, '\n');
    if (text.includes('\n\n\n')) text = text.replace(/\n{3,}/g, '\n\n');
  }
  return text.trim();
}

/**
 * Show notes as plain text for chat: tags dropped, entities decoded, links' text kept, `<p>`-like blocks
 * separated by a blank line, `<br>`/`<div>`/`<li>` ending a line. HTML without any layout tags (just a
 * link or `<b>` or two) keeps its own newlines, since such notes are plain text with markup sprinkled in.
 * The result is at most `maxLength` characters (give or take one text run), and never a slice of `html`: the feed
 * parser hands in slices of 64 KB pieces of a feed, which a kept slice would keep alive whole.
 */
export function htmlToText(html: string, maxLength = 100_000): string {
  return read(html, maxLength, true);
}

/** htmlToText with every tag read by the tokenizer: the reference the quick reading is tested against. */
export function htmlToTextByTokenizer(html: string, maxLength = 100_000): string {
  return read(html, maxLength, false);
}

function read(html: string, maxLength: number, quick: boolean): string {
  if (!startsWithParagraph(html) && !ANY_TAG.test(html)) {
    const text = tidy(decodeEntities(html.includes('\r') ? html.replace(/\r\n?/g, '\n') : html), true, true);
    return detach(text.length > maxLength ? text.slice(0, maxLength) : text);
  }
  begin(html, maxLength);
  // Attributes, comments, CDATA, declarations and processing instructions show nothing; entities are decoded
  // by decodeEntities (strict), so `&gtgt;` and bare `&` read the same everywhere.
  if (!(quick && quickRead(html))) {
    begin(html, maxLength);
    tokenizeHtml(html, callbacks);
  }
  source = '';
  // One text run joins to itself, a slice of `html`; more make a new string.
  const joined = parts.length === 1 ? detach(parts[0] ?? '') : parts.join('');
  parts = [];
  const text = tidy(joined, rough, maybeControl);
  return text.length > maxLength ? text.slice(0, maxLength) : text;
}

/**
 * Whether `html` starts with `<p>` (or `<p ` or `<p/`), as most notes do: then both ANY_TAG and LAYOUT_TAG match, and
 * the patterns' calls (one each per notes) are spared.
 */
function startsWithParagraph(html: string): boolean {
  if (html.charCodeAt(0) !== 0x3c || (html.charCodeAt(1) | 0x20) !== 0x70) return false;
  const c = html.charCodeAt(2);
  return c === 0x3e || c === 0x2f || isSpace(c);
}

/** Every piece of state htmlToText's readings use, set for reading `html`. */
function begin(html: string, maxLength: number): void {
  parts = [];
  pendingBreak = 0;
  size = 0;
  limit = maxLength;
  hiddenDepth = 0;
  preDepth = 0;
  keepNewlines = !startsWithParagraph(html) && !LAYOUT_TAG.test(html);
  rough = keepNewlines;
  lastChar = 0;
  maybeControl = false;
  stack.length = 0;
  stackKinds.length = 0;
  foreign.length = 0;
  foreign.push(false);
  tagName = '';
  tagKind = 0;
  source = html;
  nextAmpersand = -1;
}
