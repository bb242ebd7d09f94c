import { Writable } from 'node:stream';
import { REST } from '@discordjs/rest';
import {
  ApplicationCommandType,
  ButtonStyle,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  type APIInteraction,
} from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { depsFor } from '../../src/app.js';
import type { ButtonHandler, CommandResult, SlashCommand } from '../../src/commands/command.js';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { Library } from '../../src/data/library.js';
import { err, ok } from '../../src/data/model.js';
import { startHttpServer, type HttpServer } from '../../src/http/startHttpServer.js';
import { createInteractionCore } from '../../src/interactions/InteractionCore.js';
import { createLogger } from '../../src/logger.js';
import { Metrics } from '../../src/metrics.js';
import { StoreBusyError } from '../../src/store/StoreBusyError.js';
import { interactionKeyPair, signInteraction, snowflake, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, botMessage, button, chatInput } from '../support/interactions.js';

/**
 * The HTTP interactions endpoint in this process on 127.0.0.1, the fake Discord POSTing signed interactions to it:
 * every response type, the deferred answer edited through @discordjs/rest, what is refused unhandled, health, metrics.
 */

const keys = interactionKeyPair();
let fake: FakeDiscord | undefined;
let server: HttpServer | undefined;
let metrics: Metrics;
/** How many times any handler ran: a refused request must leave it unchanged. */
let handled = 0;

afterEach(async () => {
  await server?.close();
  await fake?.close();
  server = undefined;
  fake = undefined;
});

const quiet = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

function command(name: string, run: () => CommandResult | Promise<CommandResult>, extra: Partial<SlashCommand> = {}): SlashCommand {
  return {
    data: { type: ApplicationCommandType.ChatInput, name, description: name },
    ...extra,
    run() {
      handled++;
      return run();
    },
  };
}

/** A command that answers once `release()` is called (after the endpoint has deferred it). */
function slowCommand(name: string, answer: () => CommandResult, ephemeral?: boolean): SlashCommand & { release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    ...command(name, async () => {
      await gate;
      return answer();
    }),
    ...(ephemeral !== undefined && { ephemeral }),
    release: () => release(),
  };
}

const pager: ButtonHandler = {
  prefix: 'page',
  responds: 'update',
  run: (args) => {
    handled++;
    return ok({ content: `page ${args[0]}` });
  },
};
const show: ButtonHandler = {
  prefix: 'show',
  responds: 'reply',
  run: () => {
    handled++;
    return ok({ content: 'shown' });
  },
};

async function serve(
  commands: SlashCommand[],
  options: { ready?: () => boolean | Promise<boolean>; interactions?: boolean } = {},
): Promise<{ fake: FakeDiscord; server: HttpServer }> {
  handled = 0;
  fake = await startFakeDiscord();
  metrics = new Metrics({ processMetrics: false });
  const core = createInteractionCore({
    commands,
    buttons: [pager, show],
    deps: depsFor(new Library(), quiet),
    scopeFor: () => EVERY_PODCAST,
    observer: metrics,
    deferAfterMs: 300,
  });
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    ...(options.interactions !== false && { interactions: { publicKey: keys.publicKeyHex, core, rest: new REST({ api: fake.apiUrl }) } }),
    ready: options.ready ?? (() => true),
    metrics,
    log: quiet,
  });
  fake.setInteractionsEndpoint({ urls: [`${server.url}/interactions`], privateKey: keys.privateKey });
  return { fake, server };
}

