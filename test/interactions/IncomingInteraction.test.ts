import { ComponentType, InteractionType, Locale, PermissionFlagsBits, type APIInteraction } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { fromApiInteraction } from '../../src/interactions/IncomingInteraction.js';
import { ADMIN_PERMISSIONS, FAKE_IDS, MEMBER_PERMISSIONS } from '../support/fakeDiscord.js';
import { autocomplete, button, chatInput, focused, integer } from '../support/interactions.js';

/** Discord's interaction JSON, as the HTTP endpoint receives it, turned into what the core needs. */

describe('fromApiInteraction', () => {
  it('flattens a slash command, its subcommand group and subcommand, with who asks and where', () => {
    const api = chatInput('podcast feeds add', { url: 'https://example.com/feed.xml', count: integer(3) }, { locale: Locale.Swedish, admin: true });
    expect(fromApiInteraction(api)).toEqual({
      kind: 'command',
      id: api.id,
      locale: 'sv-SE',
      userId: FAKE_IDS.userId,
      guildId: FAKE_IDS.guildId,
      canManageGuild: true,
      commandName: 'podcast',
      options: { group: 'feeds', subcommand: 'add', url: 'https://example.com/feed.xml', count: 3 },
    });
  });

  it('finds the option being typed in an autocomplete, inside a subcommand too', () => {
    const api = autocomplete('feed remove', { podcast: focused('des') });
    expect(fromApiInteraction(api)).toMatchObject({
      kind: 'autocomplete',
      commandName: 'feed',
      options: { subcommand: 'remove', podcast: 'des' },
      focused: { name: 'podcast', value: 'des' },
      canManageGuild: false,
    });
  });

  it('reads a button click by its custom id', () => {
    expect(fromApiInteraction(button('chapters:abc:2'))).toMatchObject({ kind: 'button', customId: 'chapters:abc:2' });
  });

  it('counts Manage Server, or Administrator, as managing the guild; nothing else, and never in a direct message', () => {
    const manages = (permissions: string): boolean | undefined => fromApiInteraction(chatInput('feed list', {}, { permissions }))?.canManageGuild;
    expect(manages(MEMBER_PERMISSIONS)).toBe(false);
    expect(manages(ADMIN_PERMISSIONS)).toBe(true);
    expect(manages(PermissionFlagsBits.Administrator.toString())).toBe(true);
    expect(manages('not a number')).toBe(false);
    const { member, guild_id: _g, guild: _guild, ...rest } = chatInput('help', {}, { admin: true });
    const direct = { ...rest, user: member.user } as unknown as APIInteraction;
    expect(fromApiInteraction(direct)).toMatchObject({ kind: 'command', userId: FAKE_IDS.userId, canManageGuild: false });
    expect(fromApiInteraction(direct)).not.toHaveProperty('guildId');
  });

  it('has nothing for a PING, a select menu, a modal or a context menu command', () => {
    const base = chatInput('help');
    const others = [
      { ...base, type: InteractionType.Ping },
      { ...button('x'), data: { custom_id: 'x', component_type: ComponentType.StringSelect, values: ['a'] } },
      { ...base, type: InteractionType.ModalSubmit, data: { custom_id: 'm', components: [] } },
      { ...base, data: { ...base.data, type: 3, target_id: '1', resolved: {} } },
    ];
    for (const other of others) expect(fromApiInteraction(other as unknown as APIInteraction)).toBeUndefined();
  });
});
