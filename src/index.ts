import { parseArgs } from 'node:util';
import pc from 'picocolors';
import { depsFor, isLoaded, openServices, startPodcordBot } from './app.js';
import { runConsole } from './cli/console.js';
import { buttons, commandDefinitions, commands } from './commands/index.js';
import { loadConfig } from './config.js';
import { registerCommands } from './discord/registerCommands.js';
import { createLogger } from './logger.js';
import { isSupportedLocale, stringsFor, SUPPORTED_LOCALES } from './messages/strings.js';
import { startWorker } from './roles/worker.js';
import { INTERACTIONS_NEEDS_KEY, startInteractions } from './roles/interactions.js';
import { startGateway } from './roles/gateway.js';
import { storeIsReachable } from './roles/storeIsReachable.js';
import { interactionCoreFor } from './app.js';
import { startHttpServer, type HttpServer } from './http/startHttpServer.js';
import { Metrics } from './metrics.js';
import { REST } from 'discord.js';
import { databaseUrlSecrets } from './store/databaseUrl.js';

/**
 * Composition root: config -> logger -> library -> Discord bot (role all, or a worker: see src/roles), or the local
 * console when there is no token.
 */

const HELP = `Podcord: a Discord bot for podcast communities.

Usage:
  npm start                     run the bot (DISCORD_TOKEN set) or, without a token, the local console
  npm start -- --role worker    a worker beside the bot: polls feeds and posts announcements (PostgreSQL only)
  npm start -- --role interactions   an HTTP interactions endpoint replica (PostgreSQL, DISCORD_PUBLIC_KEY)
  npm start -- --role gateway   the sharded gateway: guilds joining and leaving (PostgreSQL; SHARD_COUNT, SHARD_IDS)
  npm start -- --console        the local console even when a token is set
  npm run deploy-commands       register the slash commands and exit
  npm start -- --help           this text

Options:
  --role <role>      all (default): the whole bot, gateway included: commands, guilds joining and leaving, polling
                     and announcing; worker: polling and announcing only, over Discord's REST API, beside one
                     --role all process and any number of other workers on one PostgreSQL (see README, Running at scale);
                     interactions: answers the commands Discord POSTs to the Interactions Endpoint URL (any number of
                     replicas); gateway: the gateway connection, sharded (SHARD_COUNT, SHARD_IDS), guilds joining and
                     leaving, and commands when no endpoint URL is set; it neither polls nor announces (workers do).
                     Every role serves GET /healthz and GET /metrics on INTERACTIONS_PORT; all and interactions also
                     POST /interactions (all only when DISCORD_PUBLIC_KEY is set)
  --console          run the local console on the sample data and what the database holds (no Discord needed)
  --locale <tag>     console language: en-US (default) or sv-SE; any other falls back to English (the console says so)
  --no-colour        plain console output (so does NO_COLOR in the environment; FORCE_COLOR colours a pipe)
  --deploy-commands  register the slash commands (in DISCORD_GUILD_ID if set, else globally) and exit

Configuration comes from the environment or .env (see .env.example):
  DISCORD_TOKEN, DISCORD_API_URL, DISCORD_GUILD_ID, DISCORD_PUBLIC_KEY, INTERACTIONS_PORT, DATABASE_URL, FEEDS,
  POLL_INTERVAL_SECONDS, ALLOW_PRIVATE_NETWORK, LEASE_SECONDS, DISCORD_REQUESTS_PER_SECOND, SHARD_COUNT, SHARD_IDS,
  SEMANTIC_SEARCH, LOG_LEVEL`;

const ROLES = ['all', 'worker', 'interactions', 'gateway'] as const;

