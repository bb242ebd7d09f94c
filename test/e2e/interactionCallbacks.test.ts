import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, type ClientOptions, type Interaction } from 'discord.js';
import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { InteractionCallbacks } from '../../src/discord/InteractionCallbacks.js';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, botMessage, button, chatInput } from '../support/interactions.js';

/** The callbacks the router sends itself, through the real discord.js client: bodies, retries, and discord.js's flags. */

let fake: FakeDiscord;
let client: Client;
let callbacks: InteractionCallbacks;
let handle: (interaction: Interaction) => Promise<void>;
const errors: unknown[] = [];
const noIdentifyThrottle: ClientOptions['ws'] = { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) };

beforeEach(async () => {
  fake = await startFakeDiscord();
  callbacks = new InteractionCallbacks(fake.apiUrl);
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl }, ws: noIdentifyThrottle });
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction).catch((error: unknown) => errors.push(error)));
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  await ready;
});

afterEach(async () => {
  await client.destroy();
  await callbacks.close();
  await fake.close();
  expect(errors).toEqual([]);
});

describe('InteractionCallbacks', () => {
  it('replies, and leaves discord.js knowing it did: a follow-up goes to the webhook', async () => {
    let seen: { replied: boolean; ephemeral: boolean | null } | undefined;
    handle = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await callbacks.reply(interaction, { content: 'hello', flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } });
      seen = { replied: interaction.replied, ephemeral: interaction.ephemeral };
      await interaction.followUp({ content: 'and more' });
    };
    const callback = await fake.sendInteraction(chatInput('ping'));
    expect(callback).toEqual({ type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'hello', flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } } });
    const followUp = await fake.waitForRequest((r) => r.method === 'POST' && r.path.startsWith(`/webhooks/${fake.applicationId}/`));
    expect(followUp.body).toMatchObject({ content: 'and more' });
    expect(seen).toEqual({ replied: true, ephemeral: true });
  });

  it('turns a page in place, and answers autocomplete marking it responded', async () => {
    let responded: boolean | undefined;
    handle = async (interaction) => {
      if (interaction.isButton()) await callbacks.update(interaction, { content: 'page 2' });
      if (interaction.isAutocomplete()) {
        await callbacks.choices(interaction, [{ name: 'One', value: '1' }]);
        responded = interaction.responded;
      }
    };
    const message = botMessage({ content: 'page 1' });
    const update = await fake.sendInteraction(button('pager:2', message));
    expect(update).toEqual({ type: InteractionResponseType.UpdateMessage, data: { content: 'page 2' } });
    const choices = await fake.sendInteraction(autocomplete('chapters', { episode: 'o' }));
    expect(choices).toEqual({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [{ name: 'One', value: '1' }] } });
    await expect.poll(() => responded).toBe(true);
  });

  it('retries after a 429 (Retry-After) and a 500, and reports a refusal as an error', async () => {
    fake.failNext('POST', /\/callback$/, { status: 429, retryAfter: 0.05 });
    fake.failNext('POST', /\/callback$/, { status: 500 });
    let failure: unknown;
    handle = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      if (interaction.commandName === 'twice') {
        await callbacks.reply(interaction, { content: 'first' });
        await callbacks.reply(interaction, { content: 'second' }).catch((error: unknown) => (failure = error));
      } else {
        await callbacks.reply(interaction, { content: 'made it' });
      }
    };
    expect(await fake.sendInteraction(chatInput('ping'), 5000)).toMatchObject({ data: { content: 'made it' } });
    expect(fake.requests.filter((r) => r.path.endsWith('/callback')).map((r) => r.status)).toEqual([429, 500, 204]);
    await fake.sendInteraction(chatInput('twice'));
    await fake.waitForRequest((r) => r.status === 400);
    await expect.poll(() => String(failure)).toMatch(/400.*already been acknowledged/);
  });
});
