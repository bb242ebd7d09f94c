import type { APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { command, type StartedBot } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * A feed that changes its `<language>` is stemmed again by the new one, whichever way the change reaches the topic
 * index: a poll, a start that finds the podcast saved since the saved index was (another bot polled it and stopped
 * before saving the index), and the saved index file written after that. Real bots on one SQLite file, the feed
 * served over HTTP on 127.0.0.1, /topic asked through the fake Discord.
 *
 * The episode's words are Swedish ("bilarna": the cars) and English ("crashes"). Stemmed as Swedish, "bilen" (the car)
 * meets "bilarna"; stemmed as English it does not. "crashing" meets "crashes" only by the English stem ("crash").
 */

const rig = useTestRig();

const TITLE = 'Bilarna i staden';

function feed(origin: string, language: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Trafikpodden</title>
    <link>${origin}/</link>
    <language>${language}</language>
    <description>Samtal om trafik.</description>
    <item>
      <title>${TITLE}</title>
      <guid isPermaLink="false">bilar-1</guid>
      <pubDate>${new Date(Date.UTC(2026, 4, 1, 12)).toUTCString()}</pubDate>
      <enclosure url="${origin}/ljud/1.mp3" type="audio/mpeg" length="1000" />
      <description>Vi pratar om bilarna, om crashes och om cyklar.</description>
    </item>
    <item>
      <title>Kaffe</title>
      <guid isPermaLink="false">kaffe-1</guid>
      <pubDate>${new Date(Date.UTC(2026, 4, 2, 12)).toUTCString()}</pubDate>
      <enclosure url="${origin}/ljud/2.mp3" type="audio/mpeg" length="1000" />
      <description>Om kaffe och bönor.</description>
    </item>
  </channel>
</rss>
`;
}

const serve = (language: string): void => void rig.host.files.set('/trafik.xml', ['application/rss+xml; charset=utf-8', feed(rig.host.origin, language)]);

/** Whether /topic, asked once the bot has loaded, shows the episode. */
async function finds(bot: StartedBot, query: string): Promise<boolean> {
  await bot.running.services.loaded;
  const reply: APIInteractionResponseCallbackData = await command(rig.fake, 'topic', { query });
  const text = JSON.stringify(reply);
  expect(text).not.toMatch(/still loading/);
  return text.includes(TITLE);
}

describe('a feed that changes its <language>', () => {
  it('is stemmed the new way after a poll, and the old stems are gone', { timeout: 120_000 }, async () => {
    serve('en');
    const bot = await rig.start();
    await command(rig.fake, 'feed add', { url: rig.host.url('/trafik.xml') }, { admin: true });
    expect(await finds(bot, 'crashing')).toBe(true);
    expect(await finds(bot, 'bilen')).toBe(false);

    serve('sv');
    await bot.poll();
    expect(bot.running.library.catalog.podcast(rig.host.url('/trafik.xml'))?.language).toBe('sv');
    expect(await finds(bot, 'bilen')).toBe(true);
    expect(await finds(bot, 'crashing')).toBe(false);
  });

  it('is stemmed the new way by a start that finds it saved since the saved index, and in the index saved then', { timeout: 180_000 }, async () => {
    serve('en');
    const first = await rig.start();
    await command(rig.fake, 'feed add', { url: rig.host.url('/trafik.xml') }, { admin: true });
    expect(await finds(first, 'crashing')).toBe(true);
    await first.running.services.topicIndex!.saveNow();
    await rig.stop(first);

    // Another bot polls the feed in Swedish into the store and stops before it saves the topic index (it keeps none).
    serve('sv');
    const poller = await rig.start({}, { topicIndexFile: false });
    await poller.running.services.loaded;
    await poller.poll();
    await rig.stop(poller);

    // The saved index holds the feed as it was in English; the store holds it in Swedish, saved since.
    const second = await rig.start();
    expect(await finds(second, 'bilen')).toBe(true);
    expect(await finds(second, 'crashing')).toBe(false);
    expect(second.logs.join('')).toMatch(/topic index loaded from its file/);
    await second.running.services.topicIndex!.saveNow();
    await rig.stop(second);

    // The index saved by that start: loaded as it is (nothing saved since), stemmed the Swedish way.
    const third = await rig.start();
    expect(await finds(third, 'bilen')).toBe(true);
    expect(await finds(third, 'crashing')).toBe(false);
    const logged = third.logs.join('');
    expect(logged).toMatch(/topic index loaded from its file/);
    expect(logged).not.toMatch(/topic index caught up with the store|topic index built from the store/);
  });
});
