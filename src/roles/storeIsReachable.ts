import type { Store } from '../store/Store.js';

/**
 * GET /healthz of every role: one round trip to the store (a read of the process registry, a few rows). The
 * catalogue is loaded before any role starts its HTTP server, so a store that answers is the rest of "ready".
 */
export async function storeIsReachable(store: Store, now: () => Date = () => new Date()): Promise<boolean> {
  await store.processes(now());
  return true;
}
