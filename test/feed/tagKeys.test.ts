import { describe, expect, it } from 'vitest';
import { parseOk } from './helpers.js';

describe('tag keys', () => {
  it('reads a prefix by what the feed declares it as, though the same tag name was met before the declaration', () => {
    // Junk before the root (as PHP warnings come) uses `ns1:` undeclared; the root then declares it as Podlove's.
    const feed = `<ns1:chapters><ns1:chapter start="9" title="junk"/></ns1:chapters>
<rss version="2.0" xmlns:ns1="http://podlove.org/simple-chapters"><channel><title>Show</title>
<item><title>One</title><guid>1</guid><ns1:chapters><ns1:chapter start="00:00:05" title="Intro"/><ns1:chapter start="00:01:00" title="Talk"/></ns1:chapters></item>
</channel></rss>`;
    const [episode] = parseOk(feed).episodes;
    expect(episode?.chapters.map((chapter) => [chapter.startSeconds, chapter.title])).toEqual([
      [5, 'Intro'],
      [60, 'Talk'],
    ]);
  });
});
