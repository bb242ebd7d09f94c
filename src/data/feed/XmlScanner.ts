import type { Attributes } from './TagHandler.js';
import { detach } from '../text/detach.js';

/** What the scanner reports; the names follow htmlparser2's Parser callbacks, whose order and arguments they keep. */
export interface XmlEvents {
  /** Nothing more the document says can matter: later chunks are not even scanned. */
  readonly done: boolean;
  /** An open tag's name, before its attributes: whether `onopentag` will read them (else it gets an empty object). */
  wantsAttributes(name: string): boolean;
  onopentag(name: string, attributes: Attributes): void;
  onclosetag(name: string, isImplied: boolean): void;
  /** Whether `ontext` would use text now: text nobody reads is never sliced out of its chunk. */
  wantsText(): boolean;
  ontext(text: string): void;
  oncdatastart(): void;
  oncdataend(): void;
}

// Tokenizer states, as in htmlparser2's Tokenizer (XML mode, entities not decoded).
// Local constants on purpose, the same as in the other tokenizer (XmlScanner / htmlTokenizer): imported from a
// shared module they are loaded at every step of the hot loop, which made the scanner 4-6x slower (measured).
const TEXT = 0;
const BEFORE_TAG_NAME = 1;
const IN_TAG_NAME = 2;
const IN_SELF_CLOSING_TAG = 3;
const BEFORE_CLOSING_TAG_NAME = 4;
const IN_CLOSING_TAG_NAME = 5;
const AFTER_CLOSING_TAG_NAME = 6;
const BEFORE_ATTRIBUTE_NAME = 7;
const IN_ATTRIBUTE_NAME = 8;
const AFTER_ATTRIBUTE_NAME = 9;
const BEFORE_ATTRIBUTE_VALUE = 10;
const IN_ATTRIBUTE_VALUE_DQ = 11;
const IN_ATTRIBUTE_VALUE_SQ = 12;
const IN_ATTRIBUTE_VALUE_NQ = 13;
const BEFORE_DECLARATION = 14;
const IN_DECLARATION = 15;
const IN_PROCESSING_INSTRUCTION = 16;
const BEFORE_COMMENT = 17;
const CDATA_SEQUENCE = 18;
const IN_COMMENT_LIKE = 19;
const IN_SPECIAL_COMMENT = 20;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const DQ = 0x22;
const SQ = 0x27;
const BANG = 0x21;
const QUESTION = 0x3f;
const DASH = 0x2d;
const LBRACKET = 0x5b;
const CDATA_START = 'CDATA[';
const CDATA_OPEN = '[CDATA[';
const CDATA_END = ']]>';
const COMMENT_END = '-->';

/** Slots for names seen before (see XmlScanner.name); a power of two. */
const NAME_SLOTS = 512;

const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;
// Name characters (letters above all) are past `>`: one comparison tells them apart.
const isEndOfTagSection = (c: number) => c <= GT && (c === SLASH || c === GT || isWhitespace(c));
const isEndOfAttributeName = (c: number) => c <= GT && (c === EQ || c === SLASH || c === GT || isWhitespace(c));

/**
 * Characters the state loop reads per call. A call over a whole 64 KB chunk ran long enough in a fresh process that V8,
 * having optimised `parse` for the calls to come, compiled it a second time for the call still running (on-stack
 * replacement): with shorter calls the next one picks up the optimised code and the second compile never happens.
 */
const STEP = 8192;

/** A tag or attribute name as the scanner keeps it (see XmlScanner.name): the string, and its character codes. */
interface Name {
  readonly text: string;
  /** Compared in place against the chunk, a code at a time: `startsWith` was a call per tag, the hottest line here. */
  readonly codes: readonly number[];
  /** Its slot in XmlScanner.names; -1 for a name never kept there (one read across chunks). */
  readonly slot: number;
  /**
   * The open tag that followed this one last time, and the attribute that followed this tag or attribute in its tag:
   * guesses, tried first (see openTag). Feeds write every item from one template, so the guess is nearly always right.
   * Only names in the cache link, to names in the cache, and a name loses its links when it leaves: what the guesses
   * keep alive stays within twice the cache, whatever names a hostile feed makes up.
   */
  nextTag: Name | undefined;
  nextAttribute: Name | undefined;
}