/** A POST as Discord would make it, with the headers given (the body signed with `key`, unless headers say otherwise). */
async function post(body: string, headers: Record<string, string> = {}, key = keys.privateKey): Promise<{ status: number; text: string }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(`${server!.url}/interactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-ed25519': signInteraction(key, body, timestamp), 'x-signature-timestamp': timestamp, ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const NO_MENTIONS = { parse: [], replied_user: false };

describe('the interactions endpoint answers in the HTTP response', () => {
  it('a PING with PONG, and refuses the badly signed PING Discord sends to check', async () => {
    const { fake, server } = await serve([]);
    expect(await fake.verifyEndpoint(`${server.url}/interactions`)).toEqual({ pong: true, refusesBadSignature: true });
  });

  it('a command with CHANNEL_MESSAGE_WITH_SOURCE: public, or ephemeral for a command that declares it', async () => {
    const { fake } = await serve([
      command('quick', () => ok({ content: 'for everyone' })),
      command('settings', () => ok({ content: 'for you' }), { ephemeral: true }),
    ]);
    expect(await fake.sendInteraction(chatInput('quick'))).toEqual({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: 'for everyone', embeds: [], components: [], allowed_mentions: NO_MENTIONS },
    });
    expect(await fake.sendInteraction(chatInput('settings'))).toEqual({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: 'for you', embeds: [], components: [], allowed_mentions: NO_MENTIONS, flags: MessageFlags.Ephemeral },
    });
    expect(fake.messages(fake.channelId).map((m) => m.content)).toEqual(['for everyone', 'for you']);
  });

  it('an expected failure to the asker alone, and an unexpected one or a busy database with the apology', async () => {
    const { fake } = await serve([
      command('missing', () => err('No episode matches "x".')),
      command('broken', () => {
        throw new Error('boom');
      }),
      command('busy', () => {
        throw new StoreBusyError(1000);
      }),
    ]);
    expect(await fake.sendInteraction(chatInput('missing'))).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: '⚠️ No episode matches "x".', flags: MessageFlags.Ephemeral },
    });
    expect(await fake.sendInteraction(chatInput('broken'))).toEqual({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: 'Sorry, something went wrong on our side. It has been logged; please try again in a moment.', flags: MessageFlags.Ephemeral, allowed_mentions: NO_MENTIONS },
    });
    expect(await fake.sendInteraction(chatInput('busy'))).toMatchObject({
      data: { content: expect.stringMatching(/^The database is busy/), flags: MessageFlags.Ephemeral },
    });
  });

  it('a page-turning button with UPDATE_MESSAGE (the message edited in place), another with a new message', async () => {
    const { fake } = await serve([]);
    const message = botMessage({
      content: 'page 1',
      components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: 'page:2', label: 'Next' }] }],
    });
    expect(await fake.sendInteraction(button('page:2', message))).toEqual({
      type: InteractionResponseType.UpdateMessage,
      data: { content: 'page 2', embeds: [], components: [], allowed_mentions: NO_MENTIONS },
    });
    expect(fake.getMessage(message.id)?.content).toBe('page 2');
    expect(await fake.sendInteraction(button('show:1'))).toMatchObject({ type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'shown' } });
  });

  it('autocomplete with APPLICATION_COMMAND_AUTOCOMPLETE_RESULT, clipped to 25 choices of 100 characters', async () => {
    const { fake } = await serve([
      {
        ...command('pick', () => ok({ content: '' })),
        autocomplete: (focused) => Array.from({ length: 30 }, (_, i) => ({ name: `${focused.value} ${'n'.repeat(150)} ${i}`, value: 'v'.repeat(120) })),
      },
    ]);
    const response = await fake.sendInteraction(autocomplete('pick', { query: 'typed' }));
    expect(response.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const choices = (response as { data: { choices: { name: string; value: string }[] } }).data.choices;
    expect(choices).toHaveLength(25);
    for (const choice of choices) {
      expect(choice.name.startsWith('typed n')).toBe(true);
      expect([...choice.name].length).toBeLessThanOrEqual(100);
      expect(choice.value).toBe('v'.repeat(100));
    }
  });

  it('a slow command with DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE (ephemeral when its answers are), then the original edited', async () => {
    const slow = slowCommand('slow', () => ok({ content: 'only for you' }), true);
    const { fake } = await serve([slow]);
    expect(await fake.sendInteraction(chatInput('slow'), 10_000)).toEqual({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    });
    slow.release();
    const edit = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'), 10_000);
    expect(edit.status).toBe(200);
    expect(edit.body).toEqual({ content: 'only for you', embeds: [], components: [], allowed_mentions: NO_MENTIONS });
    expect(fake.messages(fake.channelId).map((m) => [m.content, m.flags])).toEqual([['only for you', MessageFlags.Ephemeral]]);
  });

  it('a slow expected failure after a public deferral: an ephemeral follow-up, the placeholder deleted', async () => {
    const slow = slowCommand('search', () => err('Nothing found for “my private question”.'));
    const { fake } = await serve([slow]);
    expect(await fake.sendInteraction(chatInput('search'), 10_000)).toEqual({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: 0 },
    });
    slow.release();
    await fake.waitForRequest((r) => r.method === 'DELETE' && r.path.endsWith('/messages/@original') && r.status === 204, 10_000);
    const followUp = fake.requests.find((r) => r.method === 'POST' && r.path.startsWith(`/webhooks/${fake.applicationId}/`));
    expect(followUp?.body).toMatchObject({ content: '⚠️ Nothing found for “my private question”.', flags: MessageFlags.Ephemeral });
    expect(fake.requests.some((r) => r.method === 'PATCH')).toBe(false);
    expect(fake.messages(fake.channelId).map((m) => [m.content, m.flags])).toEqual([['⚠️ Nothing found for “my private question”.', MessageFlags.Ephemeral]]);
  });

  it('a slow command that throws: the apology to the asker alone, the public placeholder removed', async () => {
    const slow = slowCommand('broken', () => {
      throw new Error('boom');
    });
    const { fake } = await serve([slow]);
    await fake.sendInteraction(chatInput('broken'), 10_000);
    slow.release();
    await fake.waitForRequest((r) => r.method === 'DELETE' && r.path.endsWith('/messages/@original') && r.status === 204, 10_000);
    expect(fake.messages(fake.channelId).map((m) => [m.content, m.flags])).toEqual([
      ['Sorry, something went wrong on our side. It has been logged; please try again in a moment.', MessageFlags.Ephemeral],
    ]);
  });
});

describe('the interactions endpoint refuses, and handles nothing', () => {
  const interaction = (): APIInteraction => chatInput('quick');

  it('401 without a signature, with a wrong one, a body altered after signing, or another timestamp', async () => {
    await serve([command('quick', () => ok({ content: 'hi' }))]);
    const body = JSON.stringify(interaction());
    expect((await post(body, { 'x-signature-ed25519': '' })).status).toBe(401);
    const bare = await fetch(`${server!.url}/interactions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(bare.status).toBe(401);
    expect((await post(body, {}, interactionKeyPair().privateKey)).status).toBe(401);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = signInteraction(keys.privateKey, body, timestamp);
    const altered = await fetch(`${server!.url}/interactions`, {
      method: 'POST',
      headers: { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
      body: body.replace('"quick"', '"QUICK"'),
    });
    expect(altered.status).toBe(401);
    const retimed = await fetch(`${server!.url}/interactions`, {
      method: 'POST',
      headers: { 'x-signature-ed25519': signature, 'x-signature-timestamp': String(Number(timestamp) + 1) },
      body,
    });
    expect(retimed.status).toBe(401);
    expect(handled).toBe(0);
    expect(fake!.messages(fake!.channelId)).toEqual([]);
    expect(await metrics.text()).toContain('podcord_interaction_requests_rejected_total{reason="signature"} 5');
    // The same body, signed: handled.
    expect((await post(body)).status).toBe(200);
    expect(handled).toBe(1);
  });

  it('400 for a body over 1 MB or not JSON, and for a kind of interaction Podcord has no handler for', async () => {
    await serve([command('quick', () => ok({ content: 'hi' }))]);
    const huge = JSON.stringify({ ...interaction(), padding: 'x'.repeat(1024 * 1024) });
    expect((await post(huge)).status).toBe(400);
    // The same sent in chunks, with no Content-Length to go by.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const chunked = await fetch(`${server!.url}/interactions`, {
      method: 'POST',
      headers: { 'x-signature-ed25519': signInteraction(keys.privateKey, huge, timestamp), 'x-signature-timestamp': timestamp },
      body: new Blob([huge]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(400);
    expect((await post('{"type": 2, "data":')).status).toBe(400);
    expect((await post('"a string"')).status).toBe(400);
    const modal = { ...interaction(), type: InteractionType.ModalSubmit, data: { custom_id: 'm', components: [] } };
    expect((await post(JSON.stringify(modal))).status).toBe(400);
    expect(handled).toBe(0);
    expect(await metrics.text()).toMatch(/podcord_interaction_requests_rejected_total\{reason="body"\} 4[\s\S]*\{reason="unsupported"\} 1/);
  });

  it('404 for other paths, 405 for another method on /interactions', async () => {
    await serve([]);
    expect((await fetch(`${server!.url}/`)).status).toBe(404);
    expect((await fetch(`${server!.url}/interactions`)).status).toBe(405);
  });
});

