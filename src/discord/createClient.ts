import { Client, GatewayIntentBits, Options, type ClientOptions } from 'discord.js';

/**
 * The discord.js client, Guilds intent only: slash commands and buttons need no message content.
 * `apiUrl` comes from config (DISCORD_API_URL): tests point it at the fake Discord, operators at a proxy.
 */
export function createClient(options: { apiUrl: string; extra?: Partial<ClientOptions> }): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: options.apiUrl },
    // Nothing here reads messages or members: keep those caches empty.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0, GuildMemberManager: 0, UserManager: 0 }),
    allowedMentions: { parse: [], repliedUser: false },
    ...options.extra,
  });
}
