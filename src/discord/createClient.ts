import { Client, GatewayIntentBits, Options, type ClientOptions, type RESTOptions } from 'discord.js';

/**
 * The discord.js client, Guilds intent only: slash commands and buttons need no message content.
 * `apiUrl` comes from config (DISCORD_API_URL): tests point it at the fake Discord, operators at a proxy.
 */
export function createClient(options: { apiUrl: string; rest?: Partial<RESTOptions>; extra?: Partial<ClientOptions> }): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    // Warned about every 500 invalid requests (401, 403, 429): Discord bans a token past 10,000 in 10 minutes.
    rest: { api: options.apiUrl, invalidRequestWarningInterval: 500, ...options.rest },
    // Nothing here reads messages or members: keep those caches empty, but for the bot's own member, whose roles give
    // its permissions in a channel (/announce channel checks them from the caches).
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: 0,
    }),
    allowedMentions: { parse: [], repliedUser: false },
    ...options.extra,
  });
}
