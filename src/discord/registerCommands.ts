import { REST, Routes, type ClientApplication } from 'discord.js';
import { ApplicationCommandType, ApplicationIntegrationType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';

export interface RegisterOptions {
  token: string;
  apiUrl: string;
  /** Known once the client is ready; otherwise asked of Discord (GET /applications/@me). */
  applicationId?: string;
  /** A guild registers instantly (development); without one the commands are global. */
  guildId?: string;
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[];
}

/** Bulk overwrite: the registered set becomes exactly `definitions`, so removed commands disappear too. */
export async function registerCommands(options: RegisterOptions): Promise<{ scope: string; count: number }> {
  const rest = new REST({ api: options.apiUrl }).setToken(options.token);
  const applicationId = options.applicationId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const route = options.guildId
    ? Routes.applicationGuildCommands(applicationId, options.guildId)
    : Routes.applicationCommands(applicationId);
  const saved = (await rest.put(route, { body: options.definitions })) as unknown[];
  return { scope: commandScope(options.guildId), count: saved.length };
}

/** Where commands are registered, as logged and printed: `guild <id>` or `global`. */
export function commandScope(guildId: string | undefined): string {
  return guildId ? `guild ${guildId}` : 'global';
}

/**
 * Whether Discord already holds exactly `definitions` where they would be registered (the guild, else globally): the
 * same commands, none more, each equal by discord.js's own comparison (options in order, choices, limits, permissions
 * and every localization). A start then skips the bulk overwrite: one GET instead of a PUT, and commands changed by
 * hand or by another version are still put right.
 */
export async function commandsAreRegistered(
  application: ClientApplication,
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
  guildId?: string,
): Promise<boolean> {
  // Without with_localizations Discord leaves the localization maps out, and every localized command would differ.
  const registered = await application.commands.fetch({ ...(guildId && { guildId }), withLocalizations: true, cache: false });
  if (registered.size !== definitions.length) return false;
  return definitions.every((definition) => {
    const type = definition.type ?? ApplicationCommandType.ChatInput;
    const same = registered.find((command) => command.name === definition.name && command.type === type);
    // Discord stores a command registered without integration types as installed to servers: compare it as such. (A
    // default Discord chose differently only costs a needless registration, as every start made before.)
    const integration_types = definition.integration_types ?? [ApplicationIntegrationType.GuildInstall];
    return same !== undefined && same.equals({ ...definition, type, integration_types } as Parameters<typeof same.equals>[0], true);
  });
}
