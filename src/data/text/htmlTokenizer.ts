/** The events htmlToText reads, as htmlparser2's Tokenizer reports them: positions in the HTML string. */
export interface HtmlTokenizerCallbacks {
  ontext(start: number, end: number): void;
  onopentagname(start: number, end: number): void;
  onopentagend(): void;
  onselfclosingtag(): void;
  onclosetag(start: number, end: number): void;
}

// States of htmlparser2's Tokenizer (v10, HTML mode, entities not decoded), which this follows step by step.
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
const BEFORE_SPECIAL_S = 21;
const BEFORE_SPECIAL_T = 22;
const SPECIAL_START_SEQUENCE = 23;
const IN_SPECIAL_TAG = 24;

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
const CDATA_END = ']]>';
const COMMENT_END = '-->';
// End sequences of the raw-text elements, lower case, compared as `c | 0x20` (as the Tokenizer does).
const SCRIPT_END = '</script';
const STYLE_END = '</style';
const TITLE_END = '</title';
const TEXTAREA_END = '</textarea';
const XMP_END = '</xmp';

const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;
const isEndOfTagSection = (c: number) => c === SLASH || c === GT || isWhitespace(c);
const isAsciiAlpha = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/*
 * The tokenizer's state lives here, reset by every call: no object per call (see htmlToText on why a fresh
 * tokenizer per call was slow), and nothing left over from one call to the next.
 */
let cbs: HtmlTokenizerCallbacks;
let buffer = '';
let state = TEXT;
let index = 0;
let sectionStart = 0;
let sequenceIndex = 0;
let sequence = '';
let isSpecial = false;

/**
 * Runs htmlparser2's Tokenizer over one HTML string (`write(html)` then `end()`, HTML mode, entities off) and reports
 * the same open, close and text events with the same positions; attributes, comments, CDATA, declarations and
 * processing instructions are read past without a word, as htmlToText ignores them. Where the Tokenizer steps
 * character by character through text, attribute values, comments and raw text, this jumps with indexOf.
 */
export function tokenizeHtml(html: string, callbacks: HtmlTokenizerCallbacks): void {
  cbs = callbacks;
  buffer = html;
  state = TEXT;
  index = 0;
  sectionStart = 0;
  sequenceIndex = 0;
  sequence = '';
  isSpecial = false;
  try {
    parse();
    finish();
  } finally {
    buffer = '';
  }
}

/** The Tokenizer's fastForwardTo: moves to the next `char` after the current one, else to the last character. */
function fastForwardTo(char: string): boolean {
  const found = buffer.indexOf(char, index + 1);
  if (found !== -1) {
    index = found;
    return true;
  }
  index = buffer.length - 1;
  return false;
}

