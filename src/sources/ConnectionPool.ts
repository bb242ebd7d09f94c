import http from 'node:http';
import https from 'node:https';
import type { VettedTarget } from './vetUrl.js';

export interface ConnectionPoolOptions {
  /** Connections kept open at most per host and vetted addresses, busy or idle. Default 2 (the poller's per-host limit). */
  maxPerHost?: number;
  /** An idle connection is closed after this long (sooner when the server's Keep-Alive header says so). Default 30 s. */
  idleMs?: number;
}

/** The request option the pool keys connections by (see PinnedAgent). */
export const PINNED_ADDRESSES = 'podcordPinnedAddresses';

/**
 * Keep-alive connections for fetchResource, so a poll cycle opens one connection per feed host instead of one per
 * feed. The private-network guard still holds for every request: a connection is only reused by a request whose host
 * name AND vetted addresses are the ones it was opened to (PinnedAgent), so a name that resolves elsewhere now (a
 * rebinding host) gets a new connection to the newly vetted address, never the old one. Owned by whoever polls
 * (FeedPoller) and closed with it; without a pool fetchResource opens a connection per request, as before.
 */
export class ConnectionPool {
  readonly #http: http.Agent;
  readonly #https: https.Agent;

  constructor(options: ConnectionPoolOptions = {}) {
    const agentOptions = {
      keepAlive: true,
      maxSockets: Math.max(1, options.maxPerHost ?? 2),
      maxFreeSockets: Math.max(1, options.maxPerHost ?? 2),
      // Node also honours a shorter Keep-Alive: timeout=N from the server, so the server rarely closes one first.
      timeout: options.idleMs ?? 30_000,
      scheduling: 'lifo' as const,
    };
    this.#http = pinned(new http.Agent(agentOptions));
    this.#https = pinned(new https.Agent(agentOptions));
  }

  /** The agent for a target's scheme. */
  agentFor(target: VettedTarget): http.Agent {
    return target.url.protocol === 'https:' ? this.#https : this.#http;
  }

  /** Closes every connection, idle or not. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

/**
 * An agent whose connection pools are keyed by the vetted addresses as well as by what Node keys them by (host, port,
 * TLS options): a socket opened to one vetted address set is only handed to requests vetted to the same set.
 */
function pinned<A extends http.Agent>(agent: A): A {
  const getName = agent.getName.bind(agent);
  agent.getName = (options) => {
    const addresses = (options as Record<string, unknown> | undefined)?.[PINNED_ADDRESSES];
    // A request without vetted addresses (none is made so) gets a pool of its own, never a pinned one.
    return `${getName(options)}|${typeof addresses === 'string' ? addresses : 'unpinned'}`;
  };
  return agent;
}

/** The key of a target's vetted addresses: the same set in any order is the same key. */
export function pinnedAddressesKey(target: VettedTarget): string {
  return target.addresses
    .map(({ address }) => address)
    .sort()
    .join(',');
}
