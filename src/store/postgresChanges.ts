import pg, { type PoolClient } from 'pg';
import { z } from 'zod';
import type { ChangeListener, ChangeSubscription, StoreChange, SubscribeOptions } from './ChangeFeed.js';

/**
 * PostgreSQL's LISTEN/NOTIFY as the store's change feed. The store's writes call the notify* helpers inside the
 * transaction that makes the change, so a notification is delivered at COMMIT (never for a rolled back change, never
 * before the data can be read). Payloads are small JSON naming ids, with the version written when there is one:
 *
 *   {"podcast": id, "v": xmin | null}     saved with a change (v: the row's xmin), or deleted (v: null)
 *   {"follows": guildId, "v": md5 | null}  the guild's follows changed (v: md5 of its feed URLs; null: none left)
 *   {"renamed": oldUrl, "to": newUrl}      a feed moved permanently
 *   {"resync": true}                       an id too long for a payload: compare versions instead
 *
 * Listening takes a connection of its own (a pooled one would be handed to queries and lose the LISTEN). A dropped
 * connection is made again after a pause; notifications sent meanwhile are lost, so on reconnecting the listener
 * compares every podcast's version (its row's xmin, which any write of the row changes) and every guild's digest of
 * follows with the ones it last heard of, and reports only those that differ: one query of ids for each, never a
 * reload of the catalogue.
 */

export const CHANGES_CHANNEL = 'podcord_changes';

/** PostgreSQL refuses a payload of 8000 bytes or more; a rename names two ids, so each stays well under half. */
const MAX_ID_BYTES = 3000;

type Queryable = Pick<PoolClient, 'query'>;

/** A guild's follows as one value that changes when they do; NULL for a guild that follows nothing. */
const FOLLOWS_DIGEST = `md5(string_agg(feed_url, E'\\n' ORDER BY feed_url))`;

const tooLong = (id: string): boolean => Buffer.byteLength(id) > MAX_ID_BYTES;

