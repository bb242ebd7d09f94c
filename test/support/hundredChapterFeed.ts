/**
 * OURS: a one-episode RSS feed with 100 Podlove Simple Chapters a minute apart, one of them hostile
 * (markdown and mentions in its title), for pagination and escaping tests.
 */
export function hundredChapterFeed(): string {
  const title = (i: number): string =>
    i === 1 ? 'Part 1: warming up' : i === 3 ? 'Part 3: @everyone **loves** <@123456789012345678>' : i === 100 ? 'Part 100: the finish' : `Part ${i}: stage ${i}`;
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const chapters = Array.from({ length: 100 }, (_, n) => {
    const seconds = n * 60;
    const npt = `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:00.000`;
    return `      <psc:chapter start="${npt}" title="${escape(title(n + 1))}" />`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:psc="http://podlove.org/simple-chapters">
  <channel>
    <title>Hundred Chapters Radio</title>
    <link>https://example.com/hundred</link>
    <description>A test show with very long chapter lists.</description>
    <item>
      <title>The Marathon Episode</title>
      <guid isPermaLink="false">marathon-1</guid>
      <pubDate>Wed, 01 Jan 2020 10:00:00 GMT</pubDate>
      <itunes:duration>1:40:00</itunes:duration>
      <itunes:episode>7</itunes:episode>
      <enclosure url="https://cdn.example.com/marathon.mp3" type="audio/mpeg" length="1000" />
      <description>Every stage of the marathon.</description>
      <psc:chapters version="1.2">
${chapters}
      </psc:chapters>
    </item>
  </channel>
</rss>
`;
}
