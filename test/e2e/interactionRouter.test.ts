import { Writable } from 'node:stream';
import { ApplicationCommandType, InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { Client, Events, GatewayIntentBits, type ClientOptions } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { depsFor } from '../../src/app.js';
import type { ButtonHandler, CommandResult, SlashCommand } from '../../src/commands/command.js';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { Library } from '../../src/data/library.js';
import { err, ok } from '../../src/data/model.js';
import { createInteractionRouter } from '../../src/discord/interactionRouter.js';
import { createInteractionCore } from '../../src/interactions/InteractionCore.js';
import { createLogger } from '../../src/logger.js';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, botMessage, button, chatInput } from '../support/interactions.js';

/**
 * Who sees a slow answer: the router defers after 2 s. A command whose answers are all ephemeral defers ephemerally;
 * an answer meant for the asker alone after a public deferral (an expected failure, or the apology for an unexpected
 * one) is sent to them alone and the public placeholder is removed.
 */

let fake: FakeDiscord;
let client: Client;
const noIdentifyThrottle: ClientOptions['ws'] = { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) };

/** A command that answers after `release()` is called (the test calls it once the router has deferred). */
function slowCommand(name: string, answer: () => CommandResult, ephemeral?: boolean): SlashCommand & { release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    data: { type: ApplicationCommandType.ChatInput, name, description: name },
    ...(ephemeral !== undefined && { ephemeral }),
    release: () => release(),
    async run() {
      await gate;
      return answer();
    },
  };
}

beforeEach(async () => {
  fake = await startFakeDiscord();
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl }, ws: noIdentifyThrottle });
});

afterEach(async () => {
  await client.destroy();
  await fake.close();
});

async function serve(commands: SlashCommand[], buttons: ButtonHandler[] = []): Promise<void> {
  const log = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  const core = createInteractionCore({ commands, buttons, deps: depsFor(new Library(), log), scopeFor: () => EVERY_PODCAST });
  const router = createInteractionRouter({ core });
  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  await ready;
}

const isPublic = (m: { flags?: number }): boolean => ((m.flags ?? 0) & MessageFlags.Ephemeral) === 0;

describe('a slow answer', () => {
  it('of a command whose answers are ephemeral is deferred ephemerally, whatever its handler returns', async () => {
    const settings = slowCommand('settings', () => ok({ content: 'only for you' }), true);
    await serve([settings]);
    const callback = await fake.sendInteraction(chatInput('settings'), 10_000);
    expect(callback).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    settings.release();
    await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'), 10_000);
    expect(fake.messages(fake.channelId).map((m) => [m.content, isPublic(m)])).toEqual([['only for you', false]]);
  });

  it('that is an expected failure after a public deferral goes to the asker alone, and the placeholder is removed', async () => {
    const search = slowCommand('search', () => err('Nothing found for “my private question”.'));
    await serve([search]);
    const callback = await fake.sendInteraction(chatInput('search'), 10_000);
    expect(callback).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: 0 } });
    search.release();
    await fake.waitForRequest((r) => r.method === 'DELETE' && r.path.endsWith('/messages/@original'), 10_000);
    const followUp = fake.requests.find((r) => r.method === 'POST' && r.path.startsWith(`/webhooks/${fake.applicationId}/`));
    expect(followUp?.body).toMatchObject({ content: '⚠️ Nothing found for “my private question”.', flags: MessageFlags.Ephemeral });
    expect(fake.requests.some((r) => r.method === 'PATCH')).toBe(false);
    expect(fake.messages(fake.channelId).map((m) => [m.content, isPublic(m)])).toEqual([['⚠️ Nothing found for “my private question”.', false]]);
  });

  it('that throws after a public deferral: the apology goes to the asker alone, and the placeholder is removed', async () => {
    const broken = slowCommand('broken', () => {
      throw new Error('boom');
    });
    await serve([broken]);
    await fake.sendInteraction(chatInput('broken'), 10_000);
    broken.release();
    await fake.waitForRequest((r) => r.method === 'DELETE' && r.path.endsWith('/messages/@original'), 10_000);
    expect(fake.messages(fake.channelId).map((m) => [m.content, isPublic(m)])).toEqual([
      ['Sorry, something went wrong on our side. It has been logged; please try again in a moment.', false],
    ]);
  });

  it('that is public stays an edit of the public deferral', async () => {
    const latest = slowCommand('latest', () => ok({ content: 'for everyone' }));
    await serve([latest]);
    await fake.sendInteraction(chatInput('latest'), 10_000);
    latest.release();
    await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'), 10_000);
    expect(fake.messages(fake.channelId).map((m) => [m.content, isPublic(m)])).toEqual([['for everyone', true]]);
  });
});

describe('every answer', () => {
  it('leaves through discord.js: its REST client sends replies, page turns and choices, and retries a 500', async () => {
    const quick: SlashCommand = {
      data: { type: ApplicationCommandType.ChatInput, name: 'quick', description: 'quick' },
      run: () => ok({ content: 'at once' }),
      autocomplete: () => [{ name: 'One', value: '1' }],
    };
    const pager: ButtonHandler = { prefix: 'page', responds: 'update', run: (args) => ok({ content: `page ${args[0]}` }) };
    await serve([quick], [pager]);
    fake.failNext('POST', /\/callback$/, { status: 500 });
    expect(await fake.sendInteraction(chatInput('quick'), 10_000)).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: 'at once', allowed_mentions: { parse: [], replied_user: false } },
    });
    expect(await fake.sendInteraction(button('page:2', botMessage({ content: 'page 1' })))).toMatchObject({
      type: InteractionResponseType.UpdateMessage,
      data: { content: 'page 2' },
    });
    expect(await fake.sendInteraction(autocomplete('quick', { query: 'o' }))).toEqual({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: [{ name: 'One', value: '1' }] },
    });
    const callbacks = fake.requests.filter((r) => r.path.endsWith('/callback'));
    expect(callbacks.map((r) => r.status)).toEqual([500, 204, 204, 204]);
    for (const request of callbacks) expect(request.headers['user-agent']).toMatch(/discord\.js\/14\./);
  });
});