describe('health and metrics', () => {
  it('/healthz is 503 until ready() says so, and when the check throws or does not answer', async () => {
    let ready: boolean | 'throws' | 'hangs' = false;
    await serve([], {
      ready: () => {
        if (ready === 'throws') throw new Error('the store is unreachable');
        if (ready === 'hangs') return new Promise<boolean>(() => {});
        return ready;
      },
    });
    const health = async (): Promise<[number, string]> => {
      const response = await fetch(`${server!.url}/healthz`);
      return [response.status, await response.text()];
    };
    expect(await health()).toEqual([503, 'not ready\n']);
    ready = true;
    expect(await health()).toEqual([200, 'ok\n']);
    ready = 'throws';
    expect((await health())[0]).toBe(503);
    ready = 'hangs';
    expect((await health())[0]).toBe(503);
  });

  it('/metrics counts interactions by command and outcome, with a latency histogram, in the Prometheus format', async () => {
    const { fake } = await serve([command('quick', () => ok({ content: 'hi' })), command('missing', () => err('no'))]);
    await fake.sendInteraction(chatInput('quick'));
    await fake.sendInteraction(chatInput('quick'));
    await fake.sendInteraction(chatInput('missing'));
    await fake.sendInteraction(chatInput('nosuch'));
    const response = await fetch(`${server!.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('podcord_interactions_total{kind="command",command="quick",outcome="ok"} 2');
    expect(text).toContain('podcord_interactions_total{kind="command",command="missing",outcome="refused"} 1');
    expect(text).toContain('podcord_interactions_total{kind="command",command="unknown",outcome="error"} 1');
    expect(text).toContain('podcord_interaction_duration_seconds_count{kind="command"} 4');
    expect(text).toContain('# TYPE podcord_interaction_duration_seconds histogram');
  });

  it('without an interactions endpoint (a worker): POST /interactions is 404, health and metrics are served', async () => {
    await serve([], { interactions: false });
    expect((await post(JSON.stringify({ type: InteractionType.Ping, id: snowflake(), application_id: '1', token: 't', version: 1 }))).status).toBe(404);
    expect((await fetch(`${server!.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server!.url}/metrics`)).text()).toContain('# TYPE podcord_feeds_checked_total counter');
  });
});
