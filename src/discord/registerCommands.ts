import { REST, Routes } from 'discord.js';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';

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
  return { scope: options.guildId ? `guild ${options.guildId}` : 'global', count: saved.length };
}
