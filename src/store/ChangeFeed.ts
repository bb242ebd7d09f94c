/**
 * What one process hears of the changes any process makes to the data processes keep in memory (the catalogue and the
 * follows), so each can reload just what changed. Changes name ids only; the listener reads the data from the store.
 * A change may be heard more than once, and a process hears its own too: reloading must be idempotent.
 */
export type StoreChange =
  /** A podcast was saved with something different, deleted, or renamed (its old id and its new one): reload it. */
  | { kind: 'podcast'; podcastId: string }
  /** A guild followed or unfollowed a feed: reload its follows. */
  | { kind: 'follows'; guildId: string }
  /** A feed moved permanently: every follow of `from` is now one of `to` (the podcasts come as their own changes). */
  | { kind: 'renamed'; from: string; to: string };

export type ChangeListener = (change: StoreChange) => void;

export interface SubscribeOptions {
  /** The connection dropped, a reconnect failed, an unreadable notification: reported, never thrown. */
  onError?: (error: Error) => void;
  /**
   * Listening again after a drop: how many podcasts and guilds changed while nothing could be heard (each one is also
   * reported to the listener as a change).
   */
  onResync?: (changed: { podcasts: number; guilds: number }) => void;
}

export interface ChangeSubscription {
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
}
