import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { InteractionDone, InteractionObserver } from './interactions/InteractionCore.js';

/**
 * What a running Podcord counts, in the Prometheus text format (GET /metrics). One object per process, made by the
 * composer and passed to what counts (the interaction core, the poller, the announcer, the HTTP server): its own
 * registry, never prom-client's global one, so two in one process (tests) do not mix.
 */

/** Why the HTTP endpoint refused an interaction before handling it. */
export type RejectedReason = 'signature' | 'body' | 'unsupported';

export interface MetricsOptions {
  /** The process's own figures (CPU, memory, event loop lag, GC) too. Default true. */
  processMetrics?: boolean;
  /** Labels on every series (`{ role: 'worker' }`). */
  labels?: Record<string, string>;
}

/** Seconds: most answers come from memory in milliseconds; a deferred /feed add takes seconds. */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics implements InteractionObserver {
  readonly registry = new Registry();
  readonly #interactions: Counter<'kind' | 'command' | 'outcome'>;
  readonly #latency: Histogram<'kind'>;
  readonly #rejected: Counter<'reason'>;
  readonly #feedsChecked: Counter<'status'>;
  readonly #postsSent: Counter;
  readonly #postsFailed: Counter<'kind'>;
  readonly #storeErrors: Counter<'operation'>;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.labels) this.registry.setDefaultLabels(options.labels);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'podcord_' });
    this.#interactions = new Counter({
      name: 'podcord_interactions_total',
      help: 'Interactions handled, by kind (command, autocomplete, button), command (or button prefix) and outcome (ok, refused, busy, error).',
      labelNames: ['kind', 'command', 'outcome'],
      registers,
    });
    this.#latency = new Histogram({
      name: 'podcord_interaction_duration_seconds',
      help: 'From an interaction reaching the core to its last answer sent.',
      labelNames: ['kind'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#rejected = new Counter({
      name: 'podcord_interaction_requests_rejected_total',
      help: 'HTTP interaction requests refused unhandled: a missing or bad signature (401), a body too big or not JSON (400), a kind Podcord has no handler for.',
      labelNames: ['reason'],
      registers,
    });
    this.#feedsChecked = new Counter({
      name: 'podcord_feeds_checked_total',
      help: 'Feed checks by result (updated, not-modified, failed, skipped).',
      labelNames: ['status'],
      registers,
    });
    this.#postsSent = new Counter({ name: 'podcord_posts_sent_total', help: 'Announcements posted (and recorded as sent).', registers });
    this.#postsFailed = new Counter({
      name: 'podcord_posts_failed_total',
      help: 'Announcements Discord refused or could not take, by kind of failure (access, refused, unavailable).',
      labelNames: ['kind'],
      registers,
    });
    this.#storeErrors = new Counter({
      name: 'podcord_store_errors_total',
      help: 'Store calls that failed (the database busy or unreachable), by what was being done.',
      labelNames: ['operation'],
      registers,
    });
  }

  /**
   * The topic index of this process, read when scraped: the passages it analysed itself (a process that loaded the
   * saved index analysed only what changed since it was saved) and whether it is loaded.
   */
  watchTopicIndex(read: () => { passagesAnalysed: number; loaded: boolean }): void {
    const registers = [this.registry];
    new Gauge({
      name: 'podcord_topic_passages_analysed',
      help: 'Passages this process analysed itself for the topic index since it started (a loaded saved index counts none).',
      registers,
      collect() {
        this.set(read().passagesAnalysed);
      },
    });
    new Gauge({
      name: 'podcord_topic_index_loaded',
      help: '1 once the topic index is in (loaded or built), 0 while /topic says it is still loading.',
      registers,
      collect() {
        this.set(read().loaded ? 1 : 0);
      },
    });
  }

  interactionDone(done: InteractionDone): void {
    this.#interactions.inc({ kind: done.kind, command: done.name, outcome: done.outcome });
    this.#latency.observe({ kind: done.kind }, done.seconds);
    if (done.outcome === 'busy') this.storeError('interaction');
  }

  interactionRejected(reason: RejectedReason): void {
    this.#rejected.inc({ reason });
  }

  feedChecked(status: string): void {
    this.#feedsChecked.inc({ status });
  }

  postSent(): void {
    this.#postsSent.inc();
  }

  postFailed(kind: string): void {
    this.#postsFailed.inc({ kind });
  }

  storeError(operation: 'interaction' | 'poll' | 'announce'): void {
    this.#storeErrors.inc({ operation });
  }

  /** The Prometheus text exposition of everything counted. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
