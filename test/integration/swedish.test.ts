import { spawn } from 'node:child_process';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Locale, type APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsFor, openServices } from '../../src/app.js';
import { runConsole as runConsoleHere } from '../../src/cli/console.js';
import { buttons as buttonHandlers, commands as commandHandlers } from '../../src/commands/index.js';
import { parseConfig } from '../../src/config.js';
import { Library } from '../../src/data/library.js';
import { createLogger } from '../../src/logger.js';
import type { ResolveHost } from '../../src/sources/vetUrl.js';
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, botMessage, button, chatInput, focused, integer, number, type InteractionOptions } from '../support/interactions.js';
import { unusedPort } from '../sources/testServer.js';
import { channelOption, command, data, startFeedHost, startTestBot, type FeedHost, type StartedBot } from './support.js';

/**
 * A Swedish reader gets every word in Swedish: every command, button, autocomplete and error path (lookups, option
 * validation, /feed add failures against a local feed host, paused feeds and refused posts in /feed list, /announce
 * errors) through the real bot against the fake Discord in sv-SE, and the local console driven through its real
 * input with --locale sv-SE. Any English sentence fails the test, which lists every leak it saw.
 *
 * The fixture feed is written in Swedish, so the only English the detector could meet is the bot's own.
 */

/**
 * Common English words that are not Swedish words (so "in", "all", "men", "server", "test", "be" are left out: a
 * Swedish sentence may hold them). Months count too: dates must be drawn in Swedish.
 */
const ENGLISH = new Set(
  `the and is are was were been not this that these those with without only you your found please there their they
  them what which when where who why how will would could should can cannot does did has have had of to from into for
  on at it its or no yet any every more than here again sorry something went wrong try nothing must least most
  required unknown expected got click type pick use see start typing matches episode episodes chapter chapters podcast
  podcasts feed feeds latest listen published duration page next previous search button channel announcement
  announcements error failed paused refused refusing answered fetch fetching fetched address private public network
  connection unreachable resolved larger limit characters option loaded language supported following followed follow
  manager managers permission while after before about also because but if then over time show shows notes title
  link date new list remove add off role publish count query url artwork refused timed large local host whole number
  january february march may june july august october monday tuesday wednesday thursday friday saturday sunday`.split(/\s+/),
);

