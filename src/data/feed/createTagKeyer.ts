import type { Attributes } from './TagHandler.js';

/** Prefixes feeds use for the namespaces we read, declared or not (gPodder's undeclared_ns_prefixes case). */
const KNOWN_PREFIXES: Record<string, string> = {
  itunes: 'itunes',
  podcast: 'podcast',
  psc: 'psc',
  content: 'content',
  atom: 'atom',
  atom10: 'atom',
  media: 'media',
  dc: 'dc',
};

/** Namespace URIs (without trailing slash) we read, so an unusual prefix declared for one of them (`xmlns:ns1=...`) also works. */
const KNOWN_URIS: Record<string, string> = {
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'https://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'https://podcastindex.org/namespace/1.0': 'podcast',
  'https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md': 'podcast',
  'http://podlove.org/simple-chapters': 'psc',
  'http://purl.org/rss/1.0/modules/content': 'content',
  'http://www.w3.org/2005/Atom': 'atom',
  'http://search.yahoo.com/mrss': 'media',
  'http://purl.org/dc/elements/1.1': 'dc',
};

export interface TagKeyer {
  /** `itunes:Duration` -> `itunes:duration`; `ns1:chapter` -> `psc:chapter` when ns1 is declared for Podlove. */
  key(name: string): string;
  /** Learns the prefixes an element's `xmlns:*` attributes declare. */
  declare(attributes: Attributes): void;
  /** Forgets what the last document declared. */
  reset(): void;
}

/**
 * Canonical tag keys: lower case (hosts write `pubdate`, `itunes:Duration`), with the prefix replaced by the
 * one our handler tables use. Unknown prefixes stay as written, so `foo:title` never passes for `title`.
 */
export function createTagKeyer(): TagKeyer {
  const known = Object.entries(KNOWN_PREFIXES);
  const prefixes = new Map<string, string>(known);
  // Tag names repeat thousands of times per feed: compute each key once.
  const cache = new Map<string, string>();
  return {
    key(name) {
      let key = cache.get(name);
      if (key !== undefined) return key;
      const lower = name.toLowerCase();
      const colon = lower.indexOf(':');
      if (colon === -1) key = lower;
      else {
        const prefix = prefixes.get(lower.slice(0, colon));
        key = prefix === undefined ? lower : `${prefix}:${lower.slice(colon + 1)}`;
      }
      cache.set(name, key);
      return key;
    },
    reset() {
      prefixes.clear();
      for (const [prefix, canonical] of known) prefixes.set(prefix, canonical);
      cache.clear();
    },
    declare(attributes) {
      for (const name in attributes) {
        if (!name.startsWith('xmlns:')) continue;
        // Compared without trailing slashes: feeds write both `.../Atom` and `.../Atom/`.
        const known = KNOWN_URIS[(attributes[name] ?? '').trim().replace(/\/+$/, '')];
        if (known !== undefined) {
          prefixes.set(name.slice(6).toLowerCase(), known);
          cache.clear();
        }
      }
    },
  };
}
