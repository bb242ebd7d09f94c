import { parseBuffer } from 'music-metadata';
import { audioTagChapters } from '../data/chapters/audioTagChapters.js';
import { err, ok, type Chapter, type Result } from '../data/model.js';

/**
 * The chapters of an ID3v2 tag (the first bytes of an MP3, the tag and nothing after it), read by music-metadata:
 * CHAP frames with their TIT2 titles and WXXX links, in the top-level CTOC's order. Embedded pictures (the cover, a
 * chapter's image) are skipped, and no audio is looked for.
 */
export async function parseAudioTag(bytes: Uint8Array): Promise<Result<Chapter[]>> {
  try {
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