/** How long a bot that must stop (its database file is gone) may take to finish what it was doing. */
const FATAL_STOP_MS = 10_000;

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean', short: 'h' },
        console: { type: 'boolean' },
        locale: { type: 'string', default: 'en-US' },
        'no-colour': { type: 'boolean' },
        'no-color': { type: 'boolean' },
        'deploy-commands': { type: 'boolean' },
        role: { type: 'string', default: 'all' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}\n`);
    return 1;
  }
  if (args.values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const role = args.values.role;
  if (!(ROLES as readonly string[]).includes(role)) {
    process.stderr.write(`--role must be all, worker, interactions or gateway, not ${JSON.stringify(role)}.\n\n${HELP}\n`);
    return 1;
  }

  const config = loadConfig();
  if (!config.ok) {
    process.stderr.write(`${config.error}\nSee .env.example for every setting.\n`);
    return 1;
  }
  const { discordToken } = config.value;
  if (role !== 'all' && (args.values.console === true || discordToken === undefined)) {
    process.stderr.write(`--role ${role} talks to Discord: it needs DISCORD_TOKEN (in .env or the environment) and no --console.\n`);
    return 1;
  }
  const publicKey = config.value.discordPublicKey;
  if (role === 'interactions' && publicKey === undefined) {
    process.stderr.write(`${INTERACTIONS_NEEDS_KEY}\n`);
    return 1;
  }
  const consoleMode = args.values.console === true || discordToken === undefined;
  // In the console the terminal is the interface: only warnings and errors go to the log (stderr).
  const log = createLogger({
    level: consoleMode && config.value.logLevel === 'info' ? 'warn' : config.value.logLevel,
    secrets: [...(discordToken ? [discordToken] : []), ...databaseUrlSecrets(config.value.databaseUrl)],
  });

  if (args.values['deploy-commands']) {
    if (!discordToken) {
      process.stderr.write('Registering commands needs DISCORD_TOKEN (in .env or the environment).\n');
      return 1;
    }
    const registered = await registerCommands({
      token: discordToken,
      apiUrl: config.value.discordApiUrl,
      ...(config.value.discordGuildId && { guildId: config.value.discordGuildId }),
      definitions: commandDefinitions,
    });
    process.stdout.write(`Registered ${registered.count} commands (${registered.scope}).\n`);
    return 0;
  }

  if (consoleMode || discordToken === undefined) {
    // The console uses the same store and library as the bot (stored podcasts, FEEDS), but nothing polls or posts.
    const services = await openServices(config.value, log);
    await services.loaded;
    const { podcasts, episodes } = services.library.catalog.size;
    // picocolors decides as terminal programs do: NO_COLOR (any value) turns colour off, FORCE_COLOR on, and
    // otherwise colour only on a terminal that is not TERM=dumb.
    const colour = pc.isColorSupported && !args.values['no-colour'] && !args.values['no-color'];
    // A language the bot cannot answer in is answered in English, and the console says so rather than pretending.
    const asked = args.values.locale;
    const locale = isSupportedLocale(asked) ? asked : 'en-US';
    const s = stringsFor(locale);
    try {
      const consoleRun = runConsole({
        commands,
        buttons,
        deps: depsFor(services.library, log, () => new Date(), services.feeds),
        input: process.stdin,
        output: process.stdout,
        colour,
        locale,
        banner: [
          ...(locale === asked ? [] : [s.localeFallback(asked, SUPPORTED_LOCALES.join(', '))]),
          s.consoleBanner(podcasts, episodes, discordToken === undefined),
          s.consoleTry,
          s.consoleKeys,
        ].join('\n'),
      });
      const fatal = services.fatal.then((reason) => Promise.reject(new Error(reason)));
      await Promise.race([consoleRun, fatal]);
    } finally {
      await services.close();
    }
    return 0;
  }

  // Signals are heard from here on, before the role has started: a supervisor may stop a process it has just
  // started (a restart, a deploy). Without a listener the signal would kill it half-started, holding leases and
  // claims until they expire; instead it finishes starting (the bot already answers while its library loads) and then
  // stops as it would at any other time. `on`, not
  // `once`: a signal often arrives twice (Ctrl-C or a supervisor signals the whole process group, and npm forwards
  // its own copy to this process too), and a second one without a listener would kill the process mid-stop.
  let signalled: string | undefined;
  let onSignal: ((signal: string) => void) | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (signalled === undefined && onSignal === undefined) log.info({ signal }, 'stopping as soon as start-up is done');
      signalled ??= signal;
      onSignal?.(signalled);
    });
  }

  const settings = { ...config.value, discordToken };
  // Every role serves GET /healthz and GET /metrics on INTERACTIONS_PORT; `interactions` starts its own server (with
  // POST /interactions), the others get one here once started (ready = the catalogue and topic index loaded and the store reachable).
  const metrics = new Metrics({ labels: { role } });
  let http: HttpServer | undefined;
  let running;
  if (role === 'interactions') {
    running = await startInteractions({ ...settings, discordPublicKey: publicKey as string }, log);
  } else {
    running =
      role === 'worker'
        ? await startWorker(settings, log, { metrics })
        : role === 'gateway'
          ? await startGateway(settings, log, { metrics })
          : await startPodcordBot(settings, log, { metrics });
    const { services } = running;
    // `all` with DISCORD_PUBLIC_KEY is the single-process way to use an Interactions Endpoint URL (SQLite included).
    const endpoint =
      role === 'all' && publicKey !== undefined
        ? { publicKey, core: interactionCoreFor(services, log, { observer: metrics }), rest: new REST({ api: config.value.discordApiUrl }) }
        : undefined;
    try {
      http = await startHttpServer({
        port: config.value.interactionsPort,
        ...(endpoint && { interactions: endpoint }),
        ready: () => isLoaded(services) && storeIsReachable(services.store),
        metrics,
        log,
      });
    } catch (error) {
      await running.stop();
      throw new Error(`Could not serve HTTP on INTERACTIONS_PORT ${config.value.interactionsPort}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // The HTTP server stops first: a load balancer sees the port close and sends no more, the role then finishes the rest.
  const server = http;
  const stopRole = running.stop.bind(running);
  running = {
    ...running,
    async stop() {
      await server?.close();
      await stopRole();
    },
  };
  // A worker has no gateway to lose.
  const gatewayFatal = 'bot' in running ? running.bot.fatal : undefined;
  // Serves until a signal, or until something makes serving impossible: Discord closed the gateway for good (nothing
  // more would be heard) or the database file is gone (what users are told was saved would be lost). Then the process
  // stops with 1 for its supervisor to see, rather than live on deaf, or end quietly with 0.
  const reason = await new Promise<{ signal: string } | { fatal: string; code?: number }>((resolve) => {
    onSignal = (signal) => resolve({ signal });
    if (signalled !== undefined) onSignal(signalled);
    void gatewayFatal?.then((fatal) => resolve({ fatal: fatal.message, code: fatal.code }));
    // Logged where it was noticed.
    void running.services.fatal.then((fatal) => resolve({ fatal }));
  });
  log.info('signal' in reason ? { signal: reason.signal } : { code: reason.code }, 'shutting down: finishing replies in flight');
  // A stop that waits on a vanished database or a dead gateway must not hang the exit.
  const gaveUp = new Promise<void>((done) => setTimeout(done, FATAL_STOP_MS).unref());
  const stopped = running.stop().catch((error: unknown) => log.error({ err: error }, 'shutdown did not finish cleanly'));
  await ('fatal' in reason ? Promise.race([stopped, gaveUp]) : stopped);
  if ('fatal' in reason) throw new Error(reason.fatal);
  log.info('shutdown complete');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Podcord stopped: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