function parse(): void {
  const end = buffer.length;
  while (index < end) {
    const c = buffer.charCodeAt(index);
    switch (state) {
      case TEXT:
        stateText(c);
        break;
      case BEFORE_TAG_NAME:
        stateBeforeTagName(c);
        break;
      case IN_TAG_NAME:
        stateInTagName(c);
        break;
      case IN_SELF_CLOSING_TAG:
        stateInSelfClosingTag(c);
        break;
      case BEFORE_CLOSING_TAG_NAME:
        if (isWhitespace(c)) break;
        if (c === GT) state = TEXT;
        else {
          state = isAsciiAlpha(c) ? IN_CLOSING_TAG_NAME : IN_SPECIAL_COMMENT;
          sectionStart = index;
        }
        break;
      case IN_CLOSING_TAG_NAME:
        stateInClosingTagName(c);
        break;
      case AFTER_CLOSING_TAG_NAME:
        stateAfterClosingTagName(c);
        break;
      case BEFORE_ATTRIBUTE_NAME:
        stateBeforeAttributeName(c);
        break;
      case IN_ATTRIBUTE_NAME:
        stateInAttributeName(c);
        break;
      case AFTER_ATTRIBUTE_NAME:
        stateAfterAttributeName(c);
        break;
      case BEFORE_ATTRIBUTE_VALUE:
        if (c === DQ) {
          state = IN_ATTRIBUTE_VALUE_DQ;
          sectionStart = index + 1;
        } else if (c === SQ) {
          state = IN_ATTRIBUTE_VALUE_SQ;
          sectionStart = index + 1;
        } else if (!isWhitespace(c)) {
          sectionStart = index;
          state = IN_ATTRIBUTE_VALUE_NQ;
          stateInAttributeValueNoQuotes(c);
        }
        break;
      case IN_ATTRIBUTE_VALUE_DQ:
        if (c === DQ || fastForwardTo('"')) {
          sectionStart = -1;
          state = BEFORE_ATTRIBUTE_NAME;
        }
        break;
      case IN_ATTRIBUTE_VALUE_SQ:
        if (c === SQ || fastForwardTo("'")) {
          sectionStart = -1;
          state = BEFORE_ATTRIBUTE_NAME;
        }
        break;
      case IN_ATTRIBUTE_VALUE_NQ:
        stateInAttributeValueNoQuotes(c);
        break;
      case BEFORE_DECLARATION:
        if (c === LBRACKET) {
          state = CDATA_SEQUENCE;
          sequenceIndex = 0;
        } else state = c === DASH ? BEFORE_COMMENT : IN_DECLARATION;
        break;
      case IN_DECLARATION:
      case IN_PROCESSING_INSTRUCTION:
      case IN_SPECIAL_COMMENT:
        if (c === GT || fastForwardTo('>')) {
          state = TEXT;
          sectionStart = index + 1;
        }
        break;
      case BEFORE_COMMENT:
        if (c === DASH) {
          state = IN_COMMENT_LIKE;
          sequence = COMMENT_END;
          // `<!-->` is a whole (empty) comment.
          sequenceIndex = 2;
          sectionStart = index + 1;
        } else state = IN_DECLARATION;
        break;
      case CDATA_SEQUENCE:
        if (c === CDATA_START.charCodeAt(sequenceIndex)) {
          if (++sequenceIndex === CDATA_START.length) {
            state = IN_COMMENT_LIKE;
            sequence = CDATA_END;
            sequenceIndex = 0;
            sectionStart = index + 1;
          }
        } else {
          sequenceIndex = 0;
          state = IN_DECLARATION;
          if (c === GT || fastForwardTo('>')) {
            state = TEXT;
            sectionStart = index + 1;
          }
        }
        break;
      case IN_COMMENT_LIKE:
        stateInCommentLike(c);
        break;
      case BEFORE_SPECIAL_S: {
        const lower = c | 0x20;
        if (lower === SCRIPT_END.charCodeAt(3)) startSpecial(SCRIPT_END);
        else if (lower === STYLE_END.charCodeAt(3)) startSpecial(STYLE_END);
        else {
          state = IN_TAG_NAME;
          stateInTagName(c);
        }
        break;
      }
      case BEFORE_SPECIAL_T: {
        const lower = c | 0x20;
        if (lower === TITLE_END.charCodeAt(3)) startSpecial(TITLE_END);
        else if (lower === TEXTAREA_END.charCodeAt(3)) startSpecial(TEXTAREA_END);
        else if (lower === XMP_END.charCodeAt(3)) startSpecial(XMP_END);
        else {
          state = IN_TAG_NAME;
          stateInTagName(c);
        }
        break;
      }
      case SPECIAL_START_SEQUENCE:
        stateSpecialStartSequence(c);
        break;
      case IN_SPECIAL_TAG:
        stateInSpecialTag(c);
        break;
    }
    index++;
  }
  // The Tokenizer's cleanup after write(): text so far is reported.
  if (sectionStart !== index && (state === TEXT || (state === IN_SPECIAL_TAG && sequenceIndex === 0))) {
    cbs.ontext(sectionStart, index);
    sectionStart = index;
  }
}

function stateText(c: number): void {
  if (c === LT || fastForwardTo('<')) {
    if (index > sectionStart) cbs.ontext(sectionStart, index);
    state = BEFORE_TAG_NAME;
    sectionStart = index;
  }
}

function stateBeforeTagName(c: number): void {
  if (c === BANG) {
    state = BEFORE_DECLARATION;
    sectionStart = index + 1;
  } else if (c === QUESTION) {
    state = IN_PROCESSING_INSTRUCTION;
    sectionStart = index + 1;
  } else if (isAsciiAlpha(c)) {
    const lower = c | 0x20;
    sectionStart = index;
    if (lower === 0x73 /* s */) state = BEFORE_SPECIAL_S;
    else if (lower === 0x74 /* t */ || lower === 0x78 /* x */) state = BEFORE_SPECIAL_T;
    else state = IN_TAG_NAME;
  } else if (c === SLASH) {
    state = BEFORE_CLOSING_TAG_NAME;
  } else {
    state = TEXT;
    stateText(c);
  }
}

function startSpecial(endSequence: string): void {
  isSpecial = true;
  sequence = endSequence;
  sequenceIndex = 4;
  state = SPECIAL_START_SEQUENCE;
}

