import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/SqliteStore.js';
import type { Store } from '../../src/store/Store.js';
import { channelOption, command, episode, episodes, postsTitled } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * New episodes saved by a process that dies before its announce pass writes their intents (issue 13: a worker killed
 * at any moment leaves nothing missed): the feed keeps a mark that announcements are owed, and once that is older than
 * a lease, whichever process reconciles next runs the pass. The dying pass is made here by a store that fails the
 * pass's first read, after the poller has saved the episodes.
 */

const rig = useTestRig();

describe('an announce pass that did not finish', () => {
  it('is run again by the next reconcile once its mark is older than a lease, and posts the episodes once', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Owed Show', episodes: episodes('show', 1) });
    const opened = openSqliteStore(rig.temp.dbUrl());
    if (!opened.ok) throw new Error(opened.error);
    const real = opened.value;
    let failPass = false;
    const dying = new Proxy(real, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'followersOf' && failPass) {
          failPass = false;
          return async () => {
            throw new Error('the process died here');
          };
        }
        return (value as (...args: unknown[]) => unknown).bind(target);
      },
    }) as Store;
    const bot = await rig.start({ LEASE_SECONDS: '20' }, { store: dying });
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    await command(rig.fake, 'feed add', { url: rig.host.url('/show.xml') }, { admin: true });
    await bot.poll();

    rig.host.addEpisode('/show.xml', episode('show', 2));
    failPass = true;
    await bot.poll();
    expect(await real.getEpisodeIds(rig.host.url('/show.xml'))).toContain('show-2');
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 2')).toBe(0);
    expect(await real.feedsOwedAnnouncements(bot.clock.now())).toEqual([rig.host.url('/show.xml')]);
    // Not yet: the pass may still be running in the process that saved them.
    await bot.poll();
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 2')).toBe(0);

    bot.clock.advance(20_000);
    await bot.poll();
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 2')).toBe(1);
    expect(await real.feedsOwedAnnouncements(bot.clock.now())).toEqual([]);
    await bot.poll();
    await bot.poll();
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 2')).toBe(1);
    await rig.stop(bot);
    await real.close();
  });
});
