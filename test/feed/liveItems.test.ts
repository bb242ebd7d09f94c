import { describe, expect, it } from 'vitest';
import { liveSteps } from '../../src/discord/liveShows.js';
import type { LiveItem } from '../../src/data/model.js';
import type { LiveShow } from '../../src/store/Store.js';
import { parseOk } from './helpers.js';

/** `<podcast:liveItem>` (Podcasting 2.0) read from a channel, and what each status asks of a server. */

const feed = (channel: string): string => `<?xml version="1.0"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Show</title>${channel}
<item><title>Episode</title><guid>e1</guid></item></channel></rss>`;

describe('podcast:liveItem', () => {
  it('reads status, start, end, title, guid, stream and content link; keeps feed order; leaves out what cannot be scheduled', () => {
    const { podcast, episodes } = parseOk(
      feed(`
      <podcast:liveItem status="PENDING" start="2026-12-24T18:00:00+01:00" end="2026-12-24T19:30:00+01:00">
        <title>Christmas &amp; more</title>
        <guid isPermaLink="false">xmas</guid>
        <link>https://show.example/live</link>
        <enclosure url="https://stream.example/live.mp3" type="audio/mpeg" length="0"/>
        <podcast:contentLink href="https://www.youtube.com/watch?v=abc">YouTube</podcast:contentLink>
        <podcast:contentLink href="https://twitch.tv/show">Twitch</podcast:contentLink>
      </podcast:liveItem>
      <podcast:liveItem status="live" start="Thu, 24 Dec 2026 20:00:00 GMT">
        <title>Bonus</title>
        <enclosure url="https://stream.example/bonus.mp3" type="audio/mpeg" length="0"/>
      </podcast:liveItem>
      <podcast:liveItem status="rescheduled" start="2026-12-24T18:00:00Z"><title>Unknown status</title></podcast:liveItem>
      <podcast:liveItem status="ended"><title>No start</title></podcast:liveItem>`),
    );
    expect(podcast.liveItems).toEqual([
      {
        id: 'xmas',
        status: 'pending',
        title: 'Christmas & more',
        start: '2026-12-24T17:00:00.000Z',
        end: '2026-12-24T18:30:00.000Z',
        streamUrl: 'https://stream.example/live.mp3',
        contentLink: 'https://www.youtube.com/watch?v=abc',
        link: 'https://show.example/live',
      },
      // No guid: known by its stream, which stays the same while the host changes the status.
      { id: 'https://stream.example/bonus.mp3', status: 'live', title: 'Bonus', start: '2026-12-24T20:00:00.000Z', streamUrl: 'https://stream.example/bonus.mp3' },
    ]);
    // A live item's children are not an episode's.
    expect(episodes.map((e) => e.title)).toEqual(['Episode']);
  });

  it('has no liveItems when the feed lists none', () => {
    expect(parseOk(feed('')).podcast.liveItems).toBeUndefined();
  });
});

describe('liveSteps', () => {
  const now = new Date('2026-12-24T12:00:00Z');
  const item = (status: LiveItem['status'], start = '2026-12-24T18:00:00.000Z'): LiveItem => ({ id: 'x', status, title: 't', start });
  const show = (fields: Partial<LiveShow> = {}): LiveShow => ({ guildId: 'g', podcastId: 'p', liveId: 'x', channelId: 'c', nonce: 'n', createdAt: now, attempts: 0, ...fields });

  it('schedules a pending show once, and only while its start is ahead', () => {
    expect(liveSteps(item('pending'), undefined, now)).toEqual(['createEvent']);
    expect(liveSteps(item('pending'), show({ eventState: 'creating' }), now)).toEqual(['createEvent']);
    expect(liveSteps(item('pending'), show({ eventState: 'scheduled', eventId: 'e' }), now)).toEqual([]);
    expect(liveSteps(item('pending', '2026-12-24T12:00:30.000Z'), undefined, now)).toEqual([]);
  });

  it('starts the event and posts "live now" once when live; ends a scheduled or started event once ended', () => {
    expect(liveSteps(item('live'), show({ eventState: 'scheduled' }), now)).toEqual(['startEvent', 'postLive']);
    expect(liveSteps(item('live'), undefined, now)).toEqual(['postLive']);
    expect(liveSteps(item('live'), show({ eventState: 'active', liveMessageId: 'm' }), now)).toEqual([]);
    expect(liveSteps(item('ended'), show({ eventState: 'active' }), now)).toEqual(['endEvent']);
    expect(liveSteps(item('ended'), show({ eventState: 'scheduled' }), now)).toEqual(['endEvent']);
    expect(liveSteps(item('ended'), show({ eventState: 'ended' }), now)).toEqual([]);
    expect(liveSteps(item('ended'), undefined, now)).toEqual([]);
  });

  it('does not announce as live now a show left `live` in the feed long after it started or ended', () => {
    expect(liveSteps(item('live', '2026-12-24T06:00:00.000Z'), undefined, now)).toEqual(['postLive']);
    expect(liveSteps(item('live', '2026-12-23T23:00:00.000Z'), undefined, now)).toEqual([]);
    expect(liveSteps({ ...item('live', '2026-12-24T10:00:00.000Z'), end: '2026-12-24T11:00:00.000Z' }, show({ eventState: 'scheduled' }), now)).toEqual(['startEvent']);
  });

  it('holds back a failed kind of step until its next try, and for good once given up; the other kind goes on', () => {
    const later = new Date('2026-12-24T12:05:00Z');
    const earlier = new Date('2026-12-24T11:55:00Z');
    expect(liveSteps(item('live'), show({ attempts: 1, failedStep: 'post', nextAttemptAt: later }), now)).toEqual([]);
    expect(liveSteps(item('live'), show({ attempts: 1, failedStep: 'post', nextAttemptAt: earlier }), now)).toEqual(['postLive']);
    expect(liveSteps(item('live'), show({ attempts: 12, failedStep: 'post', failedAt: now }), now)).toEqual([]);
    // The event could not be made (no Create Events): "live now" is posted all the same.
    expect(liveSteps(item('live'), show({ eventState: 'creating', attempts: 1, failedStep: 'event', nextAttemptAt: later }), now)).toEqual(['postLive']);
    expect(liveSteps(item('pending'), show({ eventState: 'creating', attempts: 1, failedStep: 'event', nextAttemptAt: later }), now)).toEqual([]);
    expect(liveSteps(item('ended'), show({ eventState: 'scheduled', attempts: 11, failedStep: 'event', failedAt: now }), now)).toEqual([]);
  });
});
