import type { ButtonHandler, SlashCommand } from './command.js';
import { announce } from './announce.js';
import { chapters, chaptersPager, episodeChaptersButton } from './chapters.js';
import { episode } from './episode.js';
import { feed } from './feed.js';
import { helpCommand } from './help.js';
import { latest } from './latest.js';
import { topic, topicPager } from './topic.js';

/** Every slash command, listed explicitly: what is here is what Discord registers. */
const listenerCommands: readonly SlashCommand[] = [chapters, topic, episode, latest];

/** Manage Server only: following feeds and setting up announcements. */
const adminCommands: readonly SlashCommand[] = [feed, announce];

export const commands: readonly SlashCommand[] = [...listenerCommands, helpCommand(listenerCommands, adminCommands), ...adminCommands];

export const buttons: readonly ButtonHandler[] = [chaptersPager, episodeChaptersButton, topicPager];

export const commandDefinitions = commands.map((c) => c.data);
