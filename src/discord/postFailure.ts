import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import type { PostProblem } from '../data/problems.js';

/**
 * Why a post (or its publishing) failed, and when to try again. discord.js has already retried what it retries by
 * itself (5xx three times, 429 after waiting) by the time an error gets here, so every retry decided here is a later
 * one, across poll cycles, with a backoff and a bound: a post that cannot be made is never dropped silently and never
 * retried forever. The reason is kept in the ledger and shown by /feed list.
 *
 * - `access`: the channel is gone, or the bot may not see or post in it (403, 404; Missing Access 50001, Missing
 *   Permissions 50013, Unknown Channel 10003). Someone can fix it, so it is retried for about a day.
 * - `refused`: Discord refused the message itself (another 4xx, such as Invalid Form Body 50035). Sending the same
 *   body again rarely helps: a few tries, then given up.
 * - `unavailable`: a 5xx, a rate limit, the network; the post may or may not have been made (the ledger's nonce and
 *   the reconciliation search take care of that). Retried the longest.
 */

export type PostFailureKind = 'access' | 'refused' | 'unavailable';

export interface PostFailure {
  kind: PostFailureKind;
  /** For /feed list (in each reader's language) and the log: Discord's code and message, never a token or a URL. */
  problem: PostProblem;
}

const ACCESS_CODES = new Set([50001, 50013, 10003, 10004]);

/**
 * Whether Discord said the bot lost the channel or the guild (Unknown Channel 10003, Unknown Guild 10004, Missing
 * Access 50001, Missing Permissions 50013): trying again cannot help until someone acts, and every 403 counts toward
 * Discord's invalid-request limit, so the guild's announcements are paused instead (until /announce channel is set).
 */
export function lostChannel(error: unknown): boolean {
  return error instanceof DiscordAPIError && typeof error.code === 'number' && ACCESS_CODES.has(error.code);
}

export function classifyPostFailure(error: unknown): PostFailure {
  if (error instanceof DiscordAPIError) {
    const what = { discordMessage: error.message, ...(typeof error.code === 'number' ? { discordCode: error.code } : { status: error.status }) };
    if (error.status === 403 || error.status === 404 || (typeof error.code === 'number' && ACCESS_CODES.has(error.code))) {
      return { kind: 'access', problem: { code: 'postAccess', ...what } };
    }
    if (error.status >= 400 && error.status < 500 && error.status !== 429) return { kind: 'refused', problem: { code: 'postRefused', ...what } };
    return { kind: 'unavailable', problem: { code: 'postUnavailable', ...what } };
  }
  if (error instanceof HTTPError) {
    if (error.status === 403 || error.status === 404) return { kind: 'access', problem: { code: 'postAccess', status: error.status } };
    if (error.status >= 400 && error.status < 500 && error.status !== 429) return { kind: 'refused', problem: { code: 'postRefused', status: error.status } };
    return { kind: 'unavailable', problem: { code: 'postUnavailable', status: error.status } };
  }
  if (error instanceof RateLimitError) return { kind: 'unavailable', problem: { code: 'postUnavailable', rateLimitSeconds: Math.ceil(error.timeToReset / 1000) } };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'unavailable', problem: { code: 'postUnavailable', network: message.slice(0, 200) } };
}

export interface RetryPolicy {
  /** The wait after the second failure, doubled after each next one; the first is tried again at the next cycle. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all (the first included) before giving up, by kind of failure. */
  maxAttempts: Readonly<Record<PostFailureKind, number>>;
}

/**
 * At the next cycle, then after 5 min, 10, 20 ... up to 6 h: an access problem has ~22 h to be fixed, a refused body
 * three tries, an outage ~29 h.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 5 * 60_000,
  maxDelayMs: 6 * 3_600_000,
  maxAttempts: { access: 11, refused: 3, unavailable: 12 },
};

/**
 * When to try again after the `attempts`-th failed attempt in all, or undefined to give up. The first failure is
 * tried again at once (the next cycle): discord.js has waited out what it could, and a repost with the same nonce
 * inside Discord's window cannot duplicate.
 */
export function nextRetry(kind: PostFailureKind, attempts: number, now: Date, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Date | undefined {
  if (attempts >= policy.maxAttempts[kind]) return undefined;
  const delay = attempts <= 1 ? 0 : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(30, attempts - 2));
  return new Date(now.getTime() + delay);
}
