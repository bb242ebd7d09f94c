import { Events, type Client, type ClientOptions } from 'discord.js';
import { GatewayCloseCodes, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import { createClient } from './createClient.js';
import type { InteractionRouter } from './interactionRouter.js';
import { logRestWarnings } from './logRestWarnings.js';
import { commandScope, commandsAreRegistered, registerCommands } from './registerCommands.js';

export interface BotOptions {
  token: string;
  apiUrl: string;
  guildId?: string;
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[];
  router: InteractionRouter;
  log: Logger;
  /** Tests pass a no-op identify throttler here; production passes nothing. */
  clientOptions?: Partial<ClientOptions>;
  /** Runs once the client is ready and commands are registered (the announcer starts here). */
  onReady?: (client: Client<true>) => void | Promise<void>;
}

export interface Bot {
  client: Client<true>;
  /**
   * Settles if Discord closes the gateway for good (4004, 4010-4014): discord.js does not reconnect after those, so the
   * bot would hear nothing more. Never settles otherwise. Whoever runs the bot stops it then (index.ts exits 1).
   */
  fatal: Promise<FatalGatewayClose>;
  /** Finishes in-flight replies, then disconnects. */
  stop(): Promise<void>;
}

export interface FatalGatewayClose {
  code: number;
  /** What happened and what to do, for an operator; never the token. */
  message: string;
}

/** Close codes after which Discord will not take the connection back: what each is, and what an operator can do. */
const FATAL_CLOSES: Partial<Record<number, [what: string, advice: string]>> = {
  [GatewayCloseCodes.AuthenticationFailed]: ['authentication failed', 'the token was refused. Check DISCORD_TOKEN in .env.'],
  [GatewayCloseCodes.InvalidShard]: ['invalid shard', 'the shard settings were refused.'],
  [GatewayCloseCodes.ShardingRequired]: ['sharding required', 'the bot is in too many servers for one connection. Run the gateway as --role gateway, sharded (SHARD_COUNT; README, Running at scale).'],
  [GatewayCloseCodes.InvalidAPIVersion]: ['invalid API version', 'this discord.js is too old for the gateway. Update the dependencies.'],
  [GatewayCloseCodes.InvalidIntents]: ['invalid intents', 'the intents the bot asked for were refused.'],
  [GatewayCloseCodes.DisallowedIntents]: [
    'disallowed intents',
    'the bot asked for a privileged intent it is not allowed. Enable it for the application in the Developer Portal.',
  ],
};

/** The fatal close a code means, or undefined for one after which the client resumes or reconnects by itself. */
export function fatalGatewayClose(code: number): FatalGatewayClose | undefined {
  const meaning = FATAL_CLOSES[code];
  if (meaning === undefined) return undefined;
  return { code, message: `Discord closed the gateway connection with ${code} (${meaning[0]}): ${meaning[1]}` };
}

/** Logs in, registers the slash commands, and routes every interaction; resolves once serving. */
export async function startBot(options: BotOptions): Promise<Bot> {
  const { log } = options;
  const client = createClient({
    apiUrl: options.apiUrl,
    ...(options.clientOptions && { extra: options.clientOptions }),
  });

  client.on(Events.InteractionCreate, (interaction) => void options.router.handle(interaction));
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord client warning'));
  let closedForGood: (close: FatalGatewayClose) => void = () => {};
  const fatal = new Promise<FatalGatewayClose>((resolve) => (closedForGood = resolve));
  // discord.js emits ShardDisconnect only for the closes it will not recover from (its other closes resume or
  // reconnect, as ShardReconnecting); which of them are fatal is decided here, by code, all the same.
  client.on(Events.ShardDisconnect, (event, shardId) => {
    const close = fatalGatewayClose(event.code);
    if (close === undefined) {
      log.warn({ shardId, code: event.code }, 'gateway disconnected');
      return;
    }
    log.error({ shardId, code: event.code }, close.message);
    closedForGood(close);
  });
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, 'gateway resumed'));
  logRestWarnings(client.rest, log);

  // (Events.Invalidated, which this once waited for too, is never emitted by discord.js 14.28: a fatal close is.)
  const ready = new Promise<Client<true>>((resolve, reject) => {
    client.once(Events.ClientReady, resolve);
    void fatal.then((close) => reject(new Error(close.message)));
  });
  ready.catch(() => {}); // awaited below unless login fails first
  try {
    await client.login(options.token);
  } catch (error) {
    client.destroy().catch(() => {});
    throw new Error(`Could not log in to Discord: ${describeLoginError(error)}`);
  }
  let readyClient: Client<true>;
  try {
    readyClient = await ready;
  } catch (error) {
    client.destroy().catch(() => {});
    throw error;
  }
  // Registered only when Discord's differ from ours (a new version, a first start): `deploy-commands` always registers.
  const unchanged = await commandsAreRegistered(readyClient.application, options.definitions, options.guildId);
  const registered = unchanged
    ? { scope: commandScope(options.guildId), count: options.definitions.length }
    : await registerCommands({
        token: options.token,
        apiUrl: options.apiUrl,
        applicationId: readyClient.application.id,
        ...(options.guildId && { guildId: options.guildId }),
        definitions: options.definitions,
      });
  log.info(
    { user: readyClient.user.tag, guilds: readyClient.guilds.cache.size, commands: registered.count, scope: registered.scope, registered: !unchanged },
    'bot ready',
  );
  await options.onReady?.(readyClient);

  return {
    client: readyClient,
    fatal,
    async stop() {
      await options.router.drain();
      await readyClient.destroy();
    },
  };
}

function describeLoginError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // 'Authentication failed': the gateway closed with 4004 while identifying.
  if (/TokenInvalid|invalid token|401|Authentication failed/i.test(message)) return 'the token was refused. Check DISCORD_TOKEN in .env.';
  return message;
}
