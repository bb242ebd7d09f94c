import net from 'node:net';
import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { decodeProblem } from '../../src/data/problems.js';
import { describeProblem } from '../../src/messages/problemText.js';

/** A problem the store keeps (as data), in the English the log has. */
const stored = (text: string | undefined): string => {
  const problem = text === undefined ? undefined : decodeProblem(text);
  return problem ? describeProblem(problem) : String(text);
};
import type { ResolveHost } from '../../src/sources/vetUrl.js';
import { chatInput } from '../support/interactions.js';
import { channelOption, command, episode, episodes, postsTitled } from './support.js';
import { useTestRig } from './useTestRig.js';

/** Fetching safely through /feed add (the SSRF guard, clear reasons) and polling failing feeds without harm. */

const rig = useTestRig({ database: 'memory' });

describe('/feed add refuses what it must, with a reason (ALLOW_PRIVATE_NETWORK=false)', () => {
  // Public-looking names resolve where the test says; connections to "public" addresses go to the local feed host.
  const names: Record<string, string> = {
    'feeds.example.com': '93.184.216.34',
    'intranet.example.com': '192.168.1.10',
    'metadata.example.com': '169.254.169.254',
  };
  const lookup: ResolveHost = async (hostname) => {
    const address = names[hostname];
    if (address === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };

  async function add(url: string): Promise<string> {
    const reply = await command(rig.fake, 'feed add', { url }, { admin: true });
    expect(reply.flags).toBe(MessageFlags.Ephemeral);
    return reply.content ?? '';
  }

  it('refuses loopback, private, link-local (metadata) and local names, and a redirect to a private address', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Hidden Show', episodes: episodes('hidden', 1) });
    rig.host.feeds.set('/redirect.xml', { title: 'x', episodes: [], redirectTo: { status: 302, location: rig.host.url('/show.xml') } });
    const bot = await rig.start({ ALLOW_PRIVATE_NETWORK: 'false' }, {
      fetchOptions: { lookup, connect: () => net.connect(rig.host.port, '127.0.0.1') },
    });
    // A server manager is told what was refused, never about the bot's environment (that advice is in the log).
    const publicOnly = 'and this bot fetches only from public addresses.';
    expect(await add(rig.host.url('/show.xml'))).toBe(`⚠️ Refusing to fetch ${rig.host.url('/show.xml')}: it resolves to a loopback address (127.0.0.1), ${publicOnly}`);
    expect(await add(`http://[::1]:${rig.host.port}/show.xml`)).toMatch(/^⚠️ Refusing to fetch .*: it resolves to a loopback address \(::1\)/);
    expect(await add('http://10.0.0.5/feed.xml')).toMatch(/^⚠️ Refusing to fetch http:\/\/10\.0\.0\.5\/feed\.xml: it resolves to a private address/);
    expect(await add('http://169.254.169.254/latest/meta-data/')).toMatch(/^⚠️ Refusing to fetch .*169\.254\.169\.254/);
    expect(await add('http://metadata.example.com/latest/')).toMatch(/^⚠️ Refusing to fetch .*\(169\.254\.169\.254\)/);
    expect(await add('http://intranet.example.com/feed.xml')).toMatch(/^⚠️ Refusing to fetch .*: it resolves to a private address \(192\.168\.1\.10\)/);
    expect(await add(`http://localhost:${rig.host.port}/show.xml`)).toMatch(/^⚠️ Refusing to fetch .*: localhost is a local name/);
    // A public name whose server redirects to a loopback address: refused at the second hop.
    expect(await add('http://feeds.example.com/redirect.xml')).toMatch(
      /^⚠️ Refusing to fetch http:\/\/127\.0\.0\.1:\d+\/show\.xml: it resolves to a loopback address \(127\.0\.0\.1\), and this bot fetches only from public addresses\. \(redirected from http:\/\/feeds\.example\.com\/redirect\.xml\)$/,
    );
    expect(JSON.stringify(rig.fake.requests.map((r) => r.body))).not.toContain('ALLOW_PRIVATE_NETWORK');
    expect(bot.logs.join('')).toContain('Set ALLOW_PRIVATE_NETWORK=true');
    expect(rig.host.requests.get('/show.xml') ?? 0).toBe(0);
    expect(rig.host.requests.get('/redirect.xml')).toBe(1);
    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    expect(list.content).toBe('This server follows no feeds yet. Add one with /feed add url:…');
  });

  it('explains an unknown host, a page that is not a feed, a feed too big, another scheme and a bad URL', async () => {
    rig.host.files.set('/page.html', ['text/html', '<!doctype html><html><head><title>Blog</title></head><body>Hi</body></html>']);
    rig.host.files.set('/huge.xml', ['application/rss+xml', 'x'.repeat(16 * 1024 * 1024)]);
    await rig.start({ ALLOW_PRIVATE_NETWORK: 'false' }, {
      fetchOptions: { lookup, connect: () => net.connect(rig.host.port, '127.0.0.1') },
    });
    expect(await add('https://nowhere.example.com/feed.xml')).toBe(
      '⚠️ Could not fetch https://nowhere.example.com/feed.xml: nowhere.example.com could not be resolved (no such host).',
    );
    expect(await add('http://feeds.example.com/page.html')).toBe(
      '⚠️ http://feeds.example.com/page.html is not a podcast feed: This is an HTML page, not an RSS feed.',
    );
    expect(await add('http://feeds.example.com/huge.xml')).toBe(
      '⚠️ Refusing http://feeds.example.com/huge.xml: the response is larger than the 15 MB limit.',
    );
    expect(await add('ftp://feeds.example.com/feed.xml')).toMatch(/^⚠️ Refusing to fetch ftp:\/\/feeds\.example\.com\/feed\.xml: only http and https/);
    expect(await add('not a url')).toBe('⚠️ "not a url" is not a URL. Paste the feed\'s address, starting with https://.');
  });
});

