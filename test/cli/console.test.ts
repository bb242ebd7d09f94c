import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsFor, openServices, type Services } from '../../src/app.js';
import { parseConsoleLine, runConsole, runConsoleLine } from '../../src/cli/console.js';
import { renderMessage } from '../../src/cli/renderMessage.js';
import { buttons, commands } from '../../src/commands/index.js';
import type { Deps, Invocation, Reply } from '../../src/commands/command.js';
import { parseConfig } from '../../src/config.js';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { createLogger } from '../../src/logger.js';
import { hundredChapterFeed } from '../support/hundredChapterFeed.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const invocation: Invocation = { locale: 'en-US', userId: '0', scope: EVERY_PODCAST, canManageGuild: true };
let deps: Deps;
let services: Services;

beforeAll(async () => {
  const config = parseConfig({ DATABASE_URL: 'sqlite::memory:' });
  if (!config.ok) throw new Error(config.error);
  const log = createLogger({ level: 'silent' });
  services = await openServices(config.value, log);
  await services.loaded;
  deps = depsFor(services.library, log);
});

afterAll(async () => {
  await services.close();
});

describe('console line parsing', () => {
  it('reads options by English or Swedish name, quoted values and typed numbers', () => {
    const parsed = parseConsoleLine('/senaste antal:2 podcast:"Design Details"', commands);
    expect(parsed.ok && parsed.value.command.data.name).toBe('latest');
    expect(parsed.ok && parsed.value.options).toEqual({ count: 2, podcast: 'Design Details' });
  });

  it('explains unknown commands, unknown options and wrong types', () => {
    expect(parseConsoleLine('/nope', commands)).toMatchObject({ ok: false, error: expect.stringMatching(/Unknown command \/nope/) });
    expect(parseConsoleLine('/chapters colour:red', commands)).toMatchObject({ ok: false, error: '/chapters has no option "colour".' });
    expect(parseConsoleLine('/latest count:many', commands)).toMatchObject({ ok: false, error: 'The option count expects a whole number.' });
  });
});