function newName(text: string, slot: number): Name {
  const codes: number[] = [];
  for (let i = 0; i < text.length; i++) codes.push(text.charCodeAt(i));
  return { text, codes, slot, nextTag: undefined, nextAttribute: undefined };
}

/** Whether `codes` are the characters of `buffer` from `at` on. */
function sameAt(buffer: string, at: number, codes: readonly number[]): boolean {
  const length = codes.length;
  let i = 0;
  while (i < length && buffer.charCodeAt(at + i) === codes[i]) i++;
  return i === length;
}

/** Handed to `onopentag` when nobody reads the attributes: never written to. */
const NO_ATTRIBUTES: Attributes = Object.freeze({}) as Attributes;

/**
 * htmlparser2's Parser + Tokenizer in XML mode with entity decoding off (what parseFeed used before), redone for
 * one reader: the same states, the same events in the same order with the same strings, chunk by chunk; but where
 * the Tokenizer steps character by character through text, CDATA, attribute values and declarations, this jumps
 * with indexOf, and it slices out only the tag names, attributes and text the reader wants. Behaviour on broken
 * input is the Parser's, quirks included (`</>` is text, `<item/>` closes as implied, unmatched end tags are
 * ignored, a tag cut off by the end of input is dropped, open elements are closed as implied at the end).
 */
export class XmlScanner {
  private events: XmlEvents;
  // Tokenizer
  private state = TEXT;
  private buffer = '';
  /** Absolute position of `buffer` in the document. */
  private offset = 0;
  /** Absolute index of the character being looked at. */
  private index = 0;
  private sectionStart = 0;
  private sequenceIndex = 0;
  private sequence = CDATA_END;
  // Parser
  /**
   * The Parser's chunks, from the one its last slice ended in: kept exactly as it keeps them (slices nobody reads
   * still move it along, see skipSlice), since a tag cut off at the end of input makes it slice from position -1.
   */
  private readonly buffers: string[] = [];
  private bufferOffset = 0;
  /** Open elements, innermost last. */
  private readonly stack: Name[] = [];
  /** See name(). */
  private readonly names: (Name | undefined)[] = new Array<Name | undefined>(NAME_SLOTS).fill(undefined);
  private tag: Name | undefined;
  /** The last open tag's name, and the last name read in the open tag (the tag's or an attribute's): see Name. */
  private lastTag: Name | undefined;
  private lastInTag: Name | undefined;
  private attribs: Attributes | null = null;
  private attribname = '';
  private attribvalue = '';

  constructor(events: XmlEvents) {
    this.events = events;
  }

  /** Starts a new document for `events`, forgetting everything of the last one (its chunks included). */
  reset(events: XmlEvents): void {
    this.events = events;
    this.state = TEXT;
    this.buffer = '';
    this.offset = 0;
    this.index = 0;
    this.sectionStart = 0;
    this.sequenceIndex = 0;
    this.sequence = CDATA_END;
    this.buffers.length = 0;
    this.bufferOffset = 0;
    this.stack.length = 0;
    this.tag = undefined;
    this.lastTag = undefined;
    this.lastInTag = undefined;
    this.attribs = null;
    this.attribname = '';
    this.attribvalue = '';
  }

  write(chunk: string): void {
    if (this.events.done) return;
    this.buffers.push(chunk);
    this.offset += this.buffer.length;
    this.buffer = chunk;
    const end = chunk.length + this.offset;
    // In steps (see STEP); the Tokenizer's cleanup once, at the chunk's end, as before.
    do this.parse(Math.min(end, this.index + STEP));
    while (this.index < end);
    this.cleanup();
  }

  end(): void {
    if (this.events.done) return;
    this.handleTrailingData();
    // The Parser's onend: what is still open closes, innermost first, as implied.
    const stack = this.stack;
    for (let i = stack.length - 1; i >= 0; i--) this.events.onclosetag(stack[i]?.text ?? '', true);
  }

  private shiftBuffer(): void {
    this.bufferOffset += (this.buffers[0] ?? '').length;
    this.buffers.shift();
  }

