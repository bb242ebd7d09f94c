import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ClientOptions } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startPodcordBot } from '../../src/app.js';
import { commandDefinitions } from '../../src/commands/index.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from '../support/fakeDiscord.js';

/**
 * Commands are registered when Discord's differ from the bot's (a first start, a new version, a command edited
 * elsewhere), not at every start; `deploy-commands` registers them whatever Discord holds.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const noIdentifyThrottle: Partial<ClientOptions> = { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) } };
let fake: FakeDiscord | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Starts the whole bot against the fake, waits until it is ready, stops it; returns its log. */
async function startAndStop(fake: FakeDiscord, env: Record<string, string>): Promise<string> {
  const parsed = parseConfig({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'info', ...env });
  if (!parsed.ok || parsed.value.discordToken === undefined) throw new Error(parsed.ok ? 'no token' : parsed.error);
  let log = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log += chunk.toString();
      done();
    },
  });
  const running = await startPodcordBot(
    { ...parsed.value, discordToken: parsed.value.discordToken },
    createLogger({ level: 'info', destination }),
    { clientOptions: noIdentifyThrottle },
  );
  await running.stop();
  return log;
}

const commandRequests = (fake: FakeDiscord, method: string): RecordedRequest[] =>
  fake.requests.filter((r) => r.method === method && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(r.path));

describe('registering the slash commands', () => {
  it('registers them in the guild at the first start only; a second start reads them back and makes no PUT', async () => {
    fake = await startFakeDiscord();
    const env = { DISCORD_GUILD_ID: fake.guildId };
    const first = await startAndStop(fake, env);
    expect(commandRequests(fake, 'PUT').map((r) => r.path)).toEqual([`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`]);
    expect(first).toContain('"registered":true');

    fake.clearRequests();
    const second = await startAndStop(fake, env);
    expect(commandRequests(fake, 'PUT')).toEqual([]);
    // Read with every localization, or the Swedish names would always look changed.
    expect(commandRequests(fake, 'GET')).toEqual([
      expect.objectContaining({ path: `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`, query: { with_localizations: 'true' } }),
    ]);
    expect(second).toContain(`"commands":${commandDefinitions.length},"scope":"guild ${fake.guildId}","registered":false,"msg":"bot ready"`);
    expect(fake.guildCommands(fake.guildId)).toHaveLength(commandDefinitions.length);
  });

  it('does the same for global commands', async () => {
    fake = await startFakeDiscord();
    await startAndStop(fake, {});
    expect(commandRequests(fake, 'PUT').map((r) => r.path)).toEqual([`/applications/${fake.applicationId}/commands`]);
    fake.clearRequests();
    await startAndStop(fake, {});
    expect(commandRequests(fake, 'PUT')).toEqual([]);
    expect(fake.commands).toHaveLength(commandDefinitions.length);
  });

  it('registers again when what Discord holds differs: a description, a Swedish name, an option, a command too many or missing', async () => {
    fake = await startFakeDiscord();
    const env = { DISCORD_GUILD_ID: fake.guildId };
    await startAndStop(fake, env);
    const held = fake.guildCommands(fake.guildId) as Record<string, unknown>[] & unknown[];
    const edits: [string, () => void][] = [
      ['a description', () => ((held[0] as { description: string }).description = 'An older description')],
      ['a Swedish name', () => ((held[1] as { name_localizations: Record<string, string> }).name_localizations['sv-SE'] = 'gammalt-namn')],
      ['an option', () => (held[2] as { options: unknown[] }).options.pop()],
      ['a command too many', () => held.push({ ...(held[0] as object), id: '1', name: 'retired' })],
      ['a command missing', () => held.pop()],
    ];
    for (const [what, edit] of edits) {
      edit();
      fake.clearRequests();
      await startAndStop(fake, env);
      expect({ what, puts: commandRequests(fake, 'PUT').length }).toEqual({ what, puts: 1 });
      expect(fake.guildCommands(fake.guildId).map((c) => (c as { name: string }).name)).toEqual(commandDefinitions.map((d) => d.name));
    }
  }, 60_000);

  it('registers with deploy-commands even when Discord already holds the same commands', async () => {
    fake = await startFakeDiscord();
    await startAndStop(fake, {});
    fake.clearRequests();
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts', '--deploy-commands'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: 'sqlite::memory:' },
    });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect(await new Promise((resolve) => proc.on('exit', resolve))).toBe(0);
    expect(commandRequests(fake, 'PUT')).toHaveLength(1);
    expect(out.trim()).toBe(`Registered ${commandDefinitions.length} commands (global).`);
  }, 40_000);
});
