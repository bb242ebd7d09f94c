import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';

/**
 * The database file deleted (or replaced) under a running bot: SQLite would go on writing to the unlinked file and
 * everything saved would be gone at the next start. `npm start` as an operator runs it, as a real process, must stop
 * with a clear message and a non-zero exit.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
let fake: FakeDiscord | undefined;
let child: ChildProcessWithoutNullStreams | undefined;
let dir: string | undefined;

afterEach(async () => {
  child?.kill('SIGKILL');
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startBot(databaseFile: string): Promise<{ output: () => string; exited: Promise<number | null> }> {
  fake = await startFakeDiscord();
  child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_ID: fake.guildId,
      DATABASE_URL: `sqlite:${databaseFile}`,
    },
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const proc = child;
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  const deadline = Date.now() + 30_000;
  while (!output.includes('"msg":"bot ready"')) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`the bot did not get ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { output: () => output, exited };
}

/** The exit code, or a failure naming what the process said when it did not exit. */
async function exitCode(run: { output: () => string; exited: Promise<number | null> }): Promise<number | null> {
  const late = new Promise<'still running'>((resolve) => setTimeout(resolve, 30_000, 'still running').unref());
  const code = await Promise.race([run.exited, late]);
  if (code === 'still running') throw new Error(`the bot was still running 30 s later:\n${run.output()}`);
  return code;
}

describe('the database file under a running bot', () => {
  it('stops with a clear message and a non-zero exit when the file is deleted', { timeout: 90_000 }, async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'podcord-dbfile-'));
    const file = path.join(dir, 'podcord.db');
    const run = await startBot(file);
    rmSync(file);

    expect(await exitCode(run)).toBe(1);
    expect(run.output()).toContain(`Podcord stopped: The database file ${file} was deleted or moved while Podcord was running.`);
    expect(run.output()).toContain('"level":60'); // logged as fatal too, for whoever reads the logs
  });

  it('stops the same way when another file is put in its place', { timeout: 90_000 }, async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'podcord-dbfile-'));
    const file = path.join(dir, 'podcord.db');
    const run = await startBot(file);
    writeFileSync(path.join(dir, 'other.db'), '');
    renameSync(path.join(dir, 'other.db'), file);

    expect(await exitCode(run)).toBe(1);
    expect(run.output()).toContain(`Podcord stopped: The database file ${file} was replaced by another file while Podcord was running.`);
  });
});
