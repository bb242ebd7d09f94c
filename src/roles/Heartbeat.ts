import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { RateBudget } from '../discord/RateBudget.js';
import type { AnnouncementKey, ProcessRecord, Store } from '../store/Store.js';

/**
 * A Podcord process among those sharing one database. Every `leaseMs / 5` it:
 * - records that it is alive (the registry, Store.heartbeat);
 * - renews the leases it holds (feeds being checked, posts being made), so they stay its own while it lives and go to
 *   another process at most `leaseMs` after it dies;
 * - counts the processes alive and sets its share of the bot's request budget: floor(total / alive), so all of them
 *   together stay under Discord's global rate limit.
 * At start it also ends the registry rows of processes on this machine that are gone (their PID no longer runs: a
 * crash, a SIGKILL), so a process restarted in place takes their leases over at once rather than after they expire,
 * and removes rows silent for a day (processes of machines that are gone).
 * At stop it gives back everything it holds and leaves the registry.
 */

/** Who a process is in the registry and in the leases it takes: unique per start. */
export interface ProcessIdentity {
  id: string;
  /** The machine, and on Linux its PID namespace. */
  host: string;
}

export function newProcessIdentity(): ProcessIdentity {
  const host = machineName();
  return { id: `${host}/${process.pid}/${randomBytes(4).toString('hex')}`, host };
}

export interface HeartbeatOptions {
  identity: ProcessIdentity;
  store: Store;
  log: Logger;
  /** --role, kept in the registry. */
  role: string;
  /** How long what this process holds stays its own without a beat. */
  leaseMs: number;
  /** The bot token's requests per second for all processes together. */
  totalRequestsPerSecond: number;
  /** Set to this process's share at every beat. */
  budget?: RateBudget;
  /** What this process holds now, to renew. */
  held: () => { feeds: readonly string[]; announcements: readonly AnnouncementKey[] };
  now?: () => Date;
}

/** A registry row this long without a beat is removed by the next process to start. */
const FORGOTTEN_AFTER_MS = 24 * 3_600_000;

export class Heartbeat {
  /** Unique per process start: this process's name in leases and the registry. */
  readonly id: string;
  readonly host: string;
  readonly #o: HeartbeatOptions;
  readonly #now: () => Date;
  readonly #startedAt: Date;
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  #failing = false;
  #alive = 1;

  constructor(options: HeartbeatOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.host = options.identity.host;
    this.id = options.identity.id;
    this.#startedAt = this.#now();
  }

  /** Processes alive at the last beat, this one included. */
  get processesAlive(): number {
    return this.#alive;
  }

  /** A lease taken now lasts this long unless renewed. */
  get leaseMs(): number {
    return this.#o.leaseMs;
  }

  /**
   * Joins the registry (ending dead ones of this machine), takes a share of the budget, and beats from now on. With
   * other processes alive it returns only after they have all beaten once since it joined, so they have lowered their
   * shares before this one makes its first request: the processes together never spend more than the budget.
   */
  async start(): Promise<void> {
    const interval = Math.max(100, Math.floor(this.#o.leaseMs / 5));
    await this.#o.store.heartbeat(this.#record(), this.#now());
    await this.#endDeadNeighbours();
    await this.beat();
    this.#timer = setInterval(() => void this.beat(), interval);
    this.#timer.unref();
    if (this.#alive > 1) {
      await sleep(interval * 1.5);
      await this.beat();
    }
  }

  /** One beat (also run by the timer); a failed one is logged once until beats work again. */
  beat(): Promise<void> {
    this.#beating ??= this.#beat().finally(() => (this.#beating = undefined));
    return this.#beating;
  }

  /** Stops beating and gives back every lease and claim this process holds (another process takes them at once). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#beating;
    await this.#o.store.endProcess(this.id).catch((error: unknown) => {
      this.#o.log.warn({ err: error }, 'could not give back leases at stop; they expire by themselves');
    });
  }

  async #beat(): Promise<void> {
    const { store, log } = this.#o;
    try {
      const now = this.#now();
      await store.heartbeat(this.#record(), now);
      await store.renewLeases({ owner: this.id, until: new Date(now.getTime() + this.#o.leaseMs) }, this.#o.held());
      const alive = await store.processes(new Date(now.getTime() - this.#o.leaseMs));
      this.#alive = Math.max(1, alive.length);
      const share = Math.max(1, Math.floor(this.#o.totalRequestsPerSecond / this.#alive));
      if (this.#o.budget && this.#o.budget.perSecond !== share) {
        log.info({ processes: this.#alive, requestsPerSecond: share }, 'share of the Discord request budget changed');
        this.#o.budget.perSecond = share;
      }
      if (this.#failing) log.info('heartbeat recorded again');
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) log.warn({ err: error }, 'heartbeat not recorded; leases held expire unless the next one is');
      this.#failing = true;
    }
  }

  async #endDeadNeighbours(): Promise<void> {
    const longGone = this.#now().getTime() - FORGOTTEN_AFTER_MS;
    for (const other of await this.#o.store.processes(new Date(0))) {
      if (other.id === this.id) continue;
      const deadHere = other.host === this.host && other.pid !== process.pid && !pidRuns(other.pid);
      // Silent for a day (its machine gone, say): its leases expired long ago; only its row is left to tidy.
      if (!deadHere && other.lastSeen.getTime() >= longGone) continue;
      await this.#o.store.endProcess(other.id);
      if (deadHere) this.#o.log.info({ process: other.id, role: other.role }, 'a process of this machine that is gone gave back its leases');
    }
  }

  #record(): ProcessRecord {
    return { id: this.id, role: this.#o.role, host: this.host, pid: process.pid, startedAt: this.#startedAt, lastSeen: this.#now() };
  }
}

/**
 * The machine, and on Linux the PID namespace: containers on one host can share a host name while each has its own
 * PIDs, and a PID is only known dead within its own namespace.
 */
function machineName(): string {
  try {
    return `${hostname()}:${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return hostname();
  }
}

function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
