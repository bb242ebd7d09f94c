import { describe, expect, it } from 'vitest';
import { HostLimiter } from '../../src/sources/HostLimiter.js';
import { PollSchedule } from '../../src/sources/PollSchedule.js';
import { channelOption, command, episode, episodes, postsTitled } from './support.js';
import { useTestRig } from './useTestRig.js';

const rig = useTestRig({ database: 'memory' });

const OTHER_GUILD = '1200000000000000099';

describe('operator feeds and guild scopes', () => {
  it('follows FEEDS in every guild at start with the back catalogue seen, and announces what comes next', async () => {
    rig.host.feeds.set('/operator.xml', { title: 'Operator Show', episodes: episodes('op', 4) });
    const bot = await rig.start({ FEEDS: rig.host.url('/operator.xml') });
    expect(await bot.running.services.store.followersOf(rig.host.url('/operator.xml'))).toEqual([rig.fake.guildId]);
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    await bot.poll();
    expect(rig.fake.messages(rig.fake.channelId).filter((m) => !m.interaction_metadata)).toHaveLength(0);
    rig.host.addEpisode('/operator.xml', episode('op', 5));
    await bot.poll();
    expect(postsTitled(rig.fake, rig.fake.channelId, 'op episode 5')).toBe(1);
    const removed = await command(rig.fake, 'feed remove', { podcast: 'Operator Show' }, { admin: true });
    expect(removed.content).toMatch(/^⚠️ \*\*Operator Show\*\* is followed in every server by the bot’s operator/);
  });

  it('shows a guild its own follows, the samples and FEEDS, but not what only another guild follows', async () => {
    rig.host.feeds.set('/mine.xml', { title: 'Private Show', episodes: episodes('mine', 2) });
    await rig.start();
    await command(rig.fake, 'feed add', { url: rig.host.url('/mine.xml') }, { admin: true });
    const here = await command(rig.fake, 'latest', { podcast: 'Private Show', count: 1 });
    expect(here.embeds?.[0]?.title).toBe('mine episode 2');
    const elsewhere = await command(rig.fake, 'latest', { podcast: 'Private Show', count: 1 }, { guildId: OTHER_GUILD });
    expect(elsewhere.embeds?.[0]?.author?.name).not.toBe('Private Show');
    const samples = await command(rig.fake, 'chapters', {}, { guildId: OTHER_GUILD });
    expect(samples.embeds?.[0]?.title).toContain('Open-Source AI');
  });
});

describe('poll scheduling', () => {
  it('runs at most `total` tasks at once and at most `perHost` per host, without a busy host blocking others', async () => {
    const limiter = new HostLimiter({ total: 3, perHost: 2 });
    let running = 0;
    let peak = 0;
    const perHost = new Map<string, number>();
    let peakPerHost = 0;
    const releases: (() => void)[] = [];
    const task = (hostName: string) => () =>
      new Promise<void>((resolve) => {
        running++;
        peak = Math.max(peak, running);
        perHost.set(hostName, (perHost.get(hostName) ?? 0) + 1);
        peakPerHost = Math.max(peakPerHost, perHost.get(hostName)!);
        releases.push(() => {
          running--;
          perHost.set(hostName, perHost.get(hostName)! - 1);
          resolve();
        });
      });
    const done = [
      ...Array.from({ length: 5 }, () => limiter.run('slow.example', task('slow.example'))),
      limiter.run('fast.example', task('fast.example')),
    ];
    await Promise.resolve();
    // Two slow ones run; the third slot goes to the other host, not to a third slow one.
    expect(limiter.running).toBe(3);
    expect(perHost.get('fast.example')).toBe(1);
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(done);
    expect(peak).toBe(3);
    expect(peakPerHost).toBe(2);
  });

  it('backs off as interval * 2^failures, capped, and pauses after the set number of failures', () => {
    const schedule = new PollSchedule({ intervalSeconds: 600, maxBackoffSeconds: 6 * 3600, pauseAfter: 8, random: () => 0.5 });
    const now = new Date(0);
    const delays = Array.from({ length: 8 }, (_, i) => schedule.afterFailure(now, i + 1).nextCheckAt.getTime() / 1000);
    expect(delays).toEqual([1200, 2400, 4800, 9600, 19200, 21600, 21600, 21600]);
    expect(schedule.afterFailure(now, 7).pause).toBe(false);
    expect(schedule.afterFailure(now, 8).pause).toBe(true);
    expect(schedule.afterSuccess(now).getTime()).toBe(600_000);
    const jittered = new PollSchedule({ intervalSeconds: 600, random: () => 0 });
    expect(jittered.afterSuccess(now).getTime()).toBe(540_000);
  });
});
