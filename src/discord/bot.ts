import { Events, RESTEvents, type Client, type ClientOptions } from 'discord.js';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import { createClient } from './createClient.js';
import type { InteractionRouter } from './interactionRouter.js';
import type { RateBudget } from './RateBudget.js';
import { registerCommands } from './registerCommands.js';

export interface BotOptions {
  token: string;
  apiUrl: string;
  guildId?: string;
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[];
  router: InteractionRouter;
  log: Logger;
  /** Tests pass a no-op identify throttler here; production passes nothing. */
  clientOptions?: Partial<ClientOptions>;
  /** This process's share of the token's request budget, which the client's REST requests keep to. */
  budget?: RateBudget;
  /** Runs once the client is ready and commands are registered (the announcer starts here). */
  onReady?: (client: Client<true>) => void | Promise<void>;
}

export interface Bot {
  client: Client<true>;
  /** Finishes in-flight replies, then disconnects. */
  stop(): Promise<void>;
}

/** Logs in, registers the slash commands, and routes every interaction; resolves once serving. */
export async function startBot(options: BotOptions): Promise<Bot> {
  const { log } = options;
  const client = createClient({
    apiUrl: options.apiUrl,
    ...(options.budget && { rest: options.budget.restOptions() }),
    ...(options.clientOptions && { extra: options.clientOptions }),
  });
  options.budget?.attach(client.rest);

  client.on(Events.InteractionCreate, (interaction) => void options.router.handle(interaction));
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (event, shardId) => log.warn({ shardId, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, 'gateway resumed'));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    log.warn({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, 'rate limited by Discord'),
  );
  client.rest.on(RESTEvents.InvalidRequestWarning, (info) =>
    log.warn({ count: info.count, windowLeftMs: info.remainingTime }, 'invalid requests to Discord (401, 403, 429) in 10 minutes; 10,000 get the token banned'),
  );

  const ready = new Promise<Client<true>>((resolve, reject) => {
    client.once(Events.ClientReady, resolve);
    client.once(Events.Invalidated, () => reject(new Error('The Discord session was invalidated.')));
  });
  try {
    await client.login(options.token);
  } catch (error) {
    client.destroy().catch(() => {});
    throw new Error(`Could not log in to Discord: ${describeLoginError(error)}`);
  }
  const readyClient = await ready;
  const registered = await registerCommands({
    token: options.token,
    apiUrl: options.apiUrl,
    applicationId: readyClient.application.id,
    ...(options.guildId && { guildId: options.guildId }),
    definitions: options.definitions,
  });
  log.info({ user: readyClient.user.tag, guilds: readyClient.guilds.cache.size, commands: registered.count, scope: registered.scope }, 'bot ready');
  await options.onReady?.(readyClient);

  return {
    client: readyClient,
    async stop() {
      await options.router.drain();
      await readyClient.destroy();
    },
  };
}

function describeLoginError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/TokenInvalid|invalid token|401/i.test(message)) return 'the token was refused. Check DISCORD_TOKEN in .env.';
  return message;
}
