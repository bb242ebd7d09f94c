/**
 * The per-test set-up most integration tests share: the fake Discord, a feed host, a temp directory for the SQLite
 * file and a shared clock, with teardown. Kept apart from support.ts because bench/ imports that outside vitest.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { startFeedHost, startTestBot, tempDir, testClock, type FeedHost, type StartedBot, type TestClock } from './support.js';

/** Fields are replaced in each beforeEach, so read them inside tests, not at module level. */
export interface TestRig {
  fake: FakeDiscord;
  host: FeedHost;
  temp: ReturnType<typeof tempDir>;
  clock: TestClock;
  /** A bot on the temp SQLite file and the shared clock; stopped after the test unless `stop` was called. */
  start(): Promise<StartedBot>;
  stop(bot: StartedBot): Promise<void>;
}

/**
 * Registers beforeEach/afterEach that start and tear down a TestRig; call it at the top level of a test file.
 * After each test the bots still running are stopped and the fake must have seen no unknown requests.
 */
export function useTestRig(): TestRig {
  const running: StartedBot[] = [];
  const rig = {
    start: async () => {
      const bot = await startTestBot(rig.fake, { DATABASE_URL: rig.temp.dbUrl() }, {}, rig.clock);
      running.push(bot);
      return bot;
    },
    stop: async (bot: StartedBot) => {
      running.splice(running.indexOf(bot), 1);
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
