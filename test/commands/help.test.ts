import { describe, expect, it } from 'vitest';
import { commands } from '../../src/commands/index.js';
import type { Deps, Invocation } from '../../src/commands/command.js';
import { EVERY_PODCAST } from '../../src/data/catalog.js';

const help = commands.find((c) => c.data.name === 'help')!;
const member: Invocation = { locale: 'en-US', userId: '1', scope: EVERY_PODCAST, canManageGuild: false };

async function helpText(invocation: Invocation): Promise<string> {
  const result = await help.run({}, invocation, {} as Deps);
  if (!result.ok) throw new Error(result.error);
  expect(result.value.ephemeral).toBe(true);
  return result.value.embeds?.[0]?.description ?? '';
}

describe('/help', () => {
  it('lists every listener command with its options', async () => {
    const text = await helpText(member);
    for (const usage of ['**/chapters [episode] [podcast]**', '**/topic query: [podcast]**', '**/episode [episode] [podcast]**', '**/latest [podcast] [count]**']) {
      expect(text).toContain(usage);
    }
    expect(text).not.toContain('/feed');
  });

  it('adds the server-management subcommands for people with Manage Server', async () => {
    const text = await helpText({ ...member, canManageGuild: true });
    expect(text).toContain('**/feed add url:**');
    expect(text).toContain('**/announce channel channel: [role] [podcast] [publish] [thread]**');
  });

  it('speaks Swedish, with Swedish command names, to a Swedish reader', async () => {
    const text = await helpText({ ...member, locale: 'sv-SE', canManageGuild: true });
    expect(text).toContain('**/kapitel [avsnitt] [podd]**');
    expect(text).toContain('För serveradministratörer');
  });
});
