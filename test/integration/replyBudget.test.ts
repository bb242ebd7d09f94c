import { InteractionResponseType, type APIInteractionResponse } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { chatInput } from '../support/interactions.js';
import { episode, episodes, postsTitled, startFeedHost, startTestBot, tempDir, type FeedHost, type StartedBot } from './support.js';

/**
 * The request budget (DISCORD_REQUESTS_PER_SECOND, shared by every process on a token) holds back what Discord counts
 * against the global limit: posts. Interaction replies are not counted by Discord, and a budget on them would make a
 * busy server's answers miss the 3 s window; they leave at once however small the budget, while posts keep to it.
 */

const DISCORD_DEADLINE_MS = 3000;
let fake: FakeDiscord | undefined;
let host: FeedHost | undefined;
let bot: StartedBot | undefined;
const temp = tempDir();

afterEach(async () => {
  await bot?.running.stop();
  bot = undefined;
  await fake?.close();
  await host?.close();
  temp.remove();
});

describe('the request budget', () => {
  it('never holds interaction replies back, even at one request a second', { timeout: 60_000 }, async () => {
    fake = await startFakeDiscord({ interactionDeadlineMs: DISCORD_DEADLINE_MS });
    bot = await startTestBot(fake, { DATABASE_URL: temp.dbUrl(), DISCORD_REQUESTS_PER_SECOND: '1' });
    const asked: Promise<APIInteractionResponse>[] = [];
    for (let i = 0; i < 12; i++) asked.push(fake.sendInteraction(chatInput('help'), 15_000));
    const answers = await Promise.allSettled(asked);
    const late = fake.requests.filter((r) => r.path.endsWith('/callback') && (r.responseBody as { code?: number } | null)?.code === 10062);
    expect({ answered: answers.filter((a) => a.status === 'fulfilled').length, late: late.length }).toEqual({ answered: 12, late: 0 });
    for (const a of answers) if (a.status === 'fulfilled') expect(a.value.type).toBe(InteractionResponseType.ChannelMessageWithSource);
  });

  it('keeps posts to the budget', { timeout: 60_000 }, async () => {
    fake = await startFakeDiscord();
    host = await startFeedHost();
    host.feeds.set('/show.xml', { title: 'Budget Show', episodes: episodes('show', 1) });
    bot = await startTestBot(fake, { DATABASE_URL: temp.dbUrl(), DISCORD_REQUESTS_PER_SECOND: '1', FEEDS: host.url('/show.xml') });
    await bot.running.services.store.setAnnouncementSettings(fake.guildId, { channelId: fake.channelId, publish: false, enabled: true });
    for (let n = 2; n <= 4; n++) host.addEpisode('/show.xml', episode('show', n));
    const started = performance.now();
    await bot.poll();
    const elapsed = performance.now() - started;
    for (let n = 2; n <= 4; n++) expect(postsTitled(fake, fake.channelId, `show episode ${n}`)).toBe(1);
    // Three posts at one request a second take at least two seconds: the budget held them, as it holds every post.
    expect(elapsed).toBeGreaterThanOrEqual(1900);
  });
});
