import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InteractionResponseType } from 'discord-api-types/v10';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Episode } from '../../src/data/model.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { chatInput } from '../support/interactions.js';
import { bareEpisode, podcast } from '../store/storeContract.js';

/**
 * `npm run db:backup -- FILE` as an operator runs it: through npm, while the bot (a real process on the SQLite file)
 * runs and while the database is being written, then restored as the README says.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'podcord-dbbackup-'));
let fake: FakeDiscord | undefined;
let bot: ChildProcessWithoutNullStreams | undefined;
const stores: SqliteStore[] = [];

afterEach(async () => {
  bot?.kill('SIGKILL');
  bot = undefined;
  await fake?.close();
  fake = undefined;
  for (const store of stores.splice(0)) await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function dbBackup(args: readonly string[], databaseUrl: string): Promise<Run> {
  const child = spawn('npm', ['run', '--silent', 'db:backup', '--', ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? root, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function openStore(file: string): SqliteStore {
  const opened = openSqliteStore(`sqlite:${file}`);
  if (!opened.ok) throw new Error(opened.error);
  stores.push(opened.value);
  return opened.value;
}

async function until(condition: () => boolean, what: string, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}. Output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One podcast saved again and again with one of two whole episode lists: a copy must hold one list, never a mix. */
const FLIP = 'https://flip.example.com/feed.xml';
const flipEpisodes = (side: 'a' | 'b'): Episode[] => Array.from({ length: 40 }, (_, i) => bareEpisode(`${side}${i}`));

describe('npm run db:backup', () => {
  it('copies the database while the bot runs and writes, consistently; the copy restores as the README says', async () => {
    const file = path.join(dir, 'podcord.db');
    const url = `sqlite:${file}`;
    // The bot's database, with something in it.
    const writer = openStore(file);
    await writer.savePodcast({ ...podcast, title: 'Kept Show' }, [bareEpisode('k1'), bareEpisode('k2')]);
    await writer.follow('guild-1', podcast.id, { seenEpisodeIds: ['k1', 'k2'] });

    fake = await startFakeDiscord();
    let output = '';
    bot = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: fake.guildId,
        DATABASE_URL: url,
        INTERACTIONS_PORT: '0',
      },
    });
    bot.stdout.on('data', (c: Buffer) => (output += c.toString()));
    bot.stderr.on('data', (c: Buffer) => (output += c.toString()));
    await until(() => output.includes('"msg":"bot ready"'), 'the bot to be ready', () => output);

    // Writes go on all through the backup, each save one transaction, as the bot's own do.
    let writing = true;
    let saves = 0;
    const writes = (async () => {
      while (writing) {
        await writer.savePodcast({ ...podcast, id: FLIP, feedUrl: FLIP, title: `Flip ${saves}` }, flipEpisodes(saves % 2 === 0 ? 'a' : 'b'));
        await writer.savePodcast({ ...podcast, id: `https://w.example.com/${saves}`, feedUrl: `https://w.example.com/${saves}`, title: `W ${saves}` }, [bareEpisode('only')]);
        saves++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    await until(() => saves >= 5, 'some writes', () => output);
    const savedBefore = saves;
    const backupFile = path.join(dir, 'backup.db');
    const backup = await dbBackup([backupFile], url);
    const savedAfter = saves;
    writing = false;
    await writes;
    // The writes were not held up meanwhile (a failed or refused save would have rejected `writes`).
    expect(savedAfter).toBeGreaterThan(savedBefore);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(new RegExp(`^Backed up ${file} to ${backupFile}: \\d+ podcasts, \\d+ episodes, 1 follows, [\\d.]+ MB in [\\d.]+ s \\(integrity checked\\)\\.\\n$`));
    expect(existsSync(`${backupFile}-wal`)).toBe(false);

    // The bot never noticed: still running on its file and answering.
    expect(bot.exitCode).toBeNull();
    expect((await fake.sendInteraction(chatInput('help'), 10_000)).type).toBe(InteractionResponseType.ChannelMessageWithSource);

    // The copy is one moment of the database: every write before the backup, the flip podcast whole.
    const copy = openStore(backupFile);
    const catalogue = await copy.loadCatalog();
    const titles = catalogue.map((entry) => entry.podcast.title);
    expect(titles).toContain('Kept Show');
    const written = catalogue.filter((entry) => entry.podcast.id.startsWith('https://w.example.com/')).length;
    expect(written).toBeGreaterThanOrEqual(savedBefore);
    expect(written).toBeLessThanOrEqual(savedAfter);
    const flip = await copy.getEpisodeIds(FLIP);
    expect([flipEpisodes('a').map((e) => e.id), flipEpisodes('b').map((e) => e.id)]).toContainEqual(flip);
    expect(await copy.getEpisodeIds(podcast.id)).toEqual(['k1', 'k2']);
    expect(await copy.followersOf(podcast.id)).toEqual(['guild-1']);
    await copy.close();
    stores.splice(stores.indexOf(copy), 1);

    // Restore, as the README says: stop the bot, move the database and its -wal/-shm aside, copy the backup in place.
    bot.kill('SIGTERM');
    expect(await new Promise((resolve) => bot!.on('exit', resolve))).toBe(0);
    await writer.close();
    stores.splice(stores.indexOf(writer), 1);
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${file}${suffix}.old`);
    copyFileSync(backupFile, file);
    const restored = openStore(file);
    expect((await restored.loadCatalog()).map((entry) => entry.podcast.title).sort()).toEqual([...titles].sort());
    expect(await restored.getEpisodeIds(FLIP)).toEqual(flip);
  }, 180_000);

  it('refuses to overwrite a file without --force, and names what it cannot back up', async () => {
    const file = path.join(dir, 'refusals.db');
    await openStore(file).savePodcast(podcast, [bareEpisode('x')]);
    const target = path.join(dir, 'existing.db');
    writeFileSync(target, 'something precious');
    const refused = await dbBackup([target], `sqlite:${file}`);
    expect(refused).toMatchObject({ code: 1, stderr: `db:backup: ${target} already exists; --force replaces it.\n` });
    const forced = await dbBackup([target, '--force'], `sqlite:${file}`);
    expect(forced.code).toBe(0);
    expect(await openStore(target).getEpisodeIds(podcast.id)).toEqual(['x']);

    const missing = await dbBackup([path.join(dir, 'b.db')], `sqlite:${path.join(dir, 'nothing-here.db')}`);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining(`There is no database file ${path.join(dir, 'nothing-here.db')} (DATABASE_URL)`) });
    expect(existsSync(path.join(dir, 'b.db'))).toBe(false);
    const postgres = await dbBackup([path.join(dir, 'b.db')], 'postgres://podcord:secret@db.internal:5432/podcord');
    expect(postgres).toMatchObject({ code: 1, stderr: expect.stringContaining('back it up with pg_dump, or copy it into a SQLite file with npm run db:copy -- --to sqlite:<file>') });
    expect(postgres.stderr).not.toContain('secret');
    const itself = await dbBackup([file], `sqlite:${file}`);
    expect(itself).toMatchObject({ code: 1, stderr: expect.stringContaining('is the database itself') });
    const none = await dbBackup([], `sqlite:${file}`);
    expect(none).toMatchObject({ code: 1, stderr: expect.stringContaining('name one file to write the backup to') });
  }, 120_000);
});
