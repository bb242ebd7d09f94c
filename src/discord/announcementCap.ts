import { encodeProblem } from '../data/problems.js';

/**
 * How much one feed may post in a server in a day. A real podcast publishes a few episodes a day at most, and a
 * catch-up after downtime is folded into a few posts and one summary; a feed that keeps producing new episodes past
 * the cap is broken (new guids for old episodes that nothing else recognises, a generator gone wrong). Past the cap
 * nothing more of it is posted: the rest is marked seen, and the feed is paused with one notice until someone
 * resumes it with /feed add.
 */

/** Posts (episodes and summaries) one feed may make in one server in 24 hours. */
export const MAX_ANNOUNCEMENTS_PER_DAY = 10;

export const CAP_WINDOW_MS = 24 * 3_600_000;

/** Where the 24 hours counted against a feed start: a day ago, or when it was last resumed if that is later. */
export function capWindowStart(now: Date, resumedAt: Date | undefined): Date {
  const dayAgo = now.getTime() - CAP_WINDOW_MS;
  return new Date(resumedAt === undefined ? dayAgo : Math.max(dayAgo, resumedAt.getTime()));
}

/** The reason kept with the paused feed and shown by /feed list. */
export function floodPauseReason(cap: number): string {
  return encodeProblem({ code: 'flooding', cap });
}

export interface PostPlan<T> {
  /** Posted one by one, oldest first. */
  posted: T[];
  /** Listed in one summary post, before the others. */
  summarised: T[];
  /** Past the cap: not posted, marked seen. */
  withheld: T[];
}

/**
 * Splits new episodes (oldest first) into the newest `maxPerPass` posted one by one and the older rest summarised in
 * one post; when that is more posts than `remaining` today, only the newest `remaining` are posted and the rest is
 * withheld.
 */
export function planPosts<T>(fresh: readonly T[], maxPerPass: number, remaining: number): PostPlan<T> {
  const perPass = Math.max(1, maxPerPass);
  const posted = fresh.slice(-perPass);
  const summarised = fresh.slice(0, fresh.length - posted.length);
  if (posted.length + (summarised.length > 0 ? 1 : 0) <= remaining) return { posted, summarised, withheld: [] };
  const allowed = Math.max(0, Math.min(perPass, remaining));
  return { posted: allowed === 0 ? [] : fresh.slice(-allowed), summarised: [], withheld: fresh.slice(0, fresh.length - allowed) };
}
