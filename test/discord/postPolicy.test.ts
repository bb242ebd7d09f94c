import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { capWindowStart, planPosts } from '../../src/discord/announcementCap.js';
import { classifyPostFailure, DEFAULT_RETRY_POLICY, nextRetry, type PostFailure } from '../../src/discord/postFailure.js';
import { describeProblem } from '../../src/messages/problemText.js';

const apiError = (status: number, code: number, message: string): DiscordAPIError =>
  new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.test/api/v10/channels/1/messages', { body: {} });

/** The failure as the log words it (English). */
const reason = ({ kind, problem }: PostFailure): { kind: string; reason: string } => ({ kind, reason: describeProblem(problem) });

describe('classifyPostFailure', () => {
  it('tells a lost channel, a refused message and an unavailable Discord apart, with Discord\'s words and code', () => {
    expect(reason(classifyPostFailure(apiError(403, 50001, 'Missing Access')))).toEqual({ kind: 'access', reason: 'the bot may not post there: Missing Access (50001)' });
    expect(classifyPostFailure(apiError(403, 50013, 'Missing Permissions')).kind).toBe('access');
    expect(classifyPostFailure(apiError(404, 10003, 'Unknown Channel')).kind).toBe('access');
    expect(reason(classifyPostFailure(apiError(400, 50035, 'Invalid Form Body')))).toEqual({ kind: 'refused', reason: 'Discord refused the message: Invalid Form Body (50035)' });
    expect(classifyPostFailure(apiError(500, 0, 'Internal Server Error')).kind).toBe('unavailable');
    expect(classifyPostFailure(apiError(429, 0, 'You are being rate limited.')).kind).toBe('unavailable');
    expect(classifyPostFailure(new HTTPError(503, 'Service Unavailable', 'POST', 'https://discord.test/x', { body: {} })).kind).toBe('unavailable');
    expect(reason(classifyPostFailure(new Error('socket hang up')))).toEqual({ kind: 'unavailable', reason: 'Discord could not be reached: socket hang up' });
  });
});

describe('nextRetry', () => {
  const now = new Date(Date.UTC(2024, 0, 1));
  const delays = (kind: 'access' | 'refused' | 'unavailable'): (number | undefined)[] =>
    Array.from({ length: 13 }, (_, i) => {
      const at = nextRetry(kind, i + 1, now);
      return at === undefined ? undefined : (at.getTime() - now.getTime()) / 60_000;
    });

  it('tries again at the next cycle, then backs off from 5 minutes to 6 hours, and gives up after a bound by kind', () => {
    expect(delays('refused')).toEqual([0, 5, ...Array(11).fill(undefined)]);
    expect(delays('access')).toEqual([0, 5, 10, 20, 40, 80, 160, 320, 360, 360, undefined, undefined, undefined]);
    expect(delays('unavailable').filter((d) => d !== undefined)).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts.unavailable - 1);
    const accessHours = (delays('access').filter((d) => d !== undefined) as number[]).reduce((a, b) => a + b, 0) / 60;
    expect(accessHours).toBeGreaterThan(20);
    expect(accessHours).toBeLessThan(24);
  });
});

describe('planPosts', () => {
  const fresh = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

  it('posts the newest five and summarises the rest while the day has room', () => {
    expect(planPosts(fresh(3), 5, 10)).toEqual({ posted: [1, 2, 3], summarised: [], withheld: [] });
    expect(planPosts(fresh(30), 5, 6)).toEqual({ posted: [26, 27, 28, 29, 30], summarised: fresh(25), withheld: [] });
  });

  it('past the day\'s cap posts only what is left of it, newest first, and withholds the rest', () => {
    expect(planPosts(fresh(30), 5, 5)).toEqual({ posted: [26, 27, 28, 29, 30], summarised: [], withheld: fresh(25) });
    expect(planPosts(fresh(3), 5, 1)).toEqual({ posted: [3], summarised: [], withheld: [1, 2] });
    expect(planPosts(fresh(2), 5, 0)).toEqual({ posted: [], summarised: [], withheld: [1, 2] });
    expect(planPosts(fresh(2), 5, -3)).toEqual({ posted: [], summarised: [], withheld: [1, 2] });
  });

  it('counts the day from the last resume when that is later', () => {
    const now = new Date(Date.UTC(2024, 0, 2, 12));
    expect(capWindowStart(now, undefined)).toEqual(new Date(Date.UTC(2024, 0, 1, 12)));
    expect(capWindowStart(now, new Date(Date.UTC(2024, 0, 2, 6)))).toEqual(new Date(Date.UTC(2024, 0, 2, 6)));
    expect(capWindowStart(now, new Date(Date.UTC(2023, 11, 1)))).toEqual(new Date(Date.UTC(2024, 0, 1, 12)));
  });
});