  /** The Parser's getSlice: text between absolute positions, across chunks. */
  private getSlice(start: number, end: number): string {
    const buffers = this.buffers;
    while (buffers.length > 1 && start - this.bufferOffset >= (buffers[0] ?? '').length) this.shiftBuffer();
    let slice = (buffers[0] ?? '').slice(start - this.bufferOffset, end - this.bufferOffset);
    while (buffers.length > 1 && end - this.bufferOffset > (buffers[0] ?? '').length) {
      this.shiftBuffer();
      slice += (buffers[0] ?? '').slice(0, end - this.bufferOffset);
    }
    return slice;
  }

  /** What getSlice does to the chunks, for a slice nobody reads: no string is made. */
  private skipSlice(start: number, end: number): void {
    const buffers = this.buffers;
    while (buffers.length > 1 && start - this.bufferOffset >= (buffers[0] ?? '').length) this.shiftBuffer();
    while (buffers.length > 1 && end - this.bufferOffset > (buffers[0] ?? '').length) this.shiftBuffer();
  }

  /** The Tokenizer's fastForwardTo, with indexOf: the index of the next `char` after the current one, or the chunk's last. */
  private fastForwardTo(char: string): boolean {
    const found = this.buffer.indexOf(char, this.index - this.offset + 1);
    if (found !== -1) {
      this.index = found + this.offset;
      return true;
    }
    this.index = this.buffer.length + this.offset - 1;
    return false;
  }

  // Parser event handlers

  private ontext(start: number, end: number): void {
    if (this.events.wantsText()) this.events.ontext(this.getSlice(start, end));
    else this.skipSlice(start, end);
  }

  /**
   * A tag or attribute name, shared with its earlier occurrences: a feed repeats a few dozen names hundreds of thousands
   * of times, and a name compared in place is neither sliced out nor hashed anew by every lookup that follows.
   */
  private name(start: number, end: number): Name {
    const buffer = this.buffer;
    const local = start - this.offset;
    const length = end - start;
    if (local < 0 || length <= 0 || end - this.offset > buffer.length) return newName(this.getSlice(start, end), -1);
    const slot =
      (length * 31 + buffer.charCodeAt(local) + 7 * buffer.charCodeAt(end - this.offset - 1) + 3 * buffer.charCodeAt(local + (length >> 1))) &
      (NAME_SLOTS - 1);
    const known = this.names[slot];
    if (known !== undefined && known.codes.length === length && sameAt(buffer, local, known.codes)) {
      this.skipSlice(start, end);
      return known;
    }
    if (known !== undefined) {
      known.nextTag = undefined;
      known.nextAttribute = undefined;
    }
    // Copied before keeping: a slice would hold its whole chunk for as long as the scanner lives.
    const name = newName(detach(this.getSlice(start, end)), slot);
    this.names[slot] = name;
    return name;
  }

  /** `guessed`: the name between `start` and `end`, compared in place already. */
  private onopentagname(start: number, end: number, guessed?: Name): void {
    const name = this.nameOrGuess(start, end, guessed);
    const last = this.lastTag;
    if (last !== undefined && last.nextTag !== name && this.linkable(last, name)) last.nextTag = name;
    this.lastTag = name;
    this.lastInTag = name;
    this.tag = name;
    this.stack.push(name);
    this.attribs = this.events.wantsAttributes(name.text) ? {} : null;
  }

  private endOpenTag(): void {
    this.events.onopentag(this.tag?.text ?? '', this.attribs ?? NO_ATTRIBUTES);
    this.attribs = null;
  }

  private onselfclosingtag(): void {
    const name = this.tag;
    this.endOpenTag();
    if (name !== undefined && this.stack[this.stack.length - 1] === name) {
      // The Parser (recognizeSelfClosing) reports `<x/>` as an open tag and an implied close.
      this.stack.pop();
      this.events.onclosetag(name.text, true);
    }
  }

  private onclosetag(start: number, end: number): void {
    const stack = this.stack;
    // Nearly every end tag closes the innermost element: compare it in place instead of slicing the name out.
    const top = stack[stack.length - 1];
    const local = start - this.offset;
    if (top !== undefined && end - start === top.codes.length && local >= 0 && sameAt(this.buffer, local, top.codes)) return this.closeTop(start, end);
    const name = this.name(start, end).text;
    let at = stack.length - 1;
    while (at >= 0 && stack[at]?.text !== name) at--;
    if (at === -1) return;
    // Elements left open inside it close first, as implied.
    for (let i = stack.length - 1; i >= at; i--) this.events.onclosetag(stack.pop()?.text ?? '', i !== at);
  }

