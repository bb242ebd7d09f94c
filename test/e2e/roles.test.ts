import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';

/** `npm start -- --role ...` as an operator runs it: what is refused, and how. */

const root = fileURLToPath(new URL('../..', import.meta.url));
let fake: FakeDiscord | undefined;
let database: TestDatabase | undefined;

afterEach(async () => {
  await fake?.close();
  await database?.drop();
  fake = undefined;
  database = undefined;
});

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts', ...args], { cwd: root, env: { PATH: process.env['PATH'] ?? '', INTERACTIONS_PORT: '0', ...env } });
  let output = '';
  proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, output })));
}

describe('--role', () => {
  it('is listed by --help', async () => {
    const { code, output } = await run(['--help'], {});
    expect(code).toBe(0);
    expect(output).toContain('--role <role>');
    expect(output).toContain('LEASE_SECONDS, DISCORD_REQUESTS_PER_SECOND');
  });

  it('refuses a role it does not know, a worker without a token, and a worker on SQLite, each with one clear line', async () => {
    const unknown = await run(['--role', 'scheduler'], {});
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('--role must be all, worker, interactions or gateway, not "scheduler".');

    const tokenless = await run(['--role', 'worker'], { DATABASE_URL: 'sqlite::memory:' });
    expect(tokenless.code).toBe(1);
    expect(tokenless.output).toContain('--role worker talks to Discord: it needs DISCORD_TOKEN');

    fake = await startFakeDiscord();
    const sqlite = await run(['--role', 'worker'], { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: 'sqlite::memory:' });
    expect(sqlite.code).toBe(1);
    expect(sqlite.output).toContain('Podcord stopped: --role worker needs PostgreSQL (DATABASE_URL=postgres://user:password@host:port/database)');
    expect(fake.requests).toEqual([]);
  });

  it('refuses interactions without DISCORD_PUBLIC_KEY, SHARD_IDS without SHARD_COUNT, and both roles on SQLite, each with one clear line', { timeout: 60_000 }, async () => {
    const keyless = await run(['--role', 'interactions'], { DISCORD_TOKEN: 'some-token', DATABASE_URL: 'sqlite::memory:' });
    expect(keyless.code).toBe(1);
    expect(keyless.output.trim()).toBe(
      '--role interactions needs DISCORD_PUBLIC_KEY (the Public Key on the General Information page of the application in the Developer Portal).',
    );

    const key = '0'.repeat(64);
    const onSqlite = await run(['--role', 'interactions'], { DISCORD_TOKEN: 'some-token', DISCORD_PUBLIC_KEY: key, DATABASE_URL: 'sqlite::memory:' });
    expect(onSqlite.code).toBe(1);
    expect(onSqlite.output).toContain('Podcord stopped: --role interactions needs PostgreSQL');
    const gatewayOnSqlite = await run(['--role', 'gateway'], { DISCORD_TOKEN: 'some-token', DATABASE_URL: 'sqlite::memory:' });
    expect(gatewayOnSqlite.code).toBe(1);
    expect(gatewayOnSqlite.output).toContain('Podcord stopped: --role gateway needs PostgreSQL');

    const shards = await run(['--role', 'gateway'], { DISCORD_TOKEN: 'some-token', SHARD_IDS: '0-1', DATABASE_URL: 'sqlite::memory:' });
    expect(shards.code).toBe(1);
    expect(shards.output).toContain('SHARD_IDS: needs SHARD_COUNT too');
  });

  it('stops a worker whose token Discord refuses, without showing the token or the database password', { timeout: 60_000 }, async () => {
    fake = await startFakeDiscord();
    database = await createTestDatabase();
    const password = new URL(database.url).password;
    const { code, output } = await run(['--role', 'worker'], { DISCORD_TOKEN: 'not-the-right-token', DISCORD_API_URL: fake.apiUrl, DATABASE_URL: database.url });
    expect(code).toBe(1);
    expect(output).toContain('Podcord stopped: Could not log in to Discord: the token was refused. Check DISCORD_TOKEN in .env.');
    expect(output).not.toContain('not-the-right-token');
    expect(output).not.toContain(password);
    expect(fake.connectionCount).toBe(0);
  });
});
