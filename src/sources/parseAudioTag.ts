import { audioTagChapters } from '../data/chapters/audioTagChapters.js';
import { err, ok, type Chapter, type Result } from '../data/model.js';

/**
 * music-metadata, imported as the ES module it is. A parse thread runs this file under tsx as CommonJS, where a static
 * import becomes a require that loads a second, transpiled copy of the package and its dependencies: its own
 * `instanceof EndOfStreamError` checks then fail and the end of the tag is taken for an error. import() stays native.
 */
let musicMetadata: Promise<typeof import('music-metadata')> | undefined;

/**
 * The chapters of an ID3v2 tag (the first bytes of an MP3, the tag and nothing after it), read by music-metadata:
 * CHAP frames with their TIT2 titles and WXXX links, in the top-level CTOC's order. Embedded pictures (the cover, a
 * chapter's image) are skipped, and no audio is looked for.
 */
export async function parseAudioTag(bytes: Uint8Array): Promise<Result<Chapter[]>> {
  try {
    musicMetadata ??= import('music-metadata');
    const { parseBuffer } = await musicMetadata;
    const metadata = await parseBuffer(
      bytes,
      { mimeType: 'audio/mpeg', size: bytes.length },
      { includeChapters: true, skipCovers: true, duration: false, skipPostHeaders: true },
    );
    return ok(audioTagChapters(metadata.format.chapters ?? []));
  } catch (cause) {
    return err(`its ID3 tag could not be read (${cause instanceof Error ? cause.message : String(cause)})`);
  }
}