  /** onclosetag for an end tag between `start` and `end` known to name the innermost element. */
  private closeTop(start: number, end: number): void {
    this.skipSlice(start, end);
    this.events.onclosetag(this.stack.pop()?.text ?? '', false);
  }

  /** The name between `start` and `end`: `guessed` when the caller compared it in place already, else name(). */
  private nameOrGuess(start: number, end: number, guessed: Name | undefined): Name {
    if (guessed === undefined) return this.name(start, end);
    this.skipSlice(start, end);
    return guessed;
  }

  /** Whether `from` may keep `to` as its guess: both in the cache (see Name.nextTag). */
  private linkable(from: Name, to: Name): boolean {
    return from.slot >= 0 && to.slot >= 0 && this.names[from.slot] === from && this.names[to.slot] === to;
  }

  /** `guessed`: as for onopentagname. */
  private onattribname(start: number, end: number, guessed?: Name): void {
    if (this.attribs === null) return this.skipSlice(start, end);
    const name = this.nameOrGuess(start, end, guessed);
    const last = this.lastInTag;
    if (last !== undefined && last.nextAttribute !== name && this.linkable(last, name)) last.nextAttribute = name;
    this.lastInTag = name;
    this.attribname = name.text;
  }

  private onattribdata(start: number, end: number): void {
    if (this.attribs !== null) this.attribvalue += this.getSlice(start, end);
    else this.skipSlice(start, end);
  }

  private onattribend(): void {
    const attribs = this.attribs;
    if (attribs !== null && !Object.prototype.hasOwnProperty.call(attribs, this.attribname)) attribs[this.attribname] = this.attribvalue;
    this.attribvalue = '';
  }

  private oncdata(start: number, end: number): void {
    const events = this.events;
    events.oncdatastart();
    if (events.wantsText()) events.ontext(this.getSlice(start, end));
    else this.skipSlice(start, end);
    events.oncdataend();
  }

  // Tokenizer states

