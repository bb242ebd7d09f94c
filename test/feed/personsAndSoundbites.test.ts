import { describe, expect, it } from 'vitest';
import { fixture, parseOk, rss } from './helpers.js';

describe('podcast:person and podcast:soundbite', () => {
  it('reads an item’s persons with their role, group, picture and page, in feed order', () => {
    const [episode] = parseOk(
      rss(`<item><title>e</title>
        <podcast:person role="guest" group="cast" img="https://example.com/raffi.jpg" href="https://example.com/raffi?a=1&amp;b=2">Raffi Krikorian</podcast:person>
        <podcast:person>  Ada &amp; Co  </podcast:person>
        <podcast:person role="host" href="https://example.com/empty"></podcast:person>
        <podcast:person href="https://example.com/self-closed"/>
      </item>`),
    ).episodes;
    expect(episode?.persons).toEqual([
      { name: 'Raffi Krikorian', role: 'guest', group: 'cast', img: 'https://example.com/raffi.jpg', href: 'https://example.com/raffi?a=1&b=2' },
      { name: 'Ada & Co' },
    ]);
  });

  it('gives the channel’s persons to items without their own; an item’s own replace them, wherever the channel lists them', () => {
    const feed = parseOk(
      rss(
        `<item><title>with a guest</title><guid>1</guid><podcast:person role="guest">Guest One</podcast:person></item>
         <item><title>hosts only</title><guid>2</guid></item>
         <podcast:person role="host">Late Host</podcast:person>`,
        `<podcast:person role="host" href="https://example.com/host">Host Person</podcast:person>`,
      ),
    );
    expect(feed.podcast.persons).toEqual([
      { name: 'Host Person', role: 'host', href: 'https://example.com/host' },
      { name: 'Late Host', role: 'host' },
    ]);
    const byTitle = new Map(feed.episodes.map((e) => [e.title, e]));
    expect(byTitle.get('with a guest')?.persons).toEqual([{ name: 'Guest One', role: 'guest' }]);
    expect(byTitle.get('hosts only')?.persons).toEqual(feed.podcast.persons);
  });

  it('leaves persons and soundbites out when a feed has none', () => {
    const feed = parseOk(rss(`<item><title>e</title></item>`));
    expect(feed.podcast).not.toHaveProperty('persons');
    expect(feed.episodes[0]).not.toHaveProperty('persons');
    expect(feed.episodes[0]).not.toHaveProperty('soundbites');
  });

  it('reads soundbites in time order, with or without a title, and skips ones without a readable start or length', () => {
    const [episode] = parseOk(
      rss(`<item><title>e</title>
        <podcast:soundbite startTime="1234.5" duration="42.25">The &lt;best&gt; bit</podcast:soundbite>
        <podcast:soundbite startTime="73" duration="60"/>
        <podcast:soundbite startTime="soon" duration="60">broken start</podcast:soundbite>
        <podcast:soundbite startTime="10" duration="0">no length</podcast:soundbite>
        <podcast:soundbite startTime="10">no duration</podcast:soundbite>
        <podcast:soundbite startTime="20" duration="15">  </podcast:soundbite>
      </item>`),
    ).episodes;
    expect(episode?.soundbites).toEqual([
      { startSeconds: 20, durationSeconds: 15 },
      { startSeconds: 73, durationSeconds: 60 },
      { startSeconds: 1234.5, durationSeconds: 42.25, title: 'The <best> bit' },
    ]);
  });

  it('keeps at most 50 of each per item', () => {
    const many = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('');
    const [episode] = parseOk(
      rss(
        `<item><title>e</title>${many(80, (i) => `<podcast:person>P${i}</podcast:person>`)}${many(80, (i) => `<podcast:soundbite startTime="${i}" duration="5">S${i}</podcast:soundbite>`)}</item>`,
      ),
    ).episodes;
    expect(episode?.persons).toHaveLength(50);
    expect(episode?.persons?.at(-1)).toEqual({ name: 'P49' });
    expect(episode?.soundbites).toHaveLength(50);
    expect(episode?.soundbites?.at(-1)).toEqual({ startSeconds: 49, durationSeconds: 5, title: 'S49' });
  });

  it('reads a real feed: the host on the channel, a guest on each episode (replacing the host), titled soundbites', () => {
    const feed = parseOk(fixture('feeds/themnshow.xml'));
    expect(feed.podcast.persons?.map((p) => [p.name, p.role])).toEqual([['Mike Neumann', 'host']]);
    const community = feed.episodes.find((e) => e.title === 'Community');
    expect(community?.persons?.map((p) => [p.name, p.role, p.href])).toEqual([['Dr. Timothy M. Jurgensen', 'guest', 'https://midoripress.com']]);
    expect(community?.soundbites).toEqual([
      { startSeconds: 104.4, durationSeconds: 12, title: 'Mike triggers Tim by saying Advertising' },
      { startSeconds: 230.6, durationSeconds: 8.6, title: 'Have we ever talked about Advertising?' },
    ]);
    // Every item names its guest, so none has the channel's host: the item's list replaces the channel's.
    expect(new Set(feed.episodes.map((e) => e.persons?.map((p) => p.name).join()))).toEqual(new Set(['Dr. Timothy M. Jurgensen']));
  });
});
