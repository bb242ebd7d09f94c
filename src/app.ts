import type { ClientOptions } from 'discord.js';
import { buttons, commandDefinitions, commands } from './commands/index.js';
import type { Deps } from './commands/command.js';
import type { Config } from './config.js';
import { parseFeed } from './data/feed/parseFeed.js';
import { Library } from './data/library.js';
import { startBot, type Bot } from './discord/bot.js';
import { createInteractionRouter } from './discord/interactionRouter.js';
import type { Logger } from './logger.js';
import { loadBundledSamples } from './sources/bundledSamples.js';
import { fetchResource } from './sources/fetchResource.js';

/** Builds the running bot from a Config: what index.ts does, and what the end-to-end tests do the same way. */

export async function loadLibrary(config: Config, log: Logger): Promise<Library> {
  const library = new Library();
  for (const { podcast, episodes } of await loadBundledSamples()) library.upsert(podcast, episodes);
  // Feeds from FEEDS are fetched side by side; one that fails is logged and the rest still load.
  await Promise.all(
    config.feeds.map(async (url) => {
      const fetched = await fetchResource(url, { allowPrivateNetwork: config.allowPrivateNetwork });
      if (!fetched.ok) return log.warn({ feed: url, reason: fetched.error }, 'feed not loaded');
      if (fetched.value.status !== 'ok') return;
      const parsed = parseFeed(fetched.value.bytes, {
        feedUrl: fetched.value.finalUrl,
        ...(fetched.value.contentType && { contentType: fetched.value.contentType }),
      });
      if (!parsed.ok) return log.warn({ feed: url, reason: parsed.error }, 'feed not loaded');
      library.upsert(parsed.value.podcast, parsed.value.episodes);
      log.info({ feed: url, episodes: parsed.value.episodes.length }, 'feed loaded');
    }),
  );
  return library;
}

export function depsFor(library: Library, log: Logger, now: () => Date = () => new Date()): Deps {
  return { catalog: library.catalog, search: library.search, log, now };
}

export interface RunningBot {
  bot: Bot;
  library: Library;
  stop(): Promise<void>;
}

export async function startPodcordBot(
  config: Config & { discordToken: string },
  log: Logger,
  options: { library?: Library; clientOptions?: Partial<ClientOptions> } = {},
): Promise<RunningBot> {
  const library = options.library ?? (await loadLibrary(config, log));
  const deps = depsFor(library, log);
  const router = createInteractionRouter({ commands, buttons, deps });
  const bot = await startBot({
    token: config.discordToken,
    apiUrl: config.discordApiUrl,
    ...(config.discordGuildId && { guildId: config.discordGuildId }),
    definitions: commandDefinitions,
    router,
    log,
    ...(options.clientOptions && { clientOptions: options.clientOptions }),
  });
  return { bot, library, stop: () => bot.stop() };
}
