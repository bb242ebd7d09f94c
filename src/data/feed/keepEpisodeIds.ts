import type { Episode } from '../model.js';

/**
 * Some hosts give every item a new guid on every fetch (a CMS that regenerates them, a proxy that adds a timestamp).
 * Taken at its word, such a feed is all new episodes every time. An episode is more than its guid: an incoming
 * episode whose id is unknown is the known episode that
 *
 *   1. has the same enclosure URL, else
 *   2. has the same enclosure URL up to its query string (signed or tracking parameters that change per fetch), else
 *   3. has the same title and duration,
 *
 * and it keeps that episode's id, so the catalogue, the seen marks and the announcement ledger (all keyed by episode
 * id) see nothing new. Only known episodes whose own id is gone from the feed can be matched, each at most once, and
 * only by a key that names one episode on both sides: a feed that gives every item the same enclosure (or title and
 * duration) matches nothing by it.
 *
 * Returns `incoming` itself when nothing was matched, else a copy with the matched episodes re-identified.
 */
export function keepEpisodeIds(known: readonly Episode[], incoming: readonly Episode[]): Episode[] {
  const incomingIds = new Set(incoming.map((e) => e.id));
  const knownIds = new Set(known.map((e) => e.id));
  const gone = known.filter((e) => !incomingIds.has(e.id));
  const unknown = incoming.filter((e) => !knownIds.has(e.id));
  if (gone.length === 0 || unknown.length === 0) return incoming as Episode[];

  const renamed = new Map<Episode, string>();
  const taken = new Set<Episode>();
  for (const keyOf of FINGERPRINTS) {
    // Unique over the whole feed on each side, not only among the unmatched: a key that a still-listed episode
    // shares identifies nothing.
    const candidates = uniqueBy(known, keyOf);
    for (const [key, episode] of uniqueBy(incoming, keyOf)) {
      const match = candidates.get(key);
      if (match === undefined || knownIds.has(episode.id) || renamed.has(episode) || incomingIds.has(match.id) || taken.has(match)) continue;
      renamed.set(episode, match.id);
      taken.add(match);
    }
  }
  if (renamed.size === 0) return incoming as Episode[];
  return incoming.map((e) => {
    const id = renamed.get(e);
    return id === undefined ? e : { ...e, id };
  });
}

type Fingerprint = (episode: Episode) => string | undefined;

const FINGERPRINTS: readonly Fingerprint[] = [
  (e) => e.audioUrl,
  (e) => (e.audioUrl === undefined ? undefined : withoutQuery(e.audioUrl)),
  (e) => {
    const title = e.title.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
    return title === '' || e.durationSeconds === undefined ? undefined : `${title}\n${Math.round(e.durationSeconds)}`;
  },
];

function withoutQuery(url: string): string {
  const end = url.search(/[?#]/);
  return end < 0 ? url : url.slice(0, end);
}

/** Episodes by their key, leaving out keys that several of them share (they identify none). */
function uniqueBy(episodes: readonly Episode[], keyOf: Fingerprint): Map<string, Episode> {
  const byKey = new Map<string, Episode>();
  const shared = new Set<string>();
  for (const episode of episodes) {
    const key = keyOf(episode);
    if (key === undefined) continue;
    if (byKey.has(key)) shared.add(key);
    else byKey.set(key, episode);
  }
  for (const key of shared) byKey.delete(key);
  return byKey;
}