async function notifyResync(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_notify($1, '{"resync":true}')`, [CHANGES_CHANNEL]);
}

/** A podcast was saved with a change, deleted or renamed (call after the change, in its transaction). */
export async function notifyPodcast(db: Queryable, podcastId: string): Promise<void> {
  if (tooLong(podcastId)) return notifyResync(db);
  await db.query(
    `SELECT pg_notify($1, json_build_object('podcast', $2::text, 'v', (SELECT xmin::text FROM podcasts WHERE id = $2))::text)`,
    [CHANGES_CHANNEL, podcastId],
  );
}

/** A guild's follows changed (call after the change, in its transaction). */
export async function notifyFollows(db: Queryable, guildId: string): Promise<void> {
  if (tooLong(guildId)) return notifyResync(db);
  await db.query(
    `SELECT pg_notify($1, json_build_object('follows', $2::text, 'v', (SELECT ${FOLLOWS_DIGEST} FROM follows WHERE guild_id = $2))::text)`,
    [CHANGES_CHANNEL, guildId],
  );
}

/** A feed moved permanently (call in renameFeed's transaction; the podcasts are notified on their own). */
export async function notifyRenamed(db: Queryable, from: string, to: string): Promise<void> {
  if (tooLong(from) || tooLong(to)) return notifyResync(db);
  await db.query(`SELECT pg_notify($1, json_build_object('renamed', $2::text, 'to', $3::text)::text)`, [CHANGES_CHANNEL, from, to]);
}

const Payload = z.union([
  z.object({ podcast: z.string(), v: z.string().nullable() }),
  z.object({ follows: z.string(), v: z.string().nullable() }),
  z.object({ renamed: z.string(), to: z.string() }),
  z.object({ resync: z.literal(true) }),
]);

export interface ListenOptions extends SubscribeOptions {
  connectionString: string;
  /** Takes secrets (the password) out of an error's message before it is reported. */
  scrub: (text: string) => string;
  /** Pause before reconnecting after a drop, doubled after each failed attempt up to `maxReconnectMs`. Default 250. */
  reconnectMs?: number;
  /** Default 5000 (or reconnectMs, if longer). */
  maxReconnectMs?: number;
  /** How often the connection is checked with a query: a connection that died silently hears nothing. Default 30 s. */
  heartbeatMs?: number;
}

/** A query on the listening connection that takes longer than this means the connection is gone. */
const HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * Listens on CHANGES_CHANNEL until closed. Resolves once LISTEN is in place and the versions are read: every change
 * committed from then on is reported, so a caller that loads its data after this misses nothing. Rejects when the
 * first connection cannot be made.
 */
export async function listenForChanges(listener: ChangeListener, options: ListenOptions): Promise<ChangeSubscription> {
  const connection = new ListeningConnection(listener, options);
  await connection.connect(true);
  return connection;
}

class ListeningConnection implements ChangeSubscription {
  readonly #listener: ChangeListener;
  readonly #o: ListenOptions;
  /** The version of each podcast and the follows digest of each guild, as last read or heard. */
  readonly #podcasts = new Map<string, string>();
  readonly #follows = new Map<string, string>();
  #client: pg.Client | undefined;
  /** The connection being set up: if it fails, connect() says so (and its caller tries again), not #dropped. */
  #connecting: pg.Client | undefined;
  #closed = false;
  #delay: number;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(listener: ChangeListener, options: ListenOptions) {
    this.#listener = listener;
    this.#o = options;
    this.#delay = options.reconnectMs ?? 250;
  }

  async connect(initial: boolean): Promise<void> {
    const client = new pg.Client({ connectionString: this.#o.connectionString, application_name: 'podcord-listen', keepAlive: true });
    client.on('error', (error) => this.#dropped(client, error));
    client.on('end', () => this.#dropped(client, new Error('the connection ended')));
    client.on('notification', (message) => {
      if (client === this.#client && message.channel === CHANGES_CHANNEL) this.#heard(message.payload ?? '');
    });
    this.#connecting = client;
    try {
      await client.connect();
      this.#client = client;
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      await this.#resync(client, initial);
      if (this.#client !== client) throw new Error('the connection ended while listening began');
    } catch (error) {
      if (this.#client === client) this.#client = undefined;
      await client.end().catch(() => undefined);
      throw this.#clean(error);
    } finally {
      this.#connecting = undefined;
    }
    if (this.#closed) {
      this.#client = undefined;
      await client.end().catch(() => undefined);
      return;
    }
    this.#delay = this.#o.reconnectMs ?? 250;
    this.#heartbeat = setInterval(() => void this.#beat(client), this.#o.heartbeatMs ?? 30_000);
    this.#heartbeat.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  /**
   * Reads every podcast's version and every guild's follows digest. At the first connection they are what the caller
   * is about to load; after a reconnect, those that differ from what was last heard are reported as changes.
   */
  async #resync(client: pg.Client, initial: boolean): Promise<void> {
    const podcasts = await client.query<{ id: string; v: string }>(`SELECT id, xmin::text AS v FROM podcasts`);
    const follows = await client.query<{ guild_id: string; v: string }>(`SELECT guild_id, ${FOLLOWS_DIGEST} AS v FROM follows GROUP BY guild_id`);
    const podcastsChanged = differences(this.#podcasts, podcasts.rows);
    const guildsChanged = differences(this.#follows, follows.rows.map((row) => ({ id: row.guild_id, v: row.v })));
    // The first time, these are what the caller is about to load: nothing to report.
    if (initial) return;
    for (const podcastId of podcastsChanged) this.#emit({ kind: 'podcast', podcastId });
    for (const guildId of guildsChanged) this.#emit({ kind: 'follows', guildId });
    this.#o.onResync?.({ podcasts: podcastsChanged.length, guilds: guildsChanged.length });
  }

  #heard(payload: string): void {
    let parsed;
    try {
      parsed = Payload.safeParse(JSON.parse(payload));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.#o.onError?.(new Error(`an unreadable notification on ${CHANGES_CHANNEL} was ignored: ${payload.slice(0, 200)}`));
      return;
    }
    const message = parsed.data;
    if ('podcast' in message) {
      remember(this.#podcasts, message.podcast, message.v);
      this.#emit({ kind: 'podcast', podcastId: message.podcast });
    } else if ('follows' in message) {
      remember(this.#follows, message.follows, message.v);
      this.#emit({ kind: 'follows', guildId: message.follows });
    } else if ('renamed' in message) {
      this.#emit({ kind: 'renamed', from: message.renamed, to: message.to });
    } else {
      const client = this.#client;
      if (client) this.#resync(client, false).catch((error: unknown) => this.#dropped(client, this.#clean(error)));
    }
  }

  #emit(change: StoreChange): void {
    try {
      this.#listener(change);
    } catch (error) {
      this.#o.onError?.(this.#clean(error));
    }
  }

  async #beat(client: pg.Client): Promise<void> {
    if (client !== this.#client) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.query('SELECT 1'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the connection did not answer')), HEARTBEAT_TIMEOUT_MS))),
      ]);
    } catch (error) {
      this.#dropped(client, this.#clean(error));
    } finally {
      clearTimeout(timer);
    }
  }

  /** The listening connection failed or ended: report it once and connect again after a pause. */
  #dropped(client: pg.Client, error: Error): void {
    if (client !== this.#client || this.#closed) return;
    this.#client = undefined;
    clearInterval(this.#heartbeat);
    client.end().catch(() => undefined);
    if (client === this.#connecting) return;
    this.#o.onError?.(this.#clean(error));
    this.#reconnectLater();
  }

  #reconnectLater(): void {
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      if (this.#closed) return;
      this.connect(false).catch((error: unknown) => {
        if (this.#closed) return;
        this.#o.onError?.(this.#clean(error));
        this.#delay = Math.min(Math.max(this.#o.maxReconnectMs ?? 5000, this.#o.reconnectMs ?? 0), this.#delay * 2);
        if (!this.#closed) this.#reconnectLater();
      });
    }, this.#delay);
    this.#retry.unref();
  }

  /** An error whose message holds no secret, keeping its code. */
  #clean(error: unknown): Error {
    const message = error instanceof Error ? error.message || error.name : String(error);
    const cleaned = new Error(this.#o.scrub(message));
    const code = (error as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') Object.assign(cleaned, { code });
    return cleaned;
  }
}

/** Makes `held` what `now` says, and returns the ids that were added, changed or removed. */
function differences(held: Map<string, string>, now: readonly { id: string; v: string }[]): string[] {
  const changed: string[] = [];
  const current = new Map(now.map((row) => [row.id, row.v]));
  for (const [id, v] of current) {
    if (held.get(id) === v) continue;
    held.set(id, v);
    changed.push(id);
  }
  for (const id of [...held.keys()]) {
    if (current.has(id)) continue;
    held.delete(id);
    changed.push(id);
  }
  return changed;
}

function remember(held: Map<string, string>, id: string, version: string | null): void {
  if (version === null) held.delete(id);
  else held.set(id, version);
}
