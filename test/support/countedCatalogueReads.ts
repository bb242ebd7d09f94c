import type { Store } from '../../src/store/Store.js';

/** A store with the catalogue reads a start makes counted: pages of the whole catalogue, podcasts read by id. */
export function countedCatalogueReads(target: Store): { store: Store; pages: () => number; byId: string[] } {
  let pages = 0;
  const byId: string[] = [];
  const store = new Proxy(target, {
    get(t, key) {
      const value = Reflect.get(t, key) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (key === 'loadCatalogPage') pages++;
        if (key === 'loadCatalogSummaries') byId.push(...(args[0] as string[]));
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
  return { store, pages: () => pages, byId };
}
