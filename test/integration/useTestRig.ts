/**
 * The per-test set-up most integration tests share: the fake Discord, a feed host, a temp directory for the SQLite
 * file and a shared clock, with teardown. Kept apart from support.ts because bench/ imports that outside vitest.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { BotStartOptions } from '../../src/app.js';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { startFeedHost, startTestBot, tempDir, testClock, type FeedHost, type StartedBot, type TestClock } from './support.js';

export interface TestRigOptions {
  /**
   * The database `start` gives a bot unless its env names one: 'file' (the default), the temp dir's SQLite file, which
   * every bot of the test shares (a restart finds what the last one stored); 'memory', startTestBot's default, a
   * fresh in-memory database per bot.
   */
  database?: 'file' | 'memory';
}

/** Fields are replaced in each beforeEach, so read them inside tests, not at module level. */
export interface TestRig {
  fake: FakeDiscord;
  host: FeedHost;
  temp: ReturnType<typeof tempDir>;
  clock: TestClock;
  /**
   * A bot on the rig's database and the shared clock, as startTestBot starts it with `env` merged over that database
   * and these options; stopped after the test unless `stop` was called.
   */
  start(env?: Record<string, string>, options?: BotStartOptions): Promise<StartedBot>;
  stop(bot: StartedBot): Promise<void>;
}

/**
 * Registers beforeEach/afterEach that start and tear down a TestRig; call it at the top level of a test file.
 * After each test the bots still running are stopped and the fake must have seen no unknown requests.
 */
export function useTestRig({ database = 'file' }: TestRigOptions = {}): TestRig {
  const running: StartedBot[] = [];
  const rig = {
    start: async (env: Record<string, string> = {}, options: BotStartOptions = {}) => {
      const databaseEnv: Record<string, string> = database === 'file' ? { DATABASE_URL: rig.temp.dbUrl() } : {};
      const bot = await startTestBot(rig.fake, { ...databaseEnv, ...env }, options, rig.clock);
      running.push(bot);
      return bot;
    },
    stop: async (bot: StartedBot) => {
      const at = running.indexOf(bot);
      if (at >= 0) running.splice(at, 1); // (-1 would take the last bot off the list instead)
      await bot.running.stop();
    },
  } as TestRig;
  beforeEach(async () => {
    rig.fake = await startFakeDiscord();
    rig.host = await startFeedHost();
    rig.temp = tempDir();
    rig.clock = testClock();
  });
  afterEach(async () => {
    for (const bot of running.splice(0)) await bot.running.stop();
    await rig.fake.close();
    await rig.host.close();
    rig.temp.remove();
    expect(rig.fake.unknownRequests).toEqual([]);
  });
  return rig;
}