  private parse(end: number): void {
    const buffer = this.buffer;
    const offset = this.offset;
    while (this.index < end) {
      const c = buffer.charCodeAt(this.index - offset);
      switch (this.state) {
        case TEXT:
          this.stateText(c);
          break;
        case BEFORE_TAG_NAME:
          this.stateBeforeTagName(c);
          break;
        case IN_TAG_NAME:
          this.stateInTagName(c);
          break;
        case IN_SELF_CLOSING_TAG:
          this.stateInSelfClosingTag(c);
          break;
        case BEFORE_CLOSING_TAG_NAME: {
          if (isWhitespace(c)) break;
          // `</name>` closing the innermost element, nearly every end tag: read in one comparison, with the same
          // events and positions the states below would give.
          const top = this.stack[this.stack.length - 1];
          const local = this.index - offset;
          const length = top === undefined ? 0 : top.codes.length;
          if (top !== undefined && local + length < buffer.length && buffer.charCodeAt(local + length) === GT && sameAt(buffer, local, top.codes)) {
            this.closeTop(this.index, this.index + length);
            this.index += length;
            this.state = TEXT;
            this.sectionStart = this.index + 1;
            break;
          }
          if (c === GT) this.state = TEXT;
          else {
            this.state = isEndOfTagSection(c) ? IN_SPECIAL_COMMENT : IN_CLOSING_TAG_NAME;
            this.sectionStart = this.index;
          }
          break;
        }
        case IN_CLOSING_TAG_NAME:
          this.stateInClosingTagName(c);
          break;
        case AFTER_CLOSING_TAG_NAME:
          this.stateAfterClosingTagName(c);
          break;
        case BEFORE_ATTRIBUTE_NAME:
          this.stateBeforeAttributeName(c);
          break;
        case IN_ATTRIBUTE_NAME:
          this.stateInAttributeName(c);
          break;
        case AFTER_ATTRIBUTE_NAME:
          this.stateAfterAttributeName(c);
          break;
        case BEFORE_ATTRIBUTE_VALUE:
          if (c === DQ) {
            this.state = IN_ATTRIBUTE_VALUE_DQ;
            this.sectionStart = this.index + 1;
          } else if (c === SQ) {
            this.state = IN_ATTRIBUTE_VALUE_SQ;
            this.sectionStart = this.index + 1;
          } else if (!isWhitespace(c)) {
            this.sectionStart = this.index;
            this.state = IN_ATTRIBUTE_VALUE_NQ;
            this.stateInAttributeValueNoQuotes(c);
          }
          break;
        case IN_ATTRIBUTE_VALUE_DQ:
          this.stateInAttributeValueQuoted(c, DQ, '"');
          break;
        case IN_ATTRIBUTE_VALUE_SQ:
          this.stateInAttributeValueQuoted(c, SQ, "'");
          break;
        case IN_ATTRIBUTE_VALUE_NQ:
          this.stateInAttributeValueNoQuotes(c);
          break;
        case BEFORE_DECLARATION:
          if (c === LBRACKET) {
            this.state = CDATA_SEQUENCE;
            this.sequenceIndex = 0;
          } else this.state = c === DASH ? BEFORE_COMMENT : IN_DECLARATION;
          break;
        case IN_DECLARATION:
        case IN_PROCESSING_INSTRUCTION:
        case IN_SPECIAL_COMMENT:
          // Declarations, processing instructions and `</ ...>` junk are read past: the reader wants none of them.
          if (c === GT || this.fastForwardTo('>')) {
            this.skipSlice(this.sectionStart, this.index);
            this.state = TEXT;
            this.sectionStart = this.index + 1;
          }
          break;
        case BEFORE_COMMENT:
          if (c === DASH) {
            this.state = IN_COMMENT_LIKE;
            this.sequence = COMMENT_END;
            // `<!-->` is a whole (empty) comment.
            this.sequenceIndex = 2;
            this.sectionStart = this.index + 1;
          } else this.state = IN_DECLARATION;
          break;
        case CDATA_SEQUENCE:
          if (c === CDATA_START.charCodeAt(this.sequenceIndex)) {
            if (++this.sequenceIndex === CDATA_START.length) {
              this.state = IN_COMMENT_LIKE;
              this.sequence = CDATA_END;
              this.sequenceIndex = 0;
              this.sectionStart = this.index + 1;
            }
          } else {
            this.sequenceIndex = 0;
            this.state = IN_DECLARATION;
            if (c === GT || this.fastForwardTo('>')) {
              this.skipSlice(this.sectionStart, this.index);
              this.state = TEXT;
              this.sectionStart = this.index + 1;
            }
          }
          break;
        case IN_COMMENT_LIKE:
          this.stateInCommentLike(c);
          break;
      }
      this.index++;
    }
  }

  private cleanup(): void {
    // The Tokenizer's cleanup: text and attribute values so far are reported at the end of each chunk.
    if (this.sectionStart !== this.index) {
      if (this.state === TEXT) {
        this.ontext(this.sectionStart, this.index);
        this.sectionStart = this.index;
      } else if (this.state === IN_ATTRIBUTE_VALUE_DQ || this.state === IN_ATTRIBUTE_VALUE_SQ || this.state === IN_ATTRIBUTE_VALUE_NQ) {
        this.onattribdata(this.sectionStart, this.index);
        this.sectionStart = this.index;
      }
    }
  }

  private stateText(c: number): void {
    if (c === LT || this.fastForwardTo('<')) {
      if (this.index > this.sectionStart) this.ontext(this.sectionStart, this.index);
      this.state = BEFORE_TAG_NAME;
      this.sectionStart = this.index;
    }
  }

  private stateBeforeTagName(c: number): void {
    if (c === BANG) {
      if (this.cdataSection()) return;
      this.state = BEFORE_DECLARATION;
      this.sectionStart = this.index + 1;
    } else if (c === QUESTION) {
      this.state = IN_PROCESSING_INSTRUCTION;
      this.sectionStart = this.index + 1;
    } else if (!isEndOfTagSection(c)) {
      // XML mode: anything that does not end the tag starts a name.
      this.openTag();
    } else if (c === SLASH) {
      this.state = BEFORE_CLOSING_TAG_NAME;
    } else {
      // `< ` and `<>` are text, the `<` included.
      this.state = TEXT;
      this.stateText(c);
    }
  }

