import { describe, expect, it } from 'vitest';
import { fixture, parseOk, rss } from './helpers.js';

describe('episode fields', () => {
  it('reads every Podlove Simple Chapters start form, in time order', () => {
    const [episode] = parseOk(fixture('feeds/psc_attributes_minimal.rss')).episodes;
    expect(episode?.durationSeconds).toBe(3600);
    expect(episode?.chapters).toEqual([
      { startSeconds: 0, title: 'Introduction', source: 'psc' },
      { startSeconds: 1, title: 'Chapter II', source: 'psc' },
      { startSeconds: 62, title: 'Chapter with Link', url: 'http://example.com/', source: 'psc' },
      { startSeconds: 3723, title: 'Chapter with Image', img: 'http://example.org/image.png', source: 'psc' },
      {
        startSeconds: 3723.4,
        title: 'Chapter with Everything',
        url: 'http://example.net/psc',
        img: 'http://example.net/image2.png',
        source: 'psc',
      },
    ]);
  });

  it('re-sorts psc chapters listed out of order and skips unreadable starts', () => {
    const [episode] = parseOk(
      rss(`<item><title>e</title><psc:chapters version="1.2">
        <psc:chapter start="00:10:00" title="Third"/>
        <psc:chapter start="npt:0" title="First &amp; foremost"/>
        <psc:chapter start="soon" title="Broken"/>
        <psc:chapter start="05:00.500" title="Second"/>
      </psc:chapters></item>`),
    ).episodes;
    expect(episode?.chapters.map((c) => [c.startSeconds, c.title])).toEqual([
      [0, 'First & foremost'],
      [300.5, 'Second'],
      [600, 'Third'],
    ]);
  });

  it('matches itunes: and podcast: tags whose prefixes were never declared', () => {
    const [episode] = parseOk(fixture('feeds/undeclared_ns_prefixes.rss')).episodes;
    expect(episode?.chaptersUrl).toBe('https://example.com/1/chapters.json');
    expect(episode?.audioUrl).toBe('http://example.org/example.mp3');
  });

  it('matches a Podlove namespace bound to an unusual prefix', () => {
    const xml = `<rss xmlns:pc="http://podlove.org/simple-chapters"><channel><title>t</title>
      <item><title>e</title><pc:chapters><pc:chapter start="1" title="One"/></pc:chapters></item></channel></rss>`;
    expect(parseOk(xml).episodes[0]?.chapters).toEqual([{ startSeconds: 1, title: 'One', source: 'psc' }]);
  });

  it('reads Podcasting 2.0 transcripts, chapters and episode numbers', () => {
    const [episode] = parseOk(
      rss(`<item><title>e</title><guid>g</guid>
        <podcast:season>2</podcast:season><podcast:episode>7</podcast:episode>
        <podcast:chapters url="https://example.invalid/ch.json" type="application/json+chapters"/>
        <podcast:transcript url="https://example.invalid/t.vtt" type="text/vtt" language="en" rel="captions"/>
        <podcast:transcript url="https://example.invalid/t.html" type="text/html"/>
      </item>`),
    ).episodes;
    expect(episode).toMatchObject({ season: 2, episodeNumber: 7, chaptersUrl: 'https://example.invalid/ch.json' });
    expect(episode?.transcripts).toEqual([
      { url: 'https://example.invalid/t.vtt', type: 'text/vtt', language: 'en', rel: 'captions' },
      { url: 'https://example.invalid/t.html', type: 'text/html' },
    ]);
  });

  it('keeps psc chapters in feed order when they are in time order, and sorts a list out of order further down', () => {
    const chapters = (starts: string[]) =>
      parseOk(
        rss(`<item><title>e</title><psc:chapters version="1.2">${starts
          .map((start, i) => `<psc:chapter start="${start}" title="${String.fromCharCode(65 + i)}"/>`)
          .join('')}</psc:chapters></item>`),
      ).episodes[0]?.chapters.map((c) => `${c.startSeconds} ${c.title}`);
    // Ties keep feed order, whether the list is sorted or left as it is.
    expect(chapters(['0', '60', '60', '90'])).toEqual(['0 A', '60 B', '60 C', '90 D']);
    expect(chapters(['0', '60', '60', '30', '90', '90', '75'])).toEqual(['0 A', '30 D', '60 B', '60 C', '75 G', '90 E', '90 F']);
  });

  it('reads season, episode number and enclosure length as one to nine ASCII digits', () => {
    const item = (season: string, episode: string, length: string) =>
      `<item><title>t</title><guid>${season}/${episode}/${length}</guid><itunes:season>${season}</itunes:season>` +
      `<itunes:episode>${episode}</itunes:episode><enclosure url="https://example.invalid/a.mp3" length="${length}" type="audio/mpeg"/></item>`;
    const feed = parseOk(
      rss(
        item('0012', '123456789', ' 0 ') +
          item('1234567890', '7a', '1.5') +
          item('+7', '\u0667', '-3') +
          item('\uFF17', '1e3', '99999999999'),
      ),
    );
    const fields = feed.episodes.map((e) => [e.season, e.episodeNumber, e.audioLength]);
    expect(fields).toEqual([
      [12, 123456789, 0],
      [undefined, undefined, undefined],
      [undefined, undefined, undefined],
      [undefined, undefined, undefined],
    ]);
  });

  it('reads the enclosure and omits a non-numeric length', () => {
    const feed = parseOk(
      rss(`<item><title>a</title><enclosure url="https://example.invalid/a.mp3?x=1&amp;y=2" length="123" type="audio/mpeg"/></item>
           <item><title>b</title><enclosure url="https://example.invalid/b.mp3" length="unknown" type="audio/mpeg"/></item>`),
    );
    expect(feed.episodes[0]).toMatchObject({ audioUrl: 'https://example.invalid/a.mp3?x=1&y=2', audioType: 'audio/mpeg', audioLength: 123 });
    expect(feed.episodes[1]?.audioUrl).toBe('https://example.invalid/b.mp3');
    expect(feed.episodes[1]?.audioLength).toBeUndefined();
  });

  it('prefers content:encoded over description over itunes:summary for the notes', () => {
    const feed = parseOk(
      rss(`<item><title>a</title><description>short</description><content:encoded><![CDATA[<p>full</p>]]></content:encoded></item>
           <item><title>b</title><description>desc</description><itunes:summary>sum</itunes:summary></item>
           <item><title>c</title><itunes:summary>only summary</itunes:summary></item>`),
    );
    expect(feed.episodes.map((e) => e.description)).toEqual(['full', 'desc', 'only summary']);
  });

  it('takes a much longer itunes:summary over a WordPress excerpt in description', () => {
    const full = 'Intro line. '.repeat(40);
    const feed = parseOk(rss(`<item><title>a</title><description>Intro line. [&#8230;]</description><itunes:summary>${full}</itunes:summary></item>`));
    expect(feed.episodes[0]?.description).toBe(full.trim());
  });

  it('derives the id from guid, else enclosure URL, else link, else title and date', () => {
    const feed = parseOk(
      rss(`<item><title>a</title><guid isPermaLink="false">guid-a</guid><enclosure url="https://example.invalid/a.mp3"/></item>
           <item><title>b</title><enclosure url="https://example.invalid/b.mp3"/><link>https://example.invalid/b</link></item>
           <item><title>c</title><link>https://example.invalid/c</link></item>
           <item><title>d</title><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
           <item><title>e</title></item>`),
    );
    expect(feed.episodes.map((e) => e.id)).toEqual([
      'd 2024-01-01T10:00:00.000Z',
      'guid-a',
      'https://example.invalid/b.mp3',
      'https://example.invalid/c',
      'e',
    ]);
  });

  it('omits an unreadable pubDate instead of failing the episode', () => {
    const [episode] = parseOk(rss('<item><title>a</title><pubDate>sometime last week</pubDate></item>')).episodes;
    expect(episode?.title).toBe('a');
    expect(episode?.publishedAt).toBeUndefined();
  });

  it('lists episodes newest first and keeps one per id', () => {
    const feed = parseOk(
      rss(`<item><title>old</title><guid>1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
           <item><title>undated</title><guid>2</guid></item>
           <item><title>new</title><guid>3</guid><pubDate>Mon, 08 Jan 2024 10:00:00 GMT</pubDate></item>
           <item><title>new again</title><guid>3</guid><pubDate>Mon, 08 Jan 2024 10:00:00 GMT</pubDate></item>`),
    );
    expect(feed.episodes.map((e) => e.title)).toEqual(['new', 'old', 'undated']);
  });

  it('sorts feeds that are not newest first even without repeated ids: oldest first, or an undated episode midway', () => {
    const item = (title: string, day?: number) =>
      `<item><title>${title}</title><guid>${title}</guid>${day === undefined ? '' : `<pubDate>Mon, 0${day} Jan 2024 10:00:00 GMT</pubDate>`}</item>`;
    expect(parseOk(rss(item('a', 1) + item('b', 2) + item('c', 3))).episodes.map((e) => e.title)).toEqual(['c', 'b', 'a']);
    expect(parseOk(rss(item('c', 3) + item('undated') + item('b', 2))).episodes.map((e) => e.title)).toEqual(['c', 'b', 'undated']);
    expect(parseOk(rss(item('c', 3) + item('b', 2) + item('undated'))).episodes.map((e) => e.title)).toEqual(['c', 'b', 'undated']);
  });

  it('decodes double-escaped entities in titles and trims pretty-printed whitespace', () => {
    const [episode] = parseOk(rss('<item><title>\n\t\tTom &amp;amp; Jerry&amp;#8217;s\n\t</title></item>')).episodes;
    expect(episode?.title).toBe('Tom & Jerry’s');
  });

  it('uses itunes:title, then the first line of the notes, when <title> is missing', () => {
    const feed = parseOk(
      rss(`<item><itunes:title>From iTunes</itunes:title><guid>1</guid></item>
           <item><description>Notes first line&lt;br&gt;second</description><guid>2</guid></item>`),
    );
    expect(feed.episodes.map((e) => e.title)).toEqual(['From iTunes', 'Notes first line']);
  });
});

