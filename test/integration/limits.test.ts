import { ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIMessage } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { choiceProblems, messageProblems, threadNameProblems } from '../support/discordLimits.js';
import { autocomplete, button } from '../support/interactions.js';
import { channelOption, command } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * A hostile feed through the whole bot and the fake Discord, which refuses (400) what Discord refuses, measuring as
 * Discord does: titles as long as the parser keeps (2,000 characters), 3,000-character links, audio and artwork URLs,
 * ZWJ emoji wherever a cut may fall, markdown and @everyone in every text. Every command, button, autocomplete,
 * announcement, catch-up summary and paused notice must be accepted, and no one must get the apology instead.
 */

const FAMILY = '👨‍👩‍👧‍👦';
const LONG_PATH = `long-${'a1b2c3'.repeat(500)}`;

/** No spaces to cut at: a cut falls wherever its limit says, at every offset of FAMILY over the shifts used. */
function hostile(shift: number, length = 2_500): string {
  let text = `**@everyone** ${'x'.repeat(shift % 16)}`;
  while (text.length < length) text += `${FAMILY}zebra*_`;
  return text;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function item(origin: string, n: number, options: { chapters: boolean; title?: string }): string {
  const long = `${origin}/${LONG_PATH}/${n}`;
  const chapters = options.chapters
    ? `<psc:chapters version="1.2">${Array.from({ length: 40 }, (_, i) => `<psc:chapter start="00:${String(i).padStart(2, '0')}:00" title="${xml(hostile(n + i, 1_500))}" />`).join('')}</psc:chapters>`
    : '';
  return `<item>
    <title>${xml(options.title ?? hostile(n))}</title>
    <guid isPermaLink="false">hostile-${n}</guid>
    <pubDate>${new Date(Date.UTC(2024, 0, 1 + n, 12)).toUTCString()}</pubDate>
    <itunes:duration>99:59:00</itunes:duration>
    <itunes:episode>${123_456_789 + n}</itunes:episode>
    <itunes:season>987654</itunes:season>
    <link>${xml(long)}</link>
    <enclosure url="${xml(long)}.mp3" type="audio/mpeg" length="1" />
    <itunes:image href="${xml(long)}.jpg" />
    <description>${xml(`${hostile(n + 3, 6_000)}\n\n${hostile(n + 5, 6_000)}`)}</description>
    ${chapters}
  </item>`;
}

function feed(origin: string, numbers: readonly number[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:psc="http://podlove.org/simple-chapters">
<channel>
  <title>${xml(hostile(7))}</title>
  <link>${xml(`${origin}/${LONG_PATH}/home`)}</link>
  <description>${xml(hostile(9, 20_000))}</description>
  <itunes:image href="${xml(`${origin}/${LONG_PATH}/cover.jpg`)}" />
  ${item(origin, 0, { chapters: false, title: `**Bold** @everyone nochapzz ${hostile(2)}` })}
  ${numbers.map((n) => item(origin, n, { chapters: true })).join('\n')}
</channel>
</rss>`;
}

const rig = useTestRig({ database: 'memory' });

type Button = APIButtonComponentWithCustomId;
const buttonsOf = (message: APIMessage | undefined): Button[] =>
  ((message?.components ?? []) as APIActionRowComponent<Button>[]).flatMap((row) => row.components).filter((c) => c.type === ComponentType.Button);
/** The message the last reply made in the text channel (the fake keeps it, so a click on it is checked too). */
const lastReply = (): APIMessage | undefined => rig.fake.messages(rig.fake.channelId).at(-1);

describe('a hostile feed, end to end', () => {
  it('every reply, button, choice and post fits Discord; no one gets the apology', async () => {
    const path = '/hostile.xml';
    const episodes = [1, 2, 3];
    rig.host.feeds.set(path, { title: 'x', episodes: [], body: { contentType: 'application/rss+xml; charset=utf-8', text: feed(rig.host.origin, episodes) } });
    const bot = await rig.start({}, { pauseAfterFailures: 1 });
    const admin = { admin: true };

    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.forumChannelId) }, admin);
    expect((await command(rig.fake, 'feed add', { url: rig.host.url(path) }, admin)).content).toMatch(/^Following \*\*\\\*\\\*@\u200beveryone\\\*\\\*/);
    await command(rig.fake, 'feed list', {}, admin);

    // /chapters, its pager clicked through; /episode and its button; /latest; /topic and its pager.
    // The bundled samples are newer: the hostile podcast is picked by a word of its title.
    const podcast = 'zebra';
    await command(rig.fake, 'chapters', { podcast });
    let pages = 1;
    for (let next = buttonsOf(lastReply()).at(-1); next && !next.disabled; next = buttonsOf(lastReply()).at(-1), pages++) {
      await rig.fake.sendInteraction(button(next.custom_id, lastReply()), 10_000);
    }
    expect(pages).toBeGreaterThan(2);
    await rig.fake.sendInteraction(button(buttonsOf(lastReply())[0]!.custom_id, lastReply()), 10_000);
    await command(rig.fake, 'episode', { podcast });
    const show = buttonsOf(lastReply())[0];
    await rig.fake.sendInteraction(button(show!.custom_id, lastReply()), 10_000);
    await command(rig.fake, 'latest', { podcast, count: 5 });
    await command(rig.fake, 'topic', { query: 'zebra' });
    const more = buttonsOf(lastReply()).at(-1);
    await rig.fake.sendInteraction(button(more!.custom_id, lastReply()), 10_000);

    // Autocomplete everywhere, and the episode without chapters: its title escaped in the reply.
    const choices = [];
    for (const [name, options] of [
      ['chapters', { episode: '' }],
      ['chapters', { episode: 'zebra' }],
      ['episode', { podcast: 'zebra' }],
      ['topic', { query: 'zeb' }],
      ['feed remove', { podcast: '' }],
    ] as const) {
      const callback = await rig.fake.sendInteraction(autocomplete(name, options, admin), 10_000);
      choices.push(('data' in callback && callback.data && 'choices' in callback.data ? callback.data.choices : undefined) ?? []);
    }
    expect(choices.every((c) => c.length > 0)).toBe(true);
    const bare = await rig.fake.sendInteraction(autocomplete('chapters', { episode: 'nochapzz' }), 10_000);
    const key = 'data' in bare && bare.data && 'choices' in bare.data ? bare.data.choices?.[0]?.value : undefined;
    expect(key).toBeDefined();
    const noChapters = await command(rig.fake, 'chapters', { episode: String(key) });
    expect(noChapters.content).toMatch(/^⚠️ “\\\*\\\*Bold\\\*\\\* @\u200beveryone nochapzz /);

    // Announcements: a test post, then eight new episodes at once (five posts and a catch-up summary), then a failure
    // that pauses the feed (the notice names its long title and error).
    await command(rig.fake, 'announce test', { podcast }, admin);
    const added = [4, 5, 6, 7, 8, 9, 10, 11];
    rig.host.feeds.get(path)!.body!.text = feed(rig.host.origin, [...episodes, ...added]);
    await bot.poll();
    delete rig.host.feeds.get(path)!.body;
    rig.host.feeds.get(path)!.failWith = 500;
    await bot.poll();

    const threads = rig.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${rig.fake.forumChannelId}/threads`);
    expect(threads.length).toBe(1 + 5 + 1 + 1); // test, five episodes, summary, paused notice

    // What Discord was sent: accepted, within every limit, no emoji cut in half, no long URL anywhere (not even in part).
    const refused = rig.fake.requests.filter((r) => r.status >= 400);
    expect(refused.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.responseBody)}`)).toEqual([]);
    for (const r of rig.fake.requests) {
      const body = r.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object') continue;
      if (r.path.endsWith('/callback')) {
        const data = (body['data'] ?? {}) as Record<string, unknown>;
        if (Array.isArray(data['choices'])) expect(choiceProblems(data['choices'] as never)).toEqual([]);
        else expect(messageProblems(data)).toEqual([]);
      } else if (r.path.endsWith('/threads')) {
        expect(threadNameProblems(String(body['name']))).toEqual([]);
        expect(messageProblems(body['message'])).toEqual([]);
      } else if (r.method === 'POST' || r.method === 'PATCH') {
        expect(messageProblems(body)).toEqual([]);
      }
      const text = JSON.stringify(body);
      expect(text.split(FAMILY).join('')).not.toMatch(/\u200d|👨|👩|👧|👦/u);
      expect(text).not.toContain(LONG_PATH.slice(0, 60));
    }
    const everything = rig.fake.messages(rig.fake.channelId).map((m) => m.content).join('\n');
    expect(everything).not.toContain('Sorry, something went wrong');
    const logged = bot.logs.join('');
    for (const failure of ['interaction failed', 'could not send the apology', 'announcement not confirmed', 'test announcement failed', 'could not post the paused notice']) {
      expect(logged).not.toContain(failure);
    }
  });
});
