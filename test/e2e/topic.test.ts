import {
  InteractionResponseType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, botMessage, button, chatInput } from '../support/interactions.js';
import { data, episode, episodes, startFeedHost, startTestBot, type FeedHost, type StartedBot } from '../integration/support.js';

/**
 * /topic through the whole bot: the real discord.js client against the fake Discord, feeds (FEEDS) and their
 * transcripts served over HTTP on 127.0.0.1 and fetched by the real poller at start, SQLite, the real index.
 */

let fake: FakeDiscord;
let host: FeedHost;
let bot: StartedBot;

// OURS: a WebVTT transcript whose "zeppelin" cue starts at 1:51, inside a window that starts at 1:40.
const VTT = `WEBVTT

00:01:40.000 --> 00:01:44.000
<v Ada>Welcome back, we were talking about the weather.

00:01:44.000 --> 00:01:51.000
<v Ada>Rain all week, and then some.

00:01:51.000 --> 00:01:58.000
<v Ben>Then a zeppelin floated over the harbour, silent and enormous.

00:01:58.000 --> 00:02:05.000
<v Ada>Nobody in town had seen one before.
`;

beforeAll(async () => {
  fake = await startFakeDiscord();
  host = await startFeedHost();
  host.files.set('/transcripts/talk-2.vtt', ['text/vtt', VTT]);
  host.feeds.set('/talk.xml', {
    title: 'Transcribed Talk',
    episodes: [
      episode('talk', 1),
      {
        ...episode('talk', 2),
        title: 'Airships and weather',
        transcripts: [
          { url: host.url('/transcripts/talk-2.html'), type: 'text/html' },
          { url: host.url('/transcripts/talk-2.vtt'), type: 'text/vtt', language: 'en' },
        ],
      },
      // A transcript that is not there must not keep the feed out.
      { ...episode('talk', 3), transcripts: [{ url: host.url('/transcripts/missing.srt'), type: 'application/srt' }] },
    ],
  });
  host.feeds.set('/other.xml', { title: 'Other Show', episodes: episodes('other', 6) });
  bot = await startTestBot(fake, { FEEDS: `${host.url('/talk.xml')},${host.url('/other.xml')}` });
});

afterAll(async () => {
  await bot.running.stop();
  await fake.close();
  await host.close();
  expect(fake.unknownRequests).toEqual([]);
});

type Button = APIButtonComponentWithCustomId;
const buttonsOf = (d: APIInteractionResponseCallbackData): Button[] =>
  ((d.components ?? []) as APIActionRowComponent<Button>[]).flatMap((row) => row.components);

async function topic(options: Record<string, string>): Promise<APIInteractionResponseCallbackData> {
  return data(await fake.sendInteraction(chatInput('topic', options)));
}

describe('/topic end to end', () => {
  it('fetched the chosen transcript at start (VTT over HTML) and skipped the missing one without losing the feed', () => {
    expect(host.requests.get('/transcripts/talk-2.vtt')).toBe(1);
    expect(host.requests.get('/transcripts/talk-2.html')).toBeUndefined();
    expect(host.requests.get('/transcripts/missing.srt')).toBe(1);
    expect(bot.running.library.catalog.episodes(host.url('/talk.xml'))).toHaveLength(3);
    expect(bot.logs.join('')).toContain('transcript not fetched');
  });

  it('answers with a timestamp link to the second of the transcript cue that holds the words', async () => {
    const reply = await topic({ query: 'zeppelin harbour' });
    const field = reply.embeds?.[0]?.fields?.[0];
    expect(field?.name).toBe('Airships and weather — Transcribed Talk');
    expect(field?.value).toContain(`[\`1:51\`](${host.url('/audio/talk-2.mp3')}#t=111)`);
    expect(field?.value).toContain('transcript');
    expect(field?.value).toMatch(/\*\*zeppelin\*\*.*\*\*harbour\*\*/);
  });

  it('completes the query from the index as it is typed', async () => {
    const callback = await fake.sendInteraction(autocomplete('topic', { query: 'zepp' }, { focused: 'query' }));
    expect(callback.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const choices = (data(callback) as { choices?: { name: string; value: string }[] }).choices ?? [];
    expect(choices[0]).toEqual({ name: 'zeppelin', value: 'zeppelin' });
  });

  it('pages through more results with buttons that update the message in place', async () => {
    const first = await topic({ query: 'the middle' });
    expect(first.embeds?.[0]?.fields).toHaveLength(5);
    expect(first.embeds?.[0]?.footer?.text).toBe('Page 1');
    const next = buttonsOf(first).find((b) => b.custom_id.startsWith('topic:1:'));
    expect(next?.custom_id).toBe('topic:1:-:the middle');
    const clicked = await fake.sendInteraction(button(next!.custom_id, botMessage({ embeds: first.embeds ?? [] })));
    expect(clicked.type).toBe(InteractionResponseType.UpdateMessage);
    const second = data(clicked);
    expect(second.embeds?.[0]?.footer?.text).toBe('Page 2');
    const names = (page: APIInteractionResponseCallbackData) => (page.embeds?.[0]?.fields ?? []).map((f) => `${f.name} ${f.value.split('\n')[0]}`);
    expect(names(second).some((n) => names(first).includes(n))).toBe(false);
    // A chapter hit lands on the chapter's start.
    expect(second.embeds?.[0]?.fields?.[0]?.value).toMatch(/^\[`5:00`\]\(.*#t=300\)/);
  });

  it('keeps to one podcast when the podcast option is given', async () => {
    const reply = await topic({ query: 'the middle', podcast: 'Other Show' });
    const fields = reply.embeds?.[0]?.fields ?? [];
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.every((f) => f.name.endsWith('— Other Show'))).toBe(true);
    const next = buttonsOf(reply).find((b) => b.custom_id.startsWith('topic:1:'));
    const second = data(await fake.sendInteraction(button(next!.custom_id, botMessage({ embeds: reply.embeds ?? [] }))));
    expect((second.embeds?.[0]?.fields ?? []).every((f) => f.name.endsWith('— Other Show'))).toBe(true);
  });

  it('offers "did you mean" only to the asker when a misspelt query finds nothing', async () => {
    const reply = await topic({ query: 'zepelinn' });
    expect(reply.flags).toBe(MessageFlags.Ephemeral);
    expect(reply.content).toContain('**zeppelin**');
  });
});