describe('podcast fields', () => {
  const channel = `<link>https://example.invalid/site</link>
    <atom:link href="https://example.invalid/feed.xml" rel="self" type="application/rss+xml"/>
    <description>&lt;p&gt;About &amp;amp; more&lt;/p&gt;</description>
    <language>en-us</language>
    <itunes:author>Jane Host</itunes:author>
    <image><url>https://example.invalid/rss.png</url></image>
    <itunes:image href="https://example.invalid/itunes.png"/>
    <itunes:category text="Technology"><itunes:category text="Podcasting"/></itunes:category>
    <itunes:category text="Society &amp; Culture"/>
    <itunes:category text="Technology"/>`;

  it('reads title, link, description, image, author, language and nested categories deduped', () => {
    expect(parseOk(rss('', channel)).podcast).toEqual({
      id: 'https://example.invalid/feed.xml',
      feedUrl: 'https://example.invalid/feed.xml',
      title: 'Test Show',
      link: 'https://example.invalid/site',
      description: 'About & more',
      image: 'https://example.invalid/itunes.png',
      author: 'Jane Host',
      language: 'en-us',
      categories: ['Technology', 'Podcasting', 'Society & Culture'],
    });
  });

  it('takes id and feedUrl from the fetch URL first', () => {
    const { podcast } = parseOk(rss('', channel), { feedUrl: 'https://cdn.example.invalid/final.xml' });
    expect(podcast.id).toBe('https://cdn.example.invalid/final.xml');
    expect(podcast.feedUrl).toBe('https://cdn.example.invalid/final.xml');
  });

  it('falls back to the link, then the title, for the id', () => {
    expect(parseOk(rss('', '<link>https://example.invalid/site</link>')).podcast).toMatchObject({ id: 'https://example.invalid/site' });
    const bare = parseOk(rss('')).podcast;
    expect(bare.id).toBe('Test Show');
    expect(bare.feedUrl).toBeUndefined();
  });

  it('uses <image><url> when there is no itunes:image', () => {
    expect(parseOk(rss('', '<image><url>https://example.invalid/rss.png</url></image>')).podcast.image).toBe(
      'https://example.invalid/rss.png',
    );
  });
});