  /**
   * A CDATA section whole in this chunk, from its `!` (at `index`) to its `]]>`, read in this one call: the same event
   * and positions the states BEFORE_DECLARATION, CDATA_SEQUENCE and IN_COMMENT_LIKE give it, without a turn of parse()'s
   * loop for each character of `[CDATA[` and of the end. Most show notes come in one. False, having changed nothing, for
   * anything else (a comment, a declaration, a section the chunk cuts off): the states read it as before.
   */
  private cdataSection(): boolean {
    const buffer = this.buffer;
    const local = this.index - this.offset;
    if (!buffer.startsWith(CDATA_OPEN, local + 1)) return false;
    // The first `]]>`: where IN_COMMENT_LIKE ends too (`]]]>` included: the section then ends with a `]`).
    const close = buffer.indexOf(CDATA_END, local + 1 + CDATA_OPEN.length);
    if (close === -1) return false;
    this.oncdata(this.index + 1 + CDATA_OPEN.length, close + this.offset);
    this.sequenceIndex = 0;
    this.index = close + this.offset + CDATA_END.length - 1;
    this.state = TEXT;
    this.sectionStart = this.index + 1;
    return true;
  }

  private stateInTagName(c: number): void {
    if (!isEndOfTagSection(c)) {
      // Read the rest of the name here rather than a character per loop turn.
      const buffer = this.buffer;
      let i = this.index - this.offset + 1;
      while (i < buffer.length && !isEndOfTagSection(buffer.charCodeAt(i))) i++;
      if (i === buffer.length) {
        this.index = i + this.offset - 1;
        return;
      }
      this.index = i + this.offset;
      c = buffer.charCodeAt(i);
    }
    this.onopentagname(this.sectionStart, this.index);
    this.sectionStart = -1;
    this.state = BEFORE_ATTRIBUTE_NAME;
    this.stateBeforeAttributeName(c);
  }