describe('the console runs the bot’s own handlers', () => {
  it('shows the seed episode’s chapters for /chapters', async () => {
    const reply = await runConsoleLine('/chapters episode:open-source', {}, { commands, buttons, deps }, invocation);
    const text = renderMessage(reply, { colour: false });
    expect(text).toContain('The Case for Open-Source AI');
    expect(text).toContain('39:17 Raffi\'s Tesla crash and the danger of automated complacency');
  });

  it('clicks a button of the last reply by its number', async () => {
    const state: { lastReply?: Reply } = {};
    const shown = await runConsoleLine('/episode episode:open-source', state, { commands, buttons, deps }, invocation);
    expect(renderMessage(shown, { colour: false })).toContain('[1 Show 13 chapters]');
    const clicked = await runConsoleLine('1', state, { commands, buttons, deps }, invocation);
    expect(clicked.ephemeral).toBe(true);
    expect(renderMessage(clicked, { colour: false })).toContain('46:56 Preserving humanity');
    expect((await runConsoleLine('7', state, { commands, buttons, deps }, invocation)).content).toBe('⚠️ There is no button 7 to click.');
  });

  it('draws links, dates and bold text from the embed markdown', async () => {
    const reply = await runConsoleLine('/chapters episode:helvetica podcast:design', {}, { commands, buttons, deps }, invocation);
    const text = renderMessage(reply, { colour: false, timeZone: 'UTC' });
    expect(text).toContain('80: Helvetica, Helvetica, Helvetica');
    expect(text).toMatch(/\n\| \d+:\d\d <https:\/\/audio\.simplecast\.com\/\d+\.mp3#t=\d+> \S/);
    expect(text).toMatch(/\| \d+ \w+ 2015/);
    expect(text).not.toContain('<t:');
    expect(text).not.toContain('\\');
  });

  it('runs from `npm start` with no token: a prompt, replies, and a clean exit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts', '--console'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: 'sqlite::memory:' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stdin.end('/topic query:tesla\n/help\nexit\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(out).toContain('Podcord local console: 2 podcasts');
    expect(out).toContain('Where “tesla” is discussed');
    expect(out).toContain('39:17');
    expect(out).toContain('/chapters [episode] [podcast]');
  });
});


/** SGR escapes (colour and style), not readline's cursor moves. */
const SGR = /\u001b\[[0-9;]*m/;
const plain = (text: string): string => text.replace(new RegExp(SGR.source, 'g'), '');

/**
 * The console as a person uses it: runConsole reading keystrokes from its input and writing to its output. In
 * `terminal` mode the output says it is a TTY, so readline edits the line (Tab completes) as in a terminal; keys are
 * sent one chunk at a time, each after the console has settled.
 */
async function typeInto(chunks: readonly string[], options: { colour?: boolean; terminal?: boolean; deps?: Deps; locale?: string } = {}): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  if (options.terminal) Object.assign(output, { isTTY: true, columns: 200 });
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const prompts = (): number => text.split('podcord> ').length - 1;
  const run = runConsole({
    commands,
    buttons,
    deps: options.deps ?? deps,
    input,
    output,
    colour: options.colour ?? false,
    ...(options.locale && { locale: options.locale }),
  });
  const enter = options.terminal ? '\r' : '\n';
  for (const chunk of [...chunks, `exit${enter}`]) {
    const before = prompts();
    input.write(chunk);
    if (chunk.endsWith(enter) && !chunk.startsWith('exit')) {
      // A line was entered: its reply is drawn before the next prompt.
      await expect.poll(prompts, { timeout: 60_000, interval: 5 }).toBeGreaterThan(before);
    } else {
      // A Tab: completion runs on in-memory data; a timer turn lets readline apply it before the next key.
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }
  input.end();
  await run;
  return text;
}

describe('the console through its input', () => {
  it('draws a link after a Discord timestamp whole, in colour (the timestamp’s escape is not read as a link’s `[`)', async () => {
    const out = await typeInto(['/chapters episode:helvetica podcast:design\n'], { colour: true });
    const text = plain(out);
    expect(text).toMatch(/\d+ November 2015 · 1 h 7 min/);
    expect(text).toContain('4:00 <https://audio.simplecast.com/21134.mp3#t=240> Introductions');
    expect(text).not.toContain('1m2');
    // The date is bold, the chapter's time is the link's colour: both styles open and close.
    expect(out).toMatch(/\u001b\[1m\d+ November 2015\u001b\[22m/);
    expect(out).toContain('\u001b[36m4:00\u001b[39m');
  });

  it('shows /help’s headings as a heading, not as `__markup__`', async () => {
    const out = await typeInto(['/help\n']);
    expect(out).toContain('For server managers');
    expect(out).not.toContain('__');
    const coloured = await typeInto(['/help\n'], { colour: true });
    expect(coloured).toContain('\u001b[4mFor server managers\u001b[24m');
  });

  it('keeps what was typed when Tab finds several values, and lists them on a second Tab', async () => {
    const out = await typeInto(['/chapters episode:open', '\t', '\t', '\r'], { terminal: true });
    // The second Tab lists the candidates...
    expect(out).toContain('episode:"24: Open Source Religion (feat. Kevin Rose)"');
    expect(out).toContain('episode:"The Case for Open-Source AI');
    // ...and Enter runs the line as typed: the chapters of what `open` finds, not an empty `episode:"`.
    const typed = renderMessage(await runConsoleLine('/chapters episode:open', {}, { commands, buttons, deps }, invocation), { colour: false });
    const firstChapter = typed.split('\n').find((line) => /^\| \d+:\d\d /.test(line));
    expect(firstChapter).toBeDefined();
    expect(plain(out)).toContain(firstChapter);
  });

  it('completes a command typed without its slash, and one value by its title', async () => {
    const out = await typeInto(['chap', '\t', ' episode:helvet', '\t', '\r'], { terminal: true });
    expect(out).toContain('/chapters episode:"80: Helvetica, Helvetica, Helvetica (feat. Jason Santa Maria)"');
    expect(plain(out)).toContain('4:00 <https://audio.simplecast.com/21134.mp3#t=240> Introductions');
  });

  it('completes the value of the last option, after another option\'s unquoted value', async () => {
    const out = await typeInto(['/chapters podcast:design details episode:helvet', '\t', '\r'], { terminal: true });
    expect(out).toContain('/chapters podcast:design details episode:"80: Helvetica, Helvetica, Helvetica (feat. Jason Santa Maria)"');
  });

  it('numbers the buttons that can be clicked 1, 2… and clicks each by the number shown', async () => {
    const out = await typeInto(['/topic query:design\n', '1\n', '2\n', '1\n']);
    const rows = out.split('\n').filter((line) => line.includes('Previous]'));
    expect(rows).toEqual([
      '[◀ Previous] [Page 1] [1 Next ▶]',
      '[1 ◀ Previous] [Page 2] [2 Next ▶]',
      '[1 ◀ Previous] [Page 3] [2 Next ▶]',
      '[1 ◀ Previous] [Page 2] [2 Next ▶]',
    ]);
    expect(out).not.toContain('There is no button');
  });

  it('reads a value with spaces without quotes up to the next option, and says so', async () => {
    const out = await typeInto(['/topic query:open source ai\n', '/chapters episode:the case for open podcast:most interesting\n']);
    expect(out).toContain('Where “open source ai” is discussed');
    expect(out).toContain('39:17 Raffi\'s Tesla crash');
    expect(out).not.toContain('Expected name:value');
    expect(parseConsoleLine('/topic query:meet at 10:30', commands)).toMatchObject({ ok: true, value: { options: { query: 'meet at 10:30' } } });
    expect(parseConsoleLine('/topic query:talk on https://example.com podcast:design', commands)).toMatchObject({
      ok: true,
      value: { options: { query: 'talk on https://example.com', podcast: 'design' } },
    });
    // A word shaped like an option that the command does not have is still refused, not swallowed by the value.
    expect(parseConsoleLine('/chapters episode:open colour:red', commands)).toMatchObject({ ok: false, error: '/chapters has no option "colour".' });
    const help = await typeInto(['/help\n']);
    expect(help).toContain('A value with spaces runs on until the next option (/topic query:open source ai), or goes in quotes');
  });
});

describe('the console is a server of its own', () => {
  let server: Server;
  let feedUrl: string;
  let local: Services;
  let localDeps: Deps;

  beforeAll(async () => {
    const xml = hundredChapterFeed();
    server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(xml));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hundred.xml`;
    const config = parseConfig({ DATABASE_URL: 'sqlite::memory:', ALLOW_PRIVATE_NETWORK: 'true' });
    if (!config.ok) throw new Error(config.error);
    const log = createLogger({ level: 'silent' });
    local = await openServices(config.value, log);
    await local.loaded;
    localDeps = depsFor(local.library, log, () => new Date(), local.feeds);
  });

  afterAll(async () => {
    await local.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('follows a feed with /feed add, lists it, pages its chapters and removes it: /help lists these, so they work', async () => {
    const out = await typeInto(
      [`/feed add url:${feedUrl}\n`, '/feed list\n', '/chapters podcast:hundred\n', '1\n', '/feed remove podcast:hundred\n', '/feed list\n'],
      { deps: localDeps },
    );
    expect(out).not.toContain('not in direct messages');
    expect(out).toContain('Following Hundred Chapters Radio: 1 episodes so far.');
    expect(out).toContain('Part 1: warming up');
    expect(out).toContain('[◀ Previous] [Page 1/7] [1 Next ▶]');
    expect(out).toContain('Page 2/7');
    expect(out).toContain('Stopped following Hundred Chapters Radio.');
    // What needs Discord itself says so, rather than that this is not a server.
    const announce = await typeInto(['/announce channel channel:123456789012345678\n'], { deps: localDeps });
    expect(announce).toContain('Announcements need the bot to be connected to Discord.');
  });
});

describe('drawing Discord markdown', () => {
  const at = Date.UTC(2021, 3, 20, 16, 20, 30) / 1000;
  const options = { colour: false, timeZone: 'UTC', now: new Date(Date.UTC(2021, 3, 23, 16, 20, 30)) };

  it('draws every timestamp style as Discord does, the style-less one too', () => {
    const styles = ['t', 'T', 'd', 'D', 'f', 'F', 'R'].map((style) => `${style}=<t:${at}:${style}>`).join('\n');
    const text = renderMessage({ content: `${styles}\nnone=<t:${at}>` }, options);
    expect(text.split('\n')).toEqual([
      't=16:20',
      'T=16:20:30',
      'd=20/04/2021',
      'D=20 April 2021',
      'f=20 April 2021 at 16:20',
      'F=Tuesday, 20 April 2021 at 16:20',
      'R=3 days ago',
      'none=20 April 2021 at 16:20',
    ]);
    expect(renderMessage({ content: `<t:${at}:D>` }, { ...options, locale: 'sv-SE' })).toBe('20 april 2021');
  });

  it('draws styles, spoilers, code, headings, quotes and masked links, in content, descriptions and fields', () => {
    const markdown = [
      '# Heading',
      '-# small print',
      '**bold** *italic* __underlined__ ~~struck~~ ||hidden|| `code`',
      '> quoted **words**',
      '[**masked** label](https://example.com/a_(b)) after <t:' + at + ':D> and [again](https://example.com/c)',
      '\\*not bold\\* 1\\. not a list \\[not a link\\](x)',
    ].join('\n');
    const reply: Reply = { content: markdown, embeds: [{ description: markdown, fields: [{ name: '**Field**', value: markdown }] }] };
    const text = renderMessage(reply, options);
    const expected = [
      'Heading',
      'small print',
      'bold italic underlined ~~struck~~ ||hidden|| code',
      '> quoted words',
      'masked label <https://example.com/a_(b)> after 20 April 2021 and again <https://example.com/c>',
      '*not bold* 1. not a list [not a link](x)',
    ];
    expect(text).toBe([...expected, ...['', ...expected, '', 'Field', ...expected].map((line) => `| ${line}`)].join('\n'));
    const coloured = renderMessage(reply, { ...options, colour: true });
    for (const style of ['\u001b[1m', '\u001b[3m', '\u001b[4m', '\u001b[9m', '\u001b[7m', '\u001b[36m', '\u001b[2m']) expect(coloured).toContain(style);
    expect(plain(coloured)).toContain('masked label <https://example.com/a_(b)> after 20 April 2021 and again <https://example.com/c>');
  });
});

describe('NO_COLOR', () => {
  /** `npm start`'s console in a real pseudo-terminal (util-linux `script`), as a person runs it. */
  async function inTerminal(env: Record<string, string>): Promise<string> {
    const child = spawn('script', ['-qec', `${process.execPath} --import tsx src/index.ts --console`, '/dev/null'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: 'sqlite::memory:', TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await expect.poll(() => out.includes('podcord> '), { timeout: 60_000, interval: 50 }).toBe(true);
    child.stdin.write('/chapters episode:helvetica podcast:design\r');
    await expect.poll(() => out.includes('Introductions'), { timeout: 60_000, interval: 50 }).toBe(true);
    child.stdin.write('exit\r');
    await new Promise((resolve) => child.on('exit', resolve));
    return out;
  }

  it('turns colour off in a terminal; without it the same terminal is coloured', async () => {
    const coloured = await inTerminal({});
    expect(coloured).toMatch(SGR);
    const uncoloured = await inTerminal({ NO_COLOR: '1' });
    expect(uncoloured).toContain('Introductions');
    expect(uncoloured).not.toMatch(SGR);
  });
});