function stateSpecialStartSequence(c: number): void {
  const isEnd = sequenceIndex === sequence.length;
  const isMatch = isEnd ? isEndOfTagSection(c) : (c | 0x20) === sequence.charCodeAt(sequenceIndex);
  if (!isMatch) isSpecial = false;
  else if (!isEnd) {
    sequenceIndex++;
    return;
  }
  sequenceIndex = 0;
  state = IN_TAG_NAME;
  stateInTagName(c);
}

/** Raw text (script, style, title, textarea, xmp) runs to its end tag. */
function stateInSpecialTag(c: number): void {
  if (sequenceIndex === sequence.length) {
    if (c === GT || isWhitespace(c)) {
      const endOfText = index - sequence.length;
      if (sectionStart < endOfText) cbs.ontext(sectionStart, endOfText);
      isSpecial = false;
      sectionStart = endOfText + 2;
      stateInClosingTagName(c);
      return;
    }
    sequenceIndex = 0;
  }
  if ((c | 0x20) === sequence.charCodeAt(sequenceIndex)) sequenceIndex += 1;
  else if (sequenceIndex === 0) {
    // Inside <title> the Tokenizer steps on (it would decode entities there); elsewhere it jumps to the next `<`.
    if (sequence !== TITLE_END && fastForwardTo('<')) sequenceIndex = 1;
  } else sequenceIndex = Number(c === LT);
}

function stateInTagName(c: number): void {
  if (isEndOfTagSection(c)) {
    cbs.onopentagname(sectionStart, index);
    sectionStart = -1;
    state = BEFORE_ATTRIBUTE_NAME;
    stateBeforeAttributeName(c);
  }
}

function stateInClosingTagName(c: number): void {
  if (c === GT || isWhitespace(c)) {
    cbs.onclosetag(sectionStart, index);
    sectionStart = -1;
    state = AFTER_CLOSING_TAG_NAME;
    stateAfterClosingTagName(c);
  }
}

function stateAfterClosingTagName(c: number): void {
  if (c === GT || fastForwardTo('>')) {
    state = TEXT;
    sectionStart = index + 1;
  }
}

function stateBeforeAttributeName(c: number): void {
  if (c === GT) {
    cbs.onopentagend();
    if (isSpecial) {
      state = IN_SPECIAL_TAG;
      sequenceIndex = 0;
    } else state = TEXT;
    sectionStart = index + 1;
  } else if (c === SLASH) {
    state = IN_SELF_CLOSING_TAG;
  } else if (!isWhitespace(c)) {
    state = IN_ATTRIBUTE_NAME;
    sectionStart = index;
  }
}

function stateInSelfClosingTag(c: number): void {
  if (c === GT) {
    cbs.onselfclosingtag();
    state = TEXT;
    sectionStart = index + 1;
    isSpecial = false;
  } else if (!isWhitespace(c)) {
    state = BEFORE_ATTRIBUTE_NAME;
    stateBeforeAttributeName(c);
  }
}

function stateInAttributeName(c: number): void {
  if (c === EQ || isEndOfTagSection(c)) {
    sectionStart = index;
    state = AFTER_ATTRIBUTE_NAME;
    stateAfterAttributeName(c);
  }
}

function stateAfterAttributeName(c: number): void {
  if (c === EQ) {
    state = BEFORE_ATTRIBUTE_VALUE;
  } else if (c === SLASH || c === GT) {
    sectionStart = -1;
    state = BEFORE_ATTRIBUTE_NAME;
    stateBeforeAttributeName(c);
  } else if (!isWhitespace(c)) {
    state = IN_ATTRIBUTE_NAME;
    sectionStart = index;
  }
}

function stateInAttributeValueNoQuotes(c: number): void {
  if (isWhitespace(c) || c === GT) {
    sectionStart = -1;
    state = BEFORE_ATTRIBUTE_NAME;
    stateBeforeAttributeName(c);
  }
}

function stateInCommentLike(c: number): void {
  if (c === sequence.charCodeAt(sequenceIndex)) {
    if (++sequenceIndex === sequence.length) {
      sequenceIndex = 0;
      sectionStart = index + 1;
      state = TEXT;
    }
  } else if (sequenceIndex === 0) {
    if (fastForwardTo(sequence[0] ?? '')) sequenceIndex = 1;
  } else if (c !== sequence.charCodeAt(sequenceIndex - 1)) {
    sequenceIndex = 0;
  }
}

/** The Tokenizer's end(): what an unfinished construct at the end becomes. */
function finish(): void {
  const endIndex = buffer.length;
  if (sectionStart >= endIndex) return;
  switch (state) {
    // Unterminated comments and CDATA show nothing; neither does a tag cut off by the end.
    case IN_COMMENT_LIKE:
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
      cbs.ontext(sectionStart, endIndex);
  }
}