/** The English words in a text, with the sentence around each; addresses, ids and mentions are not words. */
function englishIn(text: string): string[] {
  const plain = text
    .replace(/\u001b\[[0-9;]*m/g, '')
    .replace(/<?(?:https?|ftp):\/\/[^\s>)]+>?/g, ' ')
    .replace(/<(?:#|@&|@|t:)[^>]*>/g, ' ')
    // XML element names (<channel>, <rss>) are code, not words.
    .replace(/<\/?[a-z][\w:-]*>/gi, ' ')
    .replace(/\\(.)/g, '$1');
  const leaks: string[] = [];
  for (const sentence of plain.split(/(?<=[.!?:])\s+|\n+/)) {
    const words = sentence.toLowerCase().match(/[\p{L}']+/gu) ?? [];
    const hits = words.filter((w) => ENGLISH.has(w.replace(/^'+|'+$/g, '')));
    if (hits.length > 0) leaks.push(`${sentence.trim()}   [${[...new Set(hits)].join(', ')}]`);
  }
  return leaks;
}

/** Every text of a reply a person can read: content, embeds, buttons, autocomplete choices. */
function textsOf(body: APIInteractionResponseCallbackData | { choices?: { name: string }[] }): string[] {
  const out: string[] = [];
  const b = body as APIInteractionResponseCallbackData & { choices?: { name: string }[] };
  if (b.content) out.push(b.content);
  for (const embed of b.embeds ?? []) {
    out.push(embed.title ?? '', embed.description ?? '', embed.footer?.text ?? '', embed.author?.name ?? '');
    for (const field of embed.fields ?? []) out.push(field.name, field.value);
  }
  for (const row of b.components ?? []) for (const c of (row as { components?: { label?: string }[] }).components ?? []) out.push(c.label ?? '');
  for (const choice of b.choices ?? []) out.push(choice.name);
  return out.filter((t) => t !== '');
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Swedish podcast: a dozen episodes about coffee, one with sixty chapters (the pager), one with none. */
function swedishFeed(origin: string, title = 'Kaffepodden', count = 12): string {
  const items = Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const chapters =
      n === 1 ? Array.from({ length: 60 }, (_, k) => `${k}:00 Del ${k + 1} om kaffe`).join('\n') : n === 2 ? 'Bara prat om kaffe, utan tider.' : '0:00 Hej\n5:00 Rostning av kaffe\n10:00 Hejdå';
    return `<item>
      <title>${escapeXml(`Kaffe och bönor del ${n}`)}</title>
      <guid isPermaLink="false">kaffe-${n}</guid>
      <pubDate>${new Date(Date.UTC(2026, 4, n, 12)).toUTCString()}</pubDate>
      <itunes:duration>1:02:00</itunes:duration>
      <itunes:episode>${n}</itunes:episode>
      <link>${origin}/avsnitt/${n}</link>
      <enclosure url="${origin}/ljud/${n}.mp3" type="audio/mpeg" length="1000" />
      <description>${escapeXml(`Vi dricker kaffe och pratar om bönor.\n${chapters}`)}</description>
    </item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
  <channel>
    <title>${escapeXml(title)}</title>
    <link>${origin}/</link>
    <language>sv</language>
    <description>Samtal om kaffe, bönor och rostning.</description>
    <itunes:image href="${origin}/omslag.jpg" />
    ${items}
  </channel>
</rss>
`;
}

const sv: InteractionOptions = { locale: Locale.Swedish };
const svAdmin: InteractionOptions = { locale: Locale.Swedish, admin: true };

let fake: FakeDiscord;
let host: FeedHost;
let bot: StartedBot;
let deadPort: number;
/** What the bot said, by what was asked: every reply, button and autocomplete answer. */
const seen: { asked: string; text: string }[] = [];

function record(asked: string, body: APIInteractionResponseCallbackData | { choices?: { name: string }[] }): APIInteractionResponseCallbackData {
  for (const text of textsOf(body)) seen.push({ asked, text });
  return body as APIInteractionResponseCallbackData;
}

/** Names that look public resolve where the test says; every connection goes to the local host (or a closed port). */
const names: Record<string, string> = {
  'kaffe.example.com': '93.184.216.34',
  'nere.example.com': '93.184.216.35',
  'intern.example.com': '192.168.1.10',
};
const lookup: ResolveHost = async (hostname) => {
  const address = names[hostname];
  if (address === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return [{ address, family: 4 }];
};

beforeAll(async () => {
  fake = await startFakeDiscord({ otherGuild: true });
  host = await startFeedHost();
  deadPort = await unusedPort();
  const rss = swedishFeed('http://kaffe.example.com');
  host.files.set('/kaffe.xml', ['application/rss+xml; charset=utf-8', rss]);
  host.files.set('/te.xml', ['application/rss+xml; charset=utf-8', swedishFeed('http://kaffe.example.com', 'Tepodden', 3)]);
  host.files.set('/sida.html', ['text/html', '<!doctype html><html><head><title>Blogg</title></head><body>Hej</body></html>']);
  host.files.set('/stor.xml', ['application/rss+xml', 'x'.repeat(16 * 1024 * 1024)]);
  host.feeds.set('/trasig.xml', { title: 'Trasig', episodes: [], failWith: 500 });
  // ALLOW_PRIVATE_NETWORK=false, as a real bot runs: the SSRF guard is part of what is walked.
  bot = await startTestBot(fake, { ALLOW_PRIVATE_NETWORK: 'false' }, {
    library: new Library(),
    pauseAfterFailures: 2,
    fetchOptions: {
      lookup,
      connect: (target) => net.connect(target.hostname === 'nere.example.com' ? deadPort : host.port, '127.0.0.1'),
    },
  });
}, 60_000);

afterAll(async () => {
  await bot?.running.stop();
  await fake?.close();
  await host?.close();
});

async function ask(name: string, options: Parameters<typeof chatInput>[1] = {}, opts: InteractionOptions = sv): Promise<APIInteractionResponseCallbackData> {
  return record(`/${name} ${JSON.stringify(options)}`, await command(fake, name, options, opts));
}

async function suggest(name: string, options: Parameters<typeof autocomplete>[1], opts: InteractionOptions = sv): Promise<void> {
  const callback = await fake.sendInteraction(autocomplete(name, options, opts), 10_000);
  record(`autocomplete /${name} ${JSON.stringify(options)}`, data(callback) as { choices?: { name: string }[] });
}

async function click(customId: string, shown: APIInteractionResponseCallbackData): Promise<APIInteractionResponseCallbackData> {
  const message = botMessage({ embeds: shown.embeds ?? [], components: (shown.components ?? []) as never });
  return record(`button ${customId}`, data(await fake.sendInteraction(button(customId, message, sv), 10_000)));
}

function buttonsOf(reply: APIInteractionResponseCallbackData): { custom_id: string; label?: string; disabled?: boolean }[] {
  return (reply.components ?? []).flatMap((row) => (row as { components: { custom_id: string; label?: string; disabled?: boolean }[] }).components);
}

describe('a Swedish reader, through the real bot (sv-SE)', () => {
  it('gets no English from any command, button, autocomplete or error', { timeout: 240_000 }, async () => {
    // Before anything is followed: an empty server.
    await ask('latest');
    await ask('chapters');
    await ask('topic', { query: 'kaffe' });
    await ask('feed list', {}, svAdmin);
    await ask('announce test', {}, svAdmin);
    await ask('announce off', {}, svAdmin);

    // Who may do what.
    await ask('feed add', { url: 'http://kaffe.example.com/kaffe.xml' });
    await ask('announce channel', { channel: channelOption(fake.channelId) });
    await ask('help');
    await ask('help', {}, svAdmin);

    // /feed add failures, each with its reason: unreachable, not a feed, private addresses refused, too large...
    await ask('feed add', { url: `http://nere.example.com/kaffe.xml` }, svAdmin);
    await ask('feed add', { url: 'http://kaffe.example.com/sida.html' }, svAdmin);
    await ask('feed add', { url: `http://127.0.0.1:${host.port}/kaffe.xml` }, svAdmin);
    await ask('feed add', { url: 'http://intern.example.com/kaffe.xml' }, svAdmin);
    await ask('feed add', { url: `http://localhost:${host.port}/kaffe.xml` }, svAdmin);
    await ask('feed add', { url: 'http://kaffe.example.com/stor.xml' }, svAdmin);
    await ask('feed add', { url: 'http://kaffe.example.com/saknas.xml' }, svAdmin);
    await ask('feed add', { url: 'https://okand.example.com/kaffe.xml' }, svAdmin);
    await ask('feed add', { url: 'ftp://kaffe.example.com/kaffe.xml' }, svAdmin);
    await ask('feed add', { url: 'inte en adress' }, svAdmin);
    await ask('feed add', { url: '   ' }, svAdmin);

    // Following works, and announcing is set up.
    await ask('feed add', { url: 'http://kaffe.example.com/kaffe.xml' }, svAdmin);
    await ask('feed add', { url: 'http://kaffe.example.com/kaffe.xml' }, svAdmin);
    await ask('announce channel', { channel: channelOption('inte-ett-id') }, svAdmin);
    await ask('announce channel', { channel: channelOption(FAKE_IDS.strangerChannelId) }, svAdmin);
    await ask('announce channel', { channel: channelOption(fake.channelId) }, svAdmin);
    await ask('announce test', {}, svAdmin);
    await ask('announce test', { podcast: 'finns inte alls' }, svAdmin);
    await ask('announce off', { podcast: 'Kaffepodden' }, svAdmin);
    await ask('announce channel', { channel: channelOption(fake.channelId) }, svAdmin);

    // Listening: every command, its lookups and its option validation.
    const chapters = await ask('chapters', { episode: 'del 1' });
    await ask('chapters', { episode: 'del 2' });
    await ask('chapters', { episode: 'finns inte någonstans' });
    await ask('chapters', { podcast: 'ingen sådan podd' });
    const episode = await ask('episode', { episode: '3' });
    await ask('episode', { episode: 'finns inte någonstans' });
    await ask('latest', { count: integer(5) });
    await ask('latest', { count: integer(9) });
    await ask('latest', { count: number(2.5) });
    await ask('latest', { podcast: 'ingen sådan podd' });
    const topic = await ask('topic', { query: 'kaffe' });
    await ask('topic', { query: ' k ' });
    await ask('topic', { query: 'xqzzyw' });
    await ask('topic', { query: 'kafe' });

    // Buttons: the chapters pager both ways, /episode's chapters, the topic pager, a button that expired.
    const next = buttonsOf(chapters).find((b) => !b.disabled && b.custom_id.startsWith('chapters:'));
    expect(next).toBeDefined();
    const page2 = await click(next!.custom_id, chapters);
    const back = buttonsOf(page2).find((b) => !b.disabled && b.custom_id.startsWith('chapters:') && b.custom_id.endsWith(':0'));
    if (back) await click(back.custom_id, page2);
    const show = buttonsOf(episode).find((b) => b.custom_id.startsWith('episode-chapters:'));
    expect(show).toBeDefined();
    await click(show!.custom_id, episode);
    const more = buttonsOf(topic).find((b) => !b.disabled && b.custom_id.startsWith('topic:'));
    expect(more).toBeDefined();
    await click(more!.custom_id, topic);
    await click('chapters:finnsinte:1', chapters);
    await click('episode-chapters:finnsinte', episode);

    // Autocomplete.
    await suggest('chapters', { episode: focused('bön') });
    await suggest('chapters', { podcast: focused('kaf') });
    await suggest('topic', { query: focused('kaf') });
    await suggest('feed remove', { podcast: focused('kaf') }, svAdmin);
    await suggest('announce off', { podcast: focused('kaf') }, svAdmin);

    // A feed that fails until it is paused, a post Discord refuses, a channel the bot lost: /feed list says why.
    await ask('feed add', { url: 'http://kaffe.example.com/te.xml' }, svAdmin);
    host.files.delete('/te.xml');
    for (let i = 0; i < 3; i++) {
      bot.clock.advance(24 * 3_600_000);
      await bot.poll();
    }
    // A feed that brings a new episode at every check, past what a day may announce: paused, with its reason.
    const flood = (n: number) => ({ guid: `flod-${n}`, title: `Flod del ${n}`, published: new Date(Date.UTC(2026, 4, n)).toISOString(), description: 'Om floder.' });
    host.feeds.set('/flod.xml', { title: 'Flodpodden', episodes: [flood(1)] });
    await command(fake, 'feed add', { url: 'http://kaffe.example.com/flod.xml' }, svAdmin);
    for (let n = 2; n < 16 && !(await bot.running.services.store.getFetchState('http://kaffe.example.com/flod.xml'))?.pauseReason; n++) {
      host.addEpisode('/flod.xml', flood(n));
      await bot.poll();
    }
    expect((await bot.running.services.store.getFetchState('http://kaffe.example.com/flod.xml'))?.pauseReason).toBeDefined();
    // Announcing Kaffepodden again, into a channel the bot has lost meanwhile: the post fails, the server is paused.
    await ask('announce channel', { channel: channelOption(fake.channelId), podcast: 'Kaffepodden' }, svAdmin);
    host.files.set('/kaffe.xml', ['application/rss+xml; charset=utf-8', swedishFeed('http://kaffe.example.com', 'Kaffepodden', 13)]);
    fake.failChannel(fake.channelId, 50013);
    await bot.poll();
    expect(await bot.running.services.store.guildAnnouncementPause(fake.guildId)).toBeDefined();
    await ask('feed list', {}, svAdmin);
    await ask('announce test', {}, svAdmin);
    await ask('feed remove', { podcast: 'ingen sådan podd' }, svAdmin);
    await ask('feed remove', { podcast: 'Kaffepodden' }, svAdmin);
    fake.failChannel(fake.channelId);


    if (process.env['SHOW_REPLIES']) for (const { asked, text } of seen) console.log(`${asked}\n    ${text.replace(/\n/g, '\n    ')}`);
    const leaks = seen.flatMap(({ asked, text }) => englishIn(text).map((leak) => `${asked}: ${leak}`));
    expect(leaks).toEqual([]);
    // The walk really went through the paths it names (a reply in Swedish for each, not an empty one).
    expect(seen.some((s) => s.text.includes('Kaffepodden'))).toBe(true);
    expect(seen.length).toBeGreaterThan(60);
  });

  it('words a refused private address plainly, with no environment variable; that advice is in the operator’s log', async () => {
    const reply = await ask('feed add', { url: 'http://intern.example.com/kaffe.xml' }, svAdmin);
    expect(reply.content).toContain('intern.example.com');
    expect(reply.content).not.toMatch(/ALLOW_PRIVATE_NETWORK|=true|\.env/);
    const english = await command(fake, 'feed add', { url: 'http://intern.example.com/kaffe.xml' }, { admin: true });
    expect(english.content).not.toMatch(/ALLOW_PRIVATE_NETWORK|=true|\.env/);
    const advice = bot.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => String(entry['reason']).includes('192.168.1.10'));
    expect(advice).toMatchObject({ advice: expect.stringContaining('ALLOW_PRIVATE_NETWORK=true'), reason: expect.stringContaining('192.168.1.10') });
  });
});

describe('what a lookup echoes back', () => {
  it('is escaped for markdown and pings no one', async () => {
    const reply = await ask('chapters', { episode: '@everyone **fet** <@123> _x_' });
    expect(reply.content).toContain('@\u200beveryone \\*\\*fet\\*\\* \\<@123\\> \\_x\\_');
    expect(reply.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });
});

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The console as `npm start` runs it with no token, fed `lines` on its real stdin; its stdout. */
async function runConsole(locale: string, lines: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts', '--console', '--locale', locale], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      DATABASE_URL: 'sqlite::memory:',
      FEEDS: host.url('/konsol.xml'),
      ALLOW_PRIVATE_NETWORK: 'true',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stdin.end(`${[...lines, 'exit'].join('\n')}\n`);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(0);
  return out;
}

describe('the local console in Swedish (--locale sv-SE), through its real input', () => {
  it('draws every reply, date and error in Swedish', { timeout: 120_000 }, async () => {
    host.files.set('/konsol.xml', ['application/rss+xml; charset=utf-8', swedishFeed(host.origin, 'Konsolpodden', 4)]);
    host.files.set('/konsol2.xml', ['application/rss+xml; charset=utf-8', swedishFeed(host.origin, 'Andra konsolpodden', 2)]);
    // Scoped to the Swedish podcast: the console also carries the bundled (English) sample podcasts.
    const out = await runConsole('sv-SE', [
      '/kapitel podd:Konsolpodden avsnitt:"del 3"',
      // A value with spaces runs on, unquoted, until the next option.
      '/kapitel podd:Konsolpodden avsnitt:del 3',
      '/avsnitt podd:Konsolpodden avsnitt:"del 3"',
      '1',
      '9',
      '/kapitel del 3',
      '/senaste podd:Konsolpodden antal:9',
      '/senaste podd:Konsolpodden antal:många',
      '/avsnitt podd:Konsolpodden avsnitt:"finns inte någonstans"',
      '/kapitel podd:"ingen sådan podd"',
      '/kapitel färg:röd',
      '/ämne sökord:"k"',
      '/finnsinte',
      '/flöde lista',
      // The console is a server of its own: a feed followed here is listed here.
      `/flöde lägg-till adress:${host.url('/konsol2.xml')}`,
      '/flöde lista',
      '/annonsera test',
      '/annonsera kanal',
      '/hjälp',
    ]);
    if (process.env['SHOW_REPLIES']) console.log(out);
    expect(out).toContain('Konsolpodden');
    // "2 maj 2026", as Discord would draw the date for a Swedish reader.
    expect(out).toMatch(/\d+ maj 2026/);
    // The unquoted `avsnitt:del 3` found the same episode as the quoted one (and the button drew it a third time).
    expect(out.split('Rostning av kaffe').length - 1).toBe(3);
    expect(out).toContain('⚠️ Väntade namn:värde, fick ”del”.');
    // /flöde lista in the console's own server lists what /flöde lägg-till followed there.
    expect(out).toContain('| Andra konsolpodden\n| Avsnitt: 2');
    expect(englishIn(out)).toEqual([]);
  });

  it('completes with Tab in Swedish: command, option names, values', { timeout: 120_000 }, async () => {
    host.files.set('/konsol.xml', ['application/rss+xml; charset=utf-8', swedishFeed(host.origin, 'Konsolpodden', 4)]);
    const config = parseConfig({ DATABASE_URL: 'sqlite::memory:', FEEDS: host.url('/konsol.xml'), ALLOW_PRIVATE_NETWORK: 'true' });
    if (!config.ok) throw new Error(config.error);
    const log = createLogger({ level: 'silent' });
    const services = await openServices(config.value, log);
    await services.loaded;
    const input = new PassThrough();
    // A terminal, so readline edits the line and Tab completes as it does for a person.
    const output = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
    let out = '';
    output.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const prompts = (): number => out.split('podcord> ').length - 1;
    try {
      const run = runConsoleHere({ commands: commandHandlers, buttons: buttonHandlers, deps: depsFor(services.library, log), input, output, colour: false, locale: 'sv-SE' });
      // `/kap` Tab → `/kapitel`; ` ` Tab Tab lists its Swedish options; `avs` Tab → `avsnitt:`; `del` Tab Tab lists
      // the episodes by title (after an unquoted value of another option).
      for (const key of ['/kap', '\t', ' ', '\t', '\t', 'podd:Konsolpodden avs', '\t', 'del', '\t', '\t', '\r', 'exit\r']) {
        const before = prompts();
        input.write(key);
        if (key === '\r') await expect.poll(prompts, { timeout: 60_000, interval: 5 }).toBeGreaterThan(before);
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
      input.end();
      await run;
    } finally {
      await services.close();
    }
    const plain = out.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    expect(plain).toContain('/kapitel ');
    expect(plain).toMatch(/avsnitt:\s+podd:/);
    expect(plain).toContain('avsnitt:"Kaffe och bönor del 3"');
    expect(plain).toContain('Rostning av kaffe');
    expect(englishIn(plain)).toEqual([]);
  });

  it('says so when the language asked for is not supported, and answers in English', { timeout: 120_000 }, async () => {
    host.files.set('/konsol.xml', ['application/rss+xml; charset=utf-8', swedishFeed(host.origin, 'Konsolpodden', 4)]);
    const out = await runConsole('xx-YY', ['/kapitel podd:Konsolpodden avsnitt:"del 3"']);
    expect(out).toContain('The language "xx-YY" is not supported, so the console answers in English');
    expect(out).toContain('Chapters from show notes');
  });
});
