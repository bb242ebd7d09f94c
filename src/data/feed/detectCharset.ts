/** How to turn a feed's bytes into text: decoders to try in order, the next one when a `fatal` one fails. */
export interface CharsetPlan {
  attempts: { label: string; fatal: boolean }[];
  /** Where the charset came from, for messages and tests. */
  source: 'bom' | 'xml-declaration' | 'content-type' | 'default';
  /** The charset as declared (or implied by the BOM). */
  declared: string;
}

const XML_DECL_ENCODING = /<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;
const CONTENT_TYPE_CHARSET = /;\s*charset\s*=\s*"?([^;"\s]+)/i;

/** The WHATWG name of a charset label, or undefined when TextDecoder does not know it. */
function canonical(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

function planFor(label: string, source: CharsetPlan['source']): CharsetPlan {
  const encoding = canonical(label) ?? 'utf-8';
  // UTF-8 and Latin-1 (windows-1252 is what TextDecoder does for iso-8859-1 and us-ascii) are told apart
  // by the bytes rather than the label: feeds are often re-encoded without fixing the declaration, or
  // declare nothing and are Latin-1. Valid UTF-8 with non-ASCII bytes is practically never Latin-1 text.
  if (encoding === 'utf-8' || encoding === 'windows-1252') {
    return { attempts: [{ label: 'utf-8', fatal: true }, { label: 'windows-1252', fatal: false }], source, declared: label };
  }
  return { attempts: [{ label: encoding, fatal: false }], source, declared: label };
}

/**
 * Picks the charset of a feed. Order: byte-order mark, then the XML declaration, then the HTTP
 * Content-Type charset, then UTF-8. RFC 7303 ranks the HTTP header above the XML declaration; we do
 * not, because podcast hosts' servers send blanket `charset=utf-8` (or nothing) whatever the file is,
 * while the declaration is written by the software that wrote the bytes. For UTF-8 vs Latin-1 see planFor.
 */
export function detectCharset(bytes: Uint8Array, contentType?: string): CharsetPlan {
  const [b0, b1, b2] = [bytes[0], bytes[1], bytes[2]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { attempts: [{ label: 'utf-8', fatal: false }], source: 'bom', declared: 'utf-8' };
  if (b0 === 0xfe && b1 === 0xff) return { attempts: [{ label: 'utf-16be', fatal: false }], source: 'bom', declared: 'utf-16be' };
  if (b0 === 0xff && b1 === 0xfe) return { attempts: [{ label: 'utf-16le', fatal: false }], source: 'bom', declared: 'utf-16le' };
  // UTF-16 without a BOM still starts with "<" as two bytes.
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f) return planFor('utf-16le', 'xml-declaration');
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00) return planFor('utf-16be', 'xml-declaration');

  // The declaration may sit after junk (PHP warnings, a stray newline), so look through the first 2 KB.
  const head = String.fromCharCode(...bytes.subarray(0, 2048));
  const declared = XML_DECL_ENCODING.exec(head)?.[1];
  if (declared !== undefined && canonical(declared) !== undefined) return planFor(declared, 'xml-declaration');

  const fromHeader = contentType === undefined ? undefined : CONTENT_TYPE_CHARSET.exec(contentType)?.[1];
  if (fromHeader !== undefined && canonical(fromHeader) !== undefined) return planFor(fromHeader, 'content-type');

  return planFor('utf-8', 'default');
}
