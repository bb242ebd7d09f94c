import type { Episode } from '../data/model.js';
import type { TranscriptSegment } from '../data/search/passage.js';
import type { Store } from './Store.js';

/**
 * The parsed transcripts the store holds for a podcast's episodes, by episode id, for a library upsert that must not
 * refetch (a restart, a feed that moved). Only episodes that link a transcript are looked up.
 */
export async function storedTranscripts(store: Store, podcastId: string, episodes: readonly Episode[]): Promise<Map<string, TranscriptSegment[]>> {
  const out = new Map<string, TranscriptSegment[]>();
  for (const episode of episodes) {
    if (episode.transcripts.length === 0) continue;
    const cached = await store.getTranscript(podcastId, episode.id);
    if (cached !== undefined && cached.segments.length > 0) out.set(episode.id, cached.segments);
  }
  return out;
}
