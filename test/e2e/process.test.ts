import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InteractionResponseType } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { interactionKeyPair, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { chatInput } from '../support/interactions.js';

/** `npm start` as an operator runs it: a real process, configured only by its environment. */

const root = fileURLToPath(new URL('../..', import.meta.url));
let fake: FakeDiscord | undefined;
let child: ChildProcessWithoutNullStreams | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  child?.kill('SIGKILL');
  await fake?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

/** A real SQLite file in a fresh temp directory, as an operator's DATABASE_URL would name. */
function databaseUrl(): string {
  dataDir = mkdtempSync(join(tmpdir(), 'podcord-process-'));
  return `sqlite:${join(dataDir, 'podcord.db')}`;
}

/** The exit code, or a failure naming what the process printed if it is still running after `timeoutMs`. */
async function exitCode(run: { exited: Promise<number | null>; output: () => string }, timeoutMs = 20_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms. Output:\n${run.output()}`)), timeoutMs);
  });
  try {
    return await Promise.race([run.exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function start(env: Record<string, string>): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], { cwd: root, env: { PATH: process.env['PATH'] ?? '', INTERACTIONS_PORT: '0', ...env } });
  let output = '';
  proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  return { child: proc, output: () => output, exited };
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the bot as a process', () => {
  it('serves GET /healthz and GET /metrics, and POST /interactions once DISCORD_PUBLIC_KEY is set, on INTERACTIONS_PORT', async () => {
    fake = await startFakeDiscord();
    const keys = interactionKeyPair();
    const run = start({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_PUBLIC_KEY: keys.publicKeyHex,
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'info',
    });
    child = run.child;
    await until(() => run.output().includes('"msg":"HTTP server listening"'), 'the HTTP server to listen');
    const line = run.output().split('\n').find((l) => l.includes('"msg":"HTTP server listening"')) ?? '';
    const base = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('role="all"');
    fake.setInteractionsEndpoint({ urls: [`${base}/interactions`], privateKey: keys.privateKey });
    expect(await fake.verifyEndpoint(`${base}/interactions`)).toEqual({ pong: true, refusesBadSignature: true });
    const callback = await fake.sendInteraction(chatInput('latest'), 5000);
    expect(callback.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(fake.deliveries.at(-1)).toMatchObject({ url: `${base}/interactions`, status: 200 });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('logs in, serves commands, and on SIGTERM disconnects and exits 0 without logging the token', async () => {
    fake = await startFakeDiscord();
    const run = start({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_ID: fake.guildId,
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'debug',
    });
    child = run.child;
    await until(() => run.output().includes('"msg":"bot ready"'), 'the bot to be ready');
    const names = (fake.guildCommands(fake.guildId) as { name: string }[]).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['chapters', 'topic', 'episode', 'latest', 'help']));
    const callback = await fake.sendInteraction(chatInput('chapters'), 5000);
    expect(callback.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('shutting down');
    expect(run.output()).not.toContain(fake.token);
  });

  it('stops with one clear line when the token is refused', async () => {
    fake = await startFakeDiscord();
    const run = start({ DISCORD_TOKEN: 'not-the-right-token', DISCORD_API_URL: fake.apiUrl, DATABASE_URL: 'sqlite::memory:' });
    child = run.child;
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('Podcord stopped: Could not log in to Discord: the token was refused. Check DISCORD_TOKEN in .env.');
    expect(run.output()).not.toContain('not-the-right-token');
  });

  it('stops with a clear message and exit code 1 when Discord closes the gateway with 4004 after READY', async () => {
    fake = await startFakeDiscord();
    const run = start({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DISCORD_GUILD_ID: fake.guildId, DATABASE_URL: databaseUrl() });
    child = run.child;
    await until(() => run.output().includes('"msg":"bot ready"'), 'the bot to be ready');
    expect(await fake.sendInteraction(chatInput('help'), 5000)).toMatchObject({ type: InteractionResponseType.ChannelMessageWithSource });

    // The token was reset in the Developer Portal: Discord ends the session, and the token no longer works anywhere.
    fake.closeSession(4004);
    expect(await exitCode(run)).toBe(1);
    expect(run.output()).toContain(
      'Podcord stopped: Discord closed the gateway connection with 4004 (authentication failed): the token was refused. Check DISCORD_TOKEN in .env.',
    );
    expect(run.output()).not.toContain(fake.token);
  });

  it('resumes after a 4000 close and keeps answering, then exits 0 on SIGTERM', async () => {
    fake = await startFakeDiscord();
    const run = start({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DISCORD_GUILD_ID: fake.guildId, DATABASE_URL: databaseUrl() });
    child = run.child;
    await until(() => run.output().includes('"msg":"bot ready"'), 'the bot to be ready');

    fake.dropConnection(4000);
    await until(() => fake!.resumeCount === 1, 'the bot to resume');
    const callback = await fake.sendInteraction(chatInput('help'), 5000);
    expect(callback).toMatchObject({ type: InteractionResponseType.ChannelMessageWithSource, data: { embeds: [{ title: 'Podcord' }] } });
    expect(fake.identifyCount).toBe(1);
    expect(run.child.exitCode).toBeNull();

    run.child.kill('SIGTERM');
    expect(await exitCode(run)).toBe(0);
    expect(run.output()).not.toContain('Podcord stopped');
  });

  it('registers the commands with deploy-commands and exits', async () => {
    fake = await startFakeDiscord();
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts', '--deploy-commands'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: 'sqlite::memory:' },
    });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect(await new Promise((resolve) => proc.on('exit', resolve))).toBe(0);
    const names = fake.commands.map((c) => (c as { name: string }).name);
    expect(names).toEqual(expect.arrayContaining(['chapters', 'topic', 'episode', 'latest', 'help', 'feed', 'announce']));
    expect(out.trim()).toBe(`Registered ${names.length} commands (global).`);
    expect(fake.identifyCount).toBe(0);
  });

  it('refuses an invalid configuration, naming the variable', async () => {
    const run = start({ POLL_INTERVAL_SECONDS: 'often', DISCORD_API_URL: 'ftp://x' });
    child = run.child;
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/Invalid configuration:\n {2}DISCORD_API_URL: must be an http\(s\) URL\n {2}POLL_INTERVAL_SECONDS: /);
  });
});
