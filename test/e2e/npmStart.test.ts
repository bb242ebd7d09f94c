import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InteractionResponseType } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { chatInput } from '../support/interactions.js';
import { startTestServer, type TestServer } from '../sources/testServer.js';

/**
 * `npm start` itself, as a process manager runs it: npm, the shell npm runs the script with (dash on Debian), and the
 * bot. A supervisor signals npm (or npm's whole process group); the bot must hear it, stop cleanly and leave nothing
 * running. `npm start` builds first (prestart), so this also shows the compiled dist/ serving: the bundled samples and
 * the parse worker thread, both found by path.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const FEED = readFileSync(new URL('../fixtures/feeds/homegrown-hits.xml', import.meta.url));
let fake: FakeDiscord | undefined;
let feeds: TestServer | undefined;
let npm: ChildProcessWithoutNullStreams | undefined;

afterEach(async () => {
  // npm was started as the leader of its own process group: whatever is left of it goes.
  if (npm?.pid !== undefined) {
    try {
      process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  npm = undefined;
  await fake?.close();
  await feeds?.close();
  fake = undefined;
  feeds = undefined;
});

/** Every process still in a process group (npm, sh, node...), with its command line. */
function processesInGroup(group: number): string[] {
  const lines = execFileSync('ps', ['-e', '-o', 'pgid=,pid=,args='], { encoding: 'utf8' }).split('\n');
  return lines.filter((l) => l.trim().split(/\s+/)[0] === String(group)).map((l) => l.trim());
}

function npmStart(env: Record<string, string>): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<{ code: number | null; signal: string | null }> } {
  const proc = spawn('npm', ['start'], {
    cwd: root,
    // Its own process group, as a service manager starts it; HOME for npm's cache and config.
    detached: true,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? root, INTERACTIONS_PORT: '0', ...env },
  });
  let output = '';
  proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { child: proc, output: () => output, exited };
}

async function until(condition: () => boolean, what: string, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}. Output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with how the process ended, or fails naming what it printed if it is still running after `timeoutMs`. */
async function ended<T>(exited: Promise<T>, output: () => string, timeoutMs = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms after the signal. Output:\n${output()}`)), timeoutMs);
  });
  try {
    return await Promise.race([exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** `npm start` with a token against the fake Discord, a local feed in FEEDS; resolves once the bot is ready. */
async function startedBot(): Promise<ReturnType<typeof npmStart>> {
  fake = await startFakeDiscord();
  feeds = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(FEED);
  });
  const run = npmStart({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guildId,
    DATABASE_URL: 'sqlite::memory:',
    FEEDS: `${feeds.origin}/feed.xml`,
    ALLOW_PRIVATE_NETWORK: 'true',
    LOG_LEVEL: 'info',
  });
  npm = run.child;
  // The build runs first; on a busy 2-core machine that takes a while.
  await until(() => run.output().includes('"msg":"bot ready"'), 'the bot to be ready', run.output, 150_000);
  await until(() => run.output().includes('"msg":"feed loaded"'), 'the FEEDS feed to be fetched and parsed', run.output, 60_000);
  return run;
}

describe('npm start', () => {
  it('runs the compiled bot with node (no TypeScript compiler at start), serving the samples and parsing feeds on its worker thread', async () => {
    const run = await startedBot();
    const group = npm!.pid!;
    const running = processesInGroup(group);
    expect(running.some((p) => /\bnode\b.*dist\/index\.js/.test(p))).toBe(true);
    expect(running.some((p) => /tsx/.test(p))).toBe(false);
    // A bundled sample (read from dist/data/samples) and the feed parsed by dist/sources/parseWorker.js both answer.
    const sample = await fake!.sendInteraction(chatInput('chapters', { podcast: 'most interesting thing' }), 10_000);
    expect(sample.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(JSON.stringify(sample)).toContain('Most Interesting Thing in AI');
    const latest = await fake!.sendInteraction(chatInput('latest', { podcast: 'homegrown hits' }), 10_000);
    expect(JSON.stringify(latest)).toContain('Homegrown Hits');
    expect(run.output()).toContain('"feed":"' + `${feeds!.origin}/feed.xml` + '","status":"updated"');

    npm!.kill('SIGTERM');
    expect(await ended(run.exited, run.output)).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('"signal":"SIGTERM","msg":"shutting down: finishing replies in flight"');
    expect(run.output()).toContain('"msg":"shutdown complete"');
  }, 300_000);

  it('stops the bot cleanly when SIGTERM is sent to npm itself, leaving no process behind', async () => {
    const run = await startedBot();
    const group = npm!.pid!;
    npm!.kill('SIGTERM');
    expect(await ended(run.exited, run.output)).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('"msg":"shutdown complete"');
    expect(run.output()).not.toContain(fake!.token);
    // Nothing of npm's group lives on: the bot heard the signal rather than being orphaned by a shell that died.
    await until(() => processesInGroup(group).length === 0, 'the process group to be empty', () => processesInGroup(group).join('\n'), 30_000);
  }, 300_000);

  it('stops cleanly, once started, when SIGTERM comes while it is still starting (its FEEDS being fetched)', async () => {
    fake = await startFakeDiscord();
    // The first fetch of FEEDS is part of start-up: the feed is answered only once the signal has been sent.
    let release: (() => void) | undefined;
    feeds = await startTestServer((_req, res) => {
      release = () => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(FEED);
      };
    });
    const run = npmStart({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_ID: fake.guildId,
      DATABASE_URL: 'sqlite::memory:',
      FEEDS: `${feeds!.origin}/feed.xml`,
      ALLOW_PRIVATE_NETWORK: 'true',
      LOG_LEVEL: 'info',
    });
    npm = run.child;
    await until(() => release !== undefined, 'the bot to fetch its FEEDS while starting', run.output, 150_000);
    npm.kill('SIGTERM');
    await until(() => run.output().includes('"msg":"stopping as soon as start-up is done"'), 'the signal to be heard', run.output, 30_000);
    release!();
    expect(await ended(run.exited, run.output)).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('"msg":"bot ready"');
    expect(run.output()).toContain('"signal":"SIGTERM","msg":"shutting down: finishing replies in flight"');
    expect(run.output()).toContain('"msg":"shutdown complete"');
  }, 300_000);

  it('stops cleanly when the whole process group is signalled (systemd, Ctrl-C), though npm forwards a second SIGTERM', async () => {
    const run = await startedBot();
    const group = npm!.pid!;
    process.kill(-group, 'SIGTERM');
    expect(await ended(run.exited, run.output)).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('"msg":"shutdown complete"');
    await until(() => processesInGroup(group).length === 0, 'the process group to be empty', () => processesInGroup(group).join('\n'), 30_000);
  }, 300_000);
});