describe('/feed add on a slow server', () => {
  it('holds the interaction open (deferred) past 2 s, then edits in the preview', async () => {
    let release!: () => void;
    rig.host.feeds.set('/slow.xml', { title: 'Slow Show', episodes: episodes('slow', 1), holdUntil: new Promise<void>((r) => (release = r)) });
    await rig.start();
    const callback = await rig.fake.sendInteraction(chatInput('feed add', { url: rig.host.url('/slow.xml') }, { admin: true }), 10_000);
    expect(callback.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    release();
    const edit = await rig.fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'), 10_000);
    expect(JSON.stringify(edit.body)).toContain('Slow Show');
  });
});

describe('polling failing and moving feeds', () => {
  it('backs a failing feed off exponentially and pauses it with one notice while another feed keeps posting', async () => {
    rig.host.feeds.set('/good.xml', { title: 'Good Show', episodes: episodes('good', 1) });
    rig.host.feeds.set('/bad.xml', { title: 'Bad Show', episodes: episodes('bad', 1) });
    // The good feed brings 12 episodes within seconds here, past the default daily cap of a real feed.
    const bot = await rig.start({}, { pauseAfterFailures: 3, random: () => 0.5, announceMaxPerDay: 50 });
    const { store } = bot.running.services;
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    await command(rig.fake, 'feed add', { url: rig.host.url('/good.xml') }, { admin: true });
    await command(rig.fake, 'feed add', { url: rig.host.url('/bad.xml') }, { admin: true });
    rig.host.feeds.get('/bad.xml')!.failWith = 500;

    const badRequests = (): number => rig.host.requests.get('/bad.xml') ?? 0;
    const delays: number[] = [];
    let n = 2;
    for (let round = 0; round < 12; round++) {
      rig.host.addEpisode('/good.xml', episode('good', n++));
      const before = badRequests();
      await bot.poll();
      const state = await store.getFetchState(rig.host.url('/bad.xml'));
      if (badRequests() > before && state?.nextCheckAt && state.lastCheckedAt) {
        delays.push(state.nextCheckAt.getTime() - state.lastCheckedAt.getTime());
      }
    }
    // 1 s interval: retried after 2 s, then 4 s; the third failure in a row pauses it.
    expect(delays).toEqual([2000, 4000, 8000]);
    const state = await store.getFetchState(rig.host.url('/bad.xml'));
    expect(state).toMatchObject({ consecutiveFailures: 3, paused: true, pausedNoticeSent: true });
    expect(stored(state?.lastError)).toContain('HTTP 500');
    // The good feed posted every one of its new episodes meanwhile, once each.
    for (let k = 2; k < n; k++) expect(postsTitled(rig.fake, rig.fake.channelId, `good episode ${k}`)).toBe(1);
    const notices = rig.fake.messages(rig.fake.channelId).filter((m) => m.content.startsWith('⏸️'));
    expect(notices.map((m) => m.content)).toEqual([
      `⏸️ Podcord stopped checking **Bad Show** after 3 failed attempts in a row. Last error: Could not fetch ${rig.host.url('/bad.xml')}: the server answered HTTP 500 Internal Server Error.\nA server manager can run /feed add with the same address to resume it.`,
    ]);
    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    expect(list.embeds?.[0]?.fields?.find((f) => f.name === 'Bad Show')?.value).toContain('⏸️ paused after 3 failures');

    // Fixed and added again: resumed, checked on the next poll, and its new episode is posted.
    delete rig.host.feeds.get('/bad.xml')!.failWith;
    rig.host.addEpisode('/bad.xml', episode('bad', 2));
    await command(rig.fake, 'feed add', { url: rig.host.url('/bad.xml') }, { admin: true });
    rig.host.addEpisode('/bad.xml', episode('bad', 3));
    await bot.poll();
    expect(await store.getFetchState(rig.host.url('/bad.xml'))).toMatchObject({ consecutiveFailures: 0, paused: false });
    expect(postsTitled(rig.fake, rig.fake.channelId, 'bad episode 3')).toBe(1);
    expect(postsTitled(rig.fake, rig.fake.channelId, 'bad episode 2')).toBe(0);
  });

  it('follows a 301 to the new address and keeps announcing there without repeating anything', async () => {
    rig.host.feeds.set('/old.xml', { title: 'Moving Show', episodes: episodes('move', 2) });
    const bot = await rig.start();
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    await command(rig.fake, 'feed add', { url: rig.host.url('/old.xml') }, { admin: true });
    rig.host.feeds.set('/new.xml', { title: 'Moving Show', episodes: [...rig.host.feeds.get('/old.xml')!.episodes, episode('move', 3)] });
    rig.host.feeds.set('/old.xml', { title: 'x', episodes: [], redirectTo: { status: 301, location: rig.host.url('/new.xml') } });
    await bot.poll();
    rig.host.addEpisode('/new.xml', episode('move', 4));
    await bot.poll();
    expect(rig.fake.messages(rig.fake.channelId).flatMap((m) => (m.interaction_metadata ? [] : [m.embeds[0]?.title]))).toEqual(['move episode 3', 'move episode 4']);
    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    expect(list.embeds?.[0]?.fields?.[0]?.value).toContain(`<${rig.host.url('/new.xml')}>`);
    expect(await bot.running.services.store.getFetchState(rig.host.url('/old.xml'))).toBeUndefined();
  });
});
