import net from 'node:net';
import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeProblem } from '../../src/data/problems.js';
import { describeProblem } from '../../src/messages/problemText.js';

/** A problem the store keeps (as data), in the English the log has. */
const stored = (text: string | undefined): string => {
  const problem = text === undefined ? undefined : decodeProblem(text);
  return problem ? describeProblem(problem) : String(text);
};
import type { ResolveHost } from '../../src/sources/vetUrl.js';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { chatInput } from '../support/interactions.js';
import {
  channelOption,
  command,
  episode,
  episodes,
  postsTitled,
  startFeedHost,
  startTestBot,
  type FeedHost,
  type StartedBot,
} from './support.js';

/** Fetching safely through /feed add (the SSRF guard, clear reasons) and polling failing feeds without harm. */

let fake: FakeDiscord;
let host: FeedHost;
let bot: StartedBot | undefined;

beforeEach(async () => {
  fake = await startFakeDiscord();
  host = await startFeedHost();
});

afterEach(async () => {
  await bot?.running.stop();
  bot = undefined;
  await fake.close();
  await host.close();
  expect(fake.unknownRequests).toEqual([]);
});

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
    const reply = await command(fake, 'feed add', { url }, { admin: true });
    expect(reply.flags).toBe(MessageFlags.Ephemeral);
    return reply.content ?? '';
  }

  it('refuses loopback, private, link-local (metadata) and local names, and a redirect to a private address', async () => {
    host.feeds.set('/show.xml', { title: 'Hidden Show', episodes: episodes('hidden', 1) });
    host.feeds.set('/redirect.xml', { title: 'x', episodes: [], redirectTo: { status: 302, location: host.url('/show.xml') } });
    bot = await startTestBot(fake, { ALLOW_PRIVATE_NETWORK: 'false' }, {
      fetchOptions: { lookup, connect: () => net.connect(host.port, '127.0.0.1') },
    });
    // A server manager is told what was refused, never about the bot's environment (that advice is in the log).
    const publicOnly = 'and this bot fetches only from public addresses.';
    expect(await add(host.url('/show.xml'))).toBe(`⚠️ Refusing to fetch ${host.url('/show.xml')}: it resolves to a loopback address (127.0.0.1), ${publicOnly}`);
    expect(await add(`http://[::1]:${host.port}/show.xml`)).toMatch(/^⚠️ Refusing to fetch .*: it resolves to a loopback address \(::1\)/);
    expect(await add('http://10.0.0.5/feed.xml')).toMatch(/^⚠️ Refusing to fetch http:\/\/10\.0\.0\.5\/feed\.xml: it resolves to a private address/);
    expect(await add('http://169.254.169.254/latest/meta-data/')).toMatch(/^⚠️ Refusing to fetch .*169\.254\.169\.254/);
    expect(await add('http://metadata.example.com/latest/')).toMatch(/^⚠️ Refusing to fetch .*\(169\.254\.169\.254\)/);
    expect(await add('http://intranet.example.com/feed.xml')).toMatch(/^⚠️ Refusing to fetch .*: it resolves to a private address \(192\.168\.1\.10\)/);
    expect(await add(`http://localhost:${host.port}/show.xml`)).toMatch(/^⚠️ Refusing to fetch .*: localhost is a local name/);
    // A public name whose server redirects to a loopback address: refused at the second hop.
    expect(await add('http://feeds.example.com/redirect.xml')).toMatch(
      /^⚠️ Refusing to fetch http:\/\/127\.0\.0\.1:\d+\/show\.xml: it resolves to a loopback address \(127\.0\.0\.1\), and this bot fetches only from public addresses\. \(redirected from http:\/\/feeds\.example\.com\/redirect\.xml\)$/,
    );
    expect(JSON.stringify(fake.requests.map((r) => r.body))).not.toContain('ALLOW_PRIVATE_NETWORK');
    expect(bot.logs.join('')).toContain('Set ALLOW_PRIVATE_NETWORK=true');
    expect(host.requests.get('/show.xml') ?? 0).toBe(0);
    expect(host.requests.get('/redirect.xml')).toBe(1);
    const list = await command(fake, 'feed list', {}, { admin: true });
    expect(list.content).toBe('This server follows no feeds yet. Add one with /feed add url:…');
  });

  it('explains an unknown host, a page that is not a feed, a feed too big, another scheme and a bad URL', async () => {
    host.files.set('/page.html', ['text/html', '<!doctype html><html><head><title>Blog</title></head><body>Hi</body></html>']);
    host.files.set('/huge.xml', ['application/rss+xml', 'x'.repeat(16 * 1024 * 1024)]);
    bot = await startTestBot(fake, { ALLOW_PRIVATE_NETWORK: 'false' }, {
      fetchOptions: { lookup, connect: () => net.connect(host.port, '127.0.0.1') },
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
    host.feeds.set('/slow.xml', { title: 'Slow Show', episodes: episodes('slow', 1), holdUntil: new Promise<void>((r) => (release = r)) });
    bot = await startTestBot(fake, {});
    const callback = await fake.sendInteraction(chatInput('feed add', { url: host.url('/slow.xml') }, { admin: true }), 10_000);
    expect(callback.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    release();
    const edit = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'), 10_000);
    expect(JSON.stringify(edit.body)).toContain('Slow Show');
  });
});

describe('polling failing and moving feeds', () => {
  it('backs a failing feed off exponentially and pauses it with one notice while another feed keeps posting', async () => {
    host.feeds.set('/good.xml', { title: 'Good Show', episodes: episodes('good', 1) });
    host.feeds.set('/bad.xml', { title: 'Bad Show', episodes: episodes('bad', 1) });
    // The good feed brings 12 episodes within seconds here, past the default daily cap of a real feed.
    bot = await startTestBot(fake, {}, { pauseAfterFailures: 3, random: () => 0.5, announceMaxPerDay: 50 });
    const { store } = bot.running.services;
    await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
    await command(fake, 'feed add', { url: host.url('/good.xml') }, { admin: true });
    await command(fake, 'feed add', { url: host.url('/bad.xml') }, { admin: true });
    host.feeds.get('/bad.xml')!.failWith = 500;

    const badRequests = (): number => host.requests.get('/bad.xml') ?? 0;
    const delays: number[] = [];
    let n = 2;
    for (let round = 0; round < 12; round++) {
      host.addEpisode('/good.xml', episode('good', n++));
      const before = badRequests();
      await bot.poll();
      const state = await store.getFetchState(host.url('/bad.xml'));
      if (badRequests() > before && state?.nextCheckAt && state.lastCheckedAt) {
        delays.push(state.nextCheckAt.getTime() - state.lastCheckedAt.getTime());
      }
    }
    // 1 s interval: retried after 2 s, then 4 s; the third failure in a row pauses it.
    expect(delays).toEqual([2000, 4000, 8000]);
    const state = await store.getFetchState(host.url('/bad.xml'));
    expect(state).toMatchObject({ consecutiveFailures: 3, paused: true, pausedNoticeSent: true });
    expect(stored(state?.lastError)).toContain('HTTP 500');
    // The good feed posted every one of its new episodes meanwhile, once each.
    for (let k = 2; k < n; k++) expect(postsTitled(fake, fake.channelId, `good episode ${k}`)).toBe(1);
    const notices = fake.messages(fake.channelId).filter((m) => m.content.startsWith('⏸️'));
    expect(notices.map((m) => m.content)).toEqual([
      `⏸️ Podcord stopped checking **Bad Show** after 3 failed attempts in a row. Last error: Could not fetch ${host.url('/bad.xml')}: the server answered HTTP 500 Internal Server Error.\nA server manager can run /feed add with the same address to resume it.`,
    ]);
    const list = await command(fake, 'feed list', {}, { admin: true });
    expect(list.embeds?.[0]?.fields?.find((f) => f.name === 'Bad Show')?.value).toContain('⏸️ paused after 3 failures');

    // Fixed and added again: resumed, checked on the next poll, and its new episode is posted.
    delete host.feeds.get('/bad.xml')!.failWith;
    host.addEpisode('/bad.xml', episode('bad', 2));
    await command(fake, 'feed add', { url: host.url('/bad.xml') }, { admin: true });
    host.addEpisode('/bad.xml', episode('bad', 3));
    await bot.poll();
    expect(await store.getFetchState(host.url('/bad.xml'))).toMatchObject({ consecutiveFailures: 0, paused: false });
    expect(postsTitled(fake, fake.channelId, 'bad episode 3')).toBe(1);
    expect(postsTitled(fake, fake.channelId, 'bad episode 2')).toBe(0);
  });

  it('follows a 301 to the new address and keeps announcing there without repeating anything', async () => {
    host.feeds.set('/old.xml', { title: 'Moving Show', episodes: episodes('move', 2) });
    bot = await startTestBot(fake, {});
    await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
    await command(fake, 'feed add', { url: host.url('/old.xml') }, { admin: true });
    host.feeds.set('/new.xml', { title: 'Moving Show', episodes: [...host.feeds.get('/old.xml')!.episodes, episode('move', 3)] });
    host.feeds.set('/old.xml', { title: 'x', episodes: [], redirectTo: { status: 301, location: host.url('/new.xml') } });
    await bot.poll();
    host.addEpisode('/new.xml', episode('move', 4));
    await bot.poll();
    expect(fake.messages(fake.channelId).flatMap((m) => (m.interaction_metadata ? [] : [m.embeds[0]?.title]))).toEqual(['move episode 3', 'move episode 4']);
    const list = await command(fake, 'feed list', {}, { admin: true });
    expect(list.embeds?.[0]?.fields?.[0]?.value).toContain(`<${host.url('/new.xml')}>`);
    expect(await bot.running.services.store.getFetchState(host.url('/old.xml'))).toBeUndefined();
  });
});
