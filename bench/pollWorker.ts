/**
 * One poller process of the store bench (bench/poll.ts, runStoreBench): composed as `--role worker` composes its poll
 * side (src/roles/worker.ts: openServices with the process's lease, no FEEDS fetched at start, no word vectors, and a
 * Heartbeat renewing its leases), without the announcer: nothing is followed, so there is nothing to post. Driven by
 * the parent over IPC:
 *
 *   { kind: 'open', databaseUrl }        -> { kind: 'ready' }
 *   { kind: 'cycle', clockOffsetMs }     -> { kind: 'cycled', ...CycleReport }   (one pollOnce, timed)
 *   { kind: 'stop' }                     -> exits 0
 *
 * Every store call goes through a timing proxy (here, not in src): the database time of a cycle is the sum of the
 * durations of the store calls that ended in it. Calls run concurrently (up to 8 feed checks, the heartbeat, the
 * change feed's reloads), so the sum counts waiting for a pooled connection or SQLite's lock as well as the queries.
 */
import { performance } from 'node:perf_hooks';
import { openServices, type Services } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { Library } from '../src/data/library.js';
import { createLogger } from '../src/logger.js';
import { Heartbeat, newProcessIdentity } from '../src/roles/Heartbeat.js';
import { openStore } from '../src/store/openStore.js';
import type { Store } from '../src/store/Store.js';

export type WorkerRequest = { kind: 'open'; databaseUrl: string } | { kind: 'cycle'; clockOffsetMs: number } | { kind: 'stop' };

export interface CycleReport {
  ms: number;
  /** Feed checks by result ('updated', 'not-modified', 'failed', 'skipped'). */
  outcomes: Record<string, number>;
  dbMs: number;
  dbCalls: number;
  /** This process's peak resident set during the cycle. */
  peakRssMb: number;
  /** CPU time this process used in the cycle (all its threads: the event loop and the parse pool). */
  cpuMs: number;
}

export type WorkerReply = { kind: 'ready' } | ({ kind: 'cycled' } & CycleReport) | { kind: 'error'; error: string };

const timing = { ms: 0, calls: 0 };

/** The store with every method call timed into `timing`. */
function timed(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const t0 = performance.now();
        const done = (): void => {
          timing.ms += performance.now() - t0;
          timing.calls++;
        };
        // Bound to the store itself: its methods read private fields.
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) return result.finally(done);
        done();
        return result;
      };
    },
  });
}

const reply = (message: WorkerReply): void => {
  process.send?.(message);
};

let services: Services | undefined;
let heartbeat: Heartbeat | undefined;
let store: Store | undefined;
// The bench moves the clock past the poll interval between cycles so every feed is due again; it keeps running within.
let clockOffsetMs = 0;
const now = (): Date => new Date(Date.now() + clockOffsetMs);

async function open(databaseUrl: string): Promise<void> {
  const config = parseConfig({ DATABASE_URL: databaseUrl, POLL_INTERVAL_SECONDS: '600', ALLOW_PRIVATE_NETWORK: 'true', LOG_LEVEL: 'silent' });
  if (!config.ok) throw new Error(config.error);
  const log = createLogger({ level: 'silent' });
  const opened = await openStore(databaseUrl);
  if (!opened.ok) throw new Error(opened.error);
  store = timed(opened.value);
  const identity = newProcessIdentity();
  const lease = { owner: identity.id, ms: config.value.leaseSeconds * 1000 };
  services = await openServices(config.value, log, {
    store,
    library: new Library(),
    semantic: false,
    lease,
    fetchMissingFeeds: false,
    // Every bench host name is 127.0.0.1, where the parent's feed server listens.
    fetchOptions: { lookup: async () => [{ address: '127.0.0.1', family: 4 }] },
    now,
  });
  const poller = services.poller;
  heartbeat = new Heartbeat({
    identity,
    store,
    log,
    role: 'worker',
    leaseMs: lease.ms,
    totalRequestsPerSecond: config.value.discordRequestsPerSecond,
    held: () => ({ feeds: poller.leasedFeeds(), announcements: [] }),
    now,
  });
  await heartbeat.start();
}

async function cycle(): Promise<CycleReport> {
  if (!services) throw new Error('cycle before open');
  timing.ms = 0;
  timing.calls = 0;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const checked = await services.poller.pollOnce();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const outcomes: Record<string, number> = {};
  for (const { status } of checked) outcomes[status] = (outcomes[status] ?? 0) + 1;
  return { ms, outcomes, dbMs: timing.ms, dbCalls: timing.calls, peakRssMb: peak / 1024 / 1024, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function stop(): Promise<void> {
  await heartbeat?.stop();
  await services?.close();
  await store?.close();
}

process.on('message', (message: WorkerRequest) => {
  void (async () => {
    try {
      if (message.kind === 'open') {
        await open(message.databaseUrl);
        reply({ kind: 'ready' });
      } else if (message.kind === 'cycle') {
        clockOffsetMs = message.clockOffsetMs;
        reply({ kind: 'cycled', ...(await cycle()) });
      } else {
        await stop();
        process.exit(0);
      }
    } catch (error) {
      reply({ kind: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  })();
});
// The parent gone (a killed bench): nothing to report to.
process.on('disconnect', () => void stop().finally(() => process.exit(1)));