  /**
   * An open tag, from the first character of its name (at `index`) to its `>`, read in this one call: the states
   * IN_TAG_NAME to IN_ATTRIBUTE_VALUE_NQ below, with the same transitions, events and positions, stepped through in a
   * local loop instead of a turn of parse()'s switch per character. Where the chunk ends inside the tag, it leaves the
   * state it reached for those methods to go on with. Why: one function, too big to be inlined, is all V8 optimises
   * for open tags; through the per-state methods, every one of them was optimised on its own and again inlined into
   * its callers, the reader's handlers inside each (half of a fresh process's CPU went to compiling, see README).
   */
  private openTag(): void {
    const buffer = this.buffer;
    const offset = this.offset;
    const length = buffer.length;
    let start = this.index;
    // The guess (see Name) when the name is it, whole in this chunk: it ends where its codes do (a name holds no end).
    const guess = this.lastTag?.nextTag;
    const local = start - offset;
    let j: number;
    let name: Name | undefined;
    if (guess !== undefined && local + guess.codes.length < length && isEndOfTagSection(buffer.charCodeAt(local + guess.codes.length)) && sameAt(buffer, local, guess.codes)) {
      name = guess;
      j = local + guess.codes.length;
    } else {
      j = local + 1;
      while (j < length && !isEndOfTagSection(buffer.charCodeAt(j))) j++;
    }
    let state = IN_TAG_NAME;
    if (j < length) {
      this.onopentagname(start, j + offset, name);
      start = -1;
      state = BEFORE_ATTRIBUTE_NAME;
    }
    // `j` is the character looked at; a transition that hands it on to the next state `continue`s without moving.
    while (j < length) {
      const c = buffer.charCodeAt(j);
      switch (state) {
        case BEFORE_ATTRIBUTE_NAME:
          if (c === GT) {
            this.endOpenTag();
            this.state = TEXT;
            this.sectionStart = j + offset + 1;
            this.index = j + offset;
            return;
          }
          if (c === SLASH) state = IN_SELF_CLOSING_TAG;
          else if (!isWhitespace(c)) {
            state = IN_ATTRIBUTE_NAME;
            start = j + offset;
            // The name read here at once, its guess (see Name) first, rather than a turn of this loop per character.
            const guess = this.attribs === null ? undefined : this.lastInTag?.nextAttribute;
            const end = guess === undefined ? 0 : j + guess.codes.length;
            if (guess !== undefined && end < length && isEndOfAttributeName(buffer.charCodeAt(end)) && sameAt(buffer, j, guess.codes)) {
              j = end;
              this.onattribname(start, j + offset, guess);
              start = j + offset;
              state = AFTER_ATTRIBUTE_NAME;
              continue;
            }
            j++;
            while (j < length && !isEndOfAttributeName(buffer.charCodeAt(j))) j++;
            // IN_ATTRIBUTE_NAME takes the character that ends it (or the next chunk goes on with the name).
            continue;
          }
          break;
        case IN_SELF_CLOSING_TAG:
          if (c === GT) {
            this.onselfclosingtag();
            this.state = TEXT;
            this.sectionStart = j + offset + 1;
            this.index = j + offset;
            return;
          }
          if (!isWhitespace(c)) {
            state = BEFORE_ATTRIBUTE_NAME;
            continue;
          }
          break;
        case IN_ATTRIBUTE_NAME:
          if (isEndOfAttributeName(c)) {
            this.onattribname(start, j + offset);
            start = j + offset;
            state = AFTER_ATTRIBUTE_NAME;
            continue;
          }
          break;
        case AFTER_ATTRIBUTE_NAME:
          if (c === EQ) state = BEFORE_ATTRIBUTE_VALUE;
          else if (c === SLASH || c === GT) {
            this.onattribend();
            start = -1;
            state = BEFORE_ATTRIBUTE_NAME;
            continue;
          } else if (!isWhitespace(c)) {
            this.onattribend();
            state = IN_ATTRIBUTE_NAME;
            start = j + offset;
          }
          break;
        case BEFORE_ATTRIBUTE_VALUE:
          if (c === DQ || c === SQ) {
            state = c === DQ ? IN_ATTRIBUTE_VALUE_DQ : IN_ATTRIBUTE_VALUE_SQ;
            start = j + offset + 1;
            // The value runs to the next quote like it (fastForwardTo), or on into the next chunk.
            const close = buffer.indexOf(c === DQ ? '"' : "'", j + 1);
            if (close === -1) {
              j = length;
              continue;
            }
            j = close;
            this.onattribdata(start, j + offset);
            start = -1;
            this.onattribend();
            state = BEFORE_ATTRIBUTE_NAME;
          } else if (!isWhitespace(c)) {
            start = j + offset;
            state = IN_ATTRIBUTE_VALUE_NQ;
            continue;
          }
          break;
        default:
          // IN_ATTRIBUTE_VALUE_NQ
          if (isWhitespace(c) || c === GT) {
            this.onattribdata(start, j + offset);
            start = -1;
            this.onattribend();
            state = BEFORE_ATTRIBUTE_NAME;
            continue;
          }
      }
      j++;
    }
    // The chunk ended inside the tag: the state methods go on from here with the next chunk.
    this.state = state;
    this.sectionStart = start;
    this.index = length + offset - 1;
  }

  private stateInClosingTagName(c: number): void {
    if (c !== GT && !isWhitespace(c)) {
      const buffer = this.buffer;
      let i = this.index - this.offset + 1;
      while (i < buffer.length) {
        const d = buffer.charCodeAt(i);
        if (d === GT || isWhitespace(d)) break;
        i++;
      }
      if (i === buffer.length) {
        this.index = i + this.offset - 1;
        return;
      }
      this.index = i + this.offset;
      c = buffer.charCodeAt(i);
    }
    this.onclosetag(this.sectionStart, this.index);
    this.sectionStart = -1;
    this.state = AFTER_CLOSING_TAG_NAME;
    this.stateAfterClosingTagName(c);
  }

  private stateAfterClosingTagName(c: number): void {
    if (c === GT || this.fastForwardTo('>')) {
      this.state = TEXT;
      this.sectionStart = this.index + 1;
    }
  }

