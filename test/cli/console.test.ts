import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsFor, openServices, type Services } from '../../src/app.js';
import { parseConsoleLine, runConsoleLine } from '../../src/cli/console.js';
import { renderMessage } from '../../src/cli/renderMessage.js';
import { buttons, commands } from '../../src/commands/index.js';
import type { Deps, Invocation, Reply } from '../../src/commands/command.js';
import { parseConfig } from '../../src/config.js';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { createLogger } from '../../src/logger.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const invocation: Invocation = { locale: 'en-US', userId: '0', scope: EVERY_PODCAST, canManageGuild: true };
let deps: Deps;
let services: Services;

beforeAll(async () => {
  const config = parseConfig({ DATABASE_URL: 'sqlite::memory:' });
  if (!config.ok) throw new Error(config.error);
  const log = createLogger({ level: 'silent' });
  services = await openServices(config.value, log);
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
