import { InteractionResponseType, Locale, type APIEmbedField } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, chatInput } from '../support/interactions.js';
import { data, startFeedHost, startTestBot, type FeedHost, type StartedBot } from '../integration/support.js';

/**
 * Guests, hosts and soundbites (podcast:person, podcast:soundbite) through the whole bot: a feed served over HTTP on
 * 127.0.0.1 and fetched by the real poller at start, SQLite, the real index, the real discord.js client against the
 * fake Discord: /episode shows them, /topic and autocomplete find episodes by a guest's name, /topic finds soundbites.
 */

let fake: FakeDiscord;
let host: FeedHost;
let bot: StartedBot;

// OURS: a small hand-written feed. The channel names the host; one item its own guests (replacing the host), one
// nobody (so the host), one another guest. A guest's name tries markdown and a mention.
const feed = (url: (path: string) => string): string => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel>
  <title>Open Conversations</title>
  <link>https://example.com/open</link>
  <podcast:person role="host" href="https://example.com/pat">Pat Host</podcast:person>
  <item>
    <title>The case for open models</title>
    <guid>open-1</guid>
    <pubDate>Wed, 06 May 2026 10:00:00 GMT</pubDate>
    <enclosure url="${url('/audio/open-1.mp3')}" type="audio/mpeg" length="1000"/>
    <description>We talk about models, weights and licences.</description>
    <podcast:person role="guest" group="cast" href="https://example.com/raffi">Raffi Krikorian</podcast:person>
    <podcast:person role="Guest">**@everyone** [click](https://evil.example)</podcast:person>
    <podcast:soundbite startTime="1234.5" duration="42.0">Why open weights matter</podcast:soundbite>
    <podcast:soundbite startTime="73" duration="60"/>
  </item>
  <item>
    <title>Housekeeping</title>
    <guid>open-2</guid>
    <pubDate>Wed, 13 May 2026 10:00:00 GMT</pubDate>
    <enclosure url="${url('/audio/open-2.mp3')}" type="audio/mpeg" length="1000"/>
    <description>Letters from listeners.</description>
  </item>
  <item>
    <title>Engines of thought</title>
    <guid>open-3</guid>
    <pubDate>Wed, 20 May 2026 10:00:00 GMT</pubDate>
    <enclosure url="${url('/audio/open-3.mp3')}" type="audio/mpeg" length="1000"/>
    <description>A conversation about early computing.</description>
    <podcast:person role="guest">Ada Lovelace</podcast:person>
  </item>
</channel>
</rss>`;

beforeAll(async () => {
  fake = await startFakeDiscord();
  host = await startFeedHost();
  host.files.set('/open.xml', ['application/rss+xml', feed((path) => host.url(path))]);
  bot = await startTestBot(fake, { FEEDS: host.url('/open.xml') });
});

afterAll(async () => {
  await bot.running.stop();
  await fake.close();
  await host.close();
  expect(fake.unknownRequests).toEqual([]);
});

async function fieldsOf(command: string, options: Record<string, string>, locale?: Locale): Promise<APIEmbedField[]> {
  const reply = data(await fake.sendInteraction(chatInput(command, options, locale === undefined ? {} : { locale })));
  return reply.embeds?.[0]?.fields ?? [];
}

const field = (fields: readonly APIEmbedField[], name: string): string | undefined => fields.find((f) => f.name === name)?.value;

describe('guests, hosts and soundbites end to end', () => {
  it('/episode lists the guests linked to their pages and the soundbites as links to their second, escaped', async () => {
    const fields = await fieldsOf('episode', { episode: 'case for open models' });
    expect(field(fields, 'Guests and hosts')).toBe(
      '[Raffi Krikorian](https://example.com/raffi) · guest\n\\*\\*@\u200beveryone\\*\\* \\[click\\]\\(https://evil.example\\) · guest',
    );
    expect(field(fields, 'Soundbites')).toBe(
      `[\`1:13\`](${host.url('/audio/open-1.mp3')}#t=73) · 60 s\n[\`20:34\`](${host.url('/audio/open-1.mp3')}#t=1234) Why open weights matter · 42 s`,
    );
  });

  it('/episode of an item naming nobody shows the channel’s host; in Swedish for a Swedish reader', async () => {
    const fields = await fieldsOf('episode', { episode: 'Housekeeping' }, Locale.Swedish);
    expect(field(fields, 'Gäster och värdar')).toBe('[Pat Host](https://example.com/pat) · värd');
    expect(field(fields, 'Ljudklipp')).toBeUndefined();
  });

  it('/topic finds the episodes with a guest by name, and a soundbite at its second', async () => {
    const guest = await fieldsOf('topic', { query: 'episodes with Raffi Krikorian' });
    expect(guest[0]?.name).toBe('The case for open models — Open Conversations');
    expect(guest[0]?.value).toContain(`[\`0:00\`](${host.url('/audio/open-1.mp3')}#t=0)`);
    expect(guest[0]?.value).toContain('guests and hosts');
    expect(guest[0]?.value).toContain('**Raffi** **Krikorian**');

    const moment = await fieldsOf('topic', { query: 'open weights' });
    expect(moment[0]?.value).toMatch(new RegExp(`^\\[\`20:34\`\\]\\(${host.url('/audio/open-1.mp3').replace(/[.?]/g, '\\$&')}#t=1234\\)`));
    expect(moment[0]?.value).toContain('soundbite');
  });

  it('autocompletes the episode option by a guest’s name as it is typed', async () => {
    const callback = await fake.sendInteraction(autocomplete('episode', { episode: 'Raff' }, { focused: 'episode' }));
    expect(callback.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const choices = (data(callback) as { choices?: { name: string; value: string }[] }).choices ?? [];
    // The bundled sample's title names him too (a title match comes first); ours is found by its guest.
    expect(choices.map((c) => c.name)).toContain('The case for open models (2026-05-06) · Open Conversations');
    const ada = (data(await fake.sendInteraction(autocomplete('episode', { episode: 'Ada Lovelace' }, { focused: 'episode' }))) as {
      choices?: { name: string }[];
    }).choices;
    expect(ada?.map((c) => c.name)).toEqual(['Engines of thought (2026-05-20) · Open Conversations']);
  });
});