  private stateBeforeAttributeName(c: number): void {
    if (c === GT) {
      this.endOpenTag();
      this.state = TEXT;
      this.sectionStart = this.index + 1;
    } else if (c === SLASH) {
      this.state = IN_SELF_CLOSING_TAG;
    } else if (!isWhitespace(c)) {
      this.state = IN_ATTRIBUTE_NAME;
      this.sectionStart = this.index;
    }
  }

  private stateInSelfClosingTag(c: number): void {
    if (c === GT) {
      this.onselfclosingtag();
      this.state = TEXT;
      this.sectionStart = this.index + 1;
    } else if (!isWhitespace(c)) {
      this.state = BEFORE_ATTRIBUTE_NAME;
      this.stateBeforeAttributeName(c);
    }
  }

  private stateInAttributeName(c: number): void {
    if (c === EQ || isEndOfTagSection(c)) {
      this.onattribname(this.sectionStart, this.index);
      this.sectionStart = this.index;
      this.state = AFTER_ATTRIBUTE_NAME;
      this.stateAfterAttributeName(c);
    }
  }

  private stateAfterAttributeName(c: number): void {
    if (c === EQ) {
      this.state = BEFORE_ATTRIBUTE_VALUE;
    } else if (c === SLASH || c === GT) {
      this.onattribend();
      this.sectionStart = -1;
      this.state = BEFORE_ATTRIBUTE_NAME;
      this.stateBeforeAttributeName(c);
    } else if (!isWhitespace(c)) {
      this.onattribend();
      this.state = IN_ATTRIBUTE_NAME;
      this.sectionStart = this.index;
    }
  }

  private stateInAttributeValueQuoted(c: number, quote: number, quoteChar: string): void {
    if (c === quote || this.fastForwardTo(quoteChar)) {
      this.onattribdata(this.sectionStart, this.index);
      this.sectionStart = -1;
      this.onattribend();
      this.state = BEFORE_ATTRIBUTE_NAME;
    }
  }

  private stateInAttributeValueNoQuotes(c: number): void {
    if (isWhitespace(c) || c === GT) {
      this.onattribdata(this.sectionStart, this.index);
      this.sectionStart = -1;
      this.onattribend();
      this.state = BEFORE_ATTRIBUTE_NAME;
      this.stateBeforeAttributeName(c);
    }
  }

  /** CDATA and comments end with `]]>` and `-->`; a longer run of the first character (`]]]>`, `--->`) also ends them. */
  private stateInCommentLike(c: number): void {
    const sequence = this.sequence;
    if (c === sequence.charCodeAt(this.sequenceIndex)) {
      if (++this.sequenceIndex === sequence.length) {
        if (sequence === CDATA_END) this.oncdata(this.sectionStart, this.index - 2);
        else this.skipSlice(this.sectionStart, this.index - 2);
        this.sequenceIndex = 0;
        this.sectionStart = this.index + 1;
        this.state = TEXT;
      }
    } else if (this.sequenceIndex === 0) {
      if (this.fastForwardTo(sequence[0] ?? '')) this.sequenceIndex = 1;
    } else if (c !== sequence.charCodeAt(this.sequenceIndex - 1)) {
      this.sequenceIndex = 0;
    }
  }

  /** The Tokenizer's handleTrailingData: what an unfinished construct at the end of input becomes. */
  private handleTrailingData(): void {
    const endIndex = this.buffer.length + this.offset;
    if (this.sectionStart >= endIndex) return;
    switch (this.state) {
      case IN_COMMENT_LIKE:
        if (this.sequence === CDATA_END) this.oncdata(this.sectionStart, endIndex);
        else this.skipSlice(this.sectionStart, endIndex);
        return;
      // A tag cut off by the end of input is not reported at all.
      case IN_TAG_NAME:
      case BEFORE_ATTRIBUTE_NAME:
      case BEFORE_ATTRIBUTE_VALUE:
      case AFTER_ATTRIBUTE_NAME:
      case IN_ATTRIBUTE_NAME:
      case IN_ATTRIBUTE_VALUE_SQ:
      case IN_ATTRIBUTE_VALUE_DQ:
      case IN_ATTRIBUTE_VALUE_NQ:
      case IN_CLOSING_TAG_NAME:
        return;
      default:
        this.ontext(this.sectionStart, endIndex);
    }
  }
}
