/**
 * A deterministic synthetic podcast feed for benchmarks: `items` episodes (default 5,000, about 20 MB) in
 * the shapes real hosts produce, mixed the way our fixtures are: HTML show notes in description and again
 * in content:encoded, as CDATA on even items (Libsyn, Simplecast) and entity-escaped on odd ones
 * (WordPress, Podlove, No Agenda); a timestamp list in the notes of every third item; Podlove chapters on
 * every fourth; a plain itunes:summary; iTunes and Podcasting 2.0 tags; and some non-ASCII text (so the
 * decoded string is two-byte, as it is for most real feeds).
 */
import { prng } from '../test/support/prng.js';

const WORDS = (
  'podcast episode guest interview design code music history science story café naïve über déjà vu ' +
  'discussion community listener feedback season trailer bonus chapter timestamp review news culture ' +
  'technology startup product research journal archive network studio microphone transcript edition'
).split(' ');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** HTML as an XML text node: CDATA on even items, escaped on odd ones. */
const wrap = (html: string, i: number) =>
  i % 2 === 0 ? `<![CDATA[${html}]]>` : html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const pad = (n: number) => String(n).padStart(2, '0');
const clock = (s: number) => `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;

export function generateFeed(items = 5_000, seed = 42): string {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const sentence = (n: number) => {
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(pick(WORDS));
    const text = words.join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/" ',
    'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:psc="http://podlove.org/simple-chapters">\n',
    '<channel>\n<title>Synthetic Benchmark Show</title>\n<link>https://example.invalid/</link>\n',
    '<atom:link href="https://example.invalid/feed.xml" rel="self" type="application/rss+xml"/>\n',
    `<description><![CDATA[<p>${sentence(40)}</p>]]></description>\n<language>en</language>\n`,
    '<itunes:author>Bench Host</itunes:author>\n<itunes:image href="https://example.invalid/cover.jpg"/>\n',
    '<itunes:category text="Technology"><itunes:category text="Podcasting"/></itunes:category>\n',
  ];
  let time = Date.UTC(2024, 0, 1);
  for (let i = items; i > 0; i--) {
    time -= Math.floor(86_400_000 * (0.5 + rand()));
    const date = new Date(time);
    const pubDate = `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:00 +0000`;
    const duration = 1200 + Math.floor(rand() * 6000);
    const chapterCount = 4 + Math.floor(rand() * 6);
    const starts = Array.from({ length: chapterCount }, (_, c) => Math.floor((duration * c) / chapterCount));
    const titles = starts.map(() => sentence(3 + Math.floor(rand() * 4)).slice(0, -1));
    const paragraphs = Array.from({ length: 2 + Math.floor(rand() * 2) }, () => `<p>${sentence(14 + Math.floor(rand() * 24))}</p>`);
    const notes =
      paragraphs.join('\n') +
      (i % 3 === 0 ? `\n<p>${starts.map((s, c) => `${clock(s)} ${titles[c]}`).join('<br />\n')}</p>\n` : '\n') +
      `<ul>${titles.map((t, c) => `<li><a href="https://example.invalid/${i}/${c}?a=1&amp;b=2">${t}</a></li>`).join('')}</ul>\n` +
      `<p>Thanks for listening &amp; see you next week &mdash; bye&nbsp;now!</p>`;
    out.push(
      `<item>\n<title>Episode ${i}: ${sentence(6).slice(0, -1)} &amp; more</title>\n`,
      `<guid isPermaLink="false">synthetic-${seed}-${i}</guid>\n<link>https://example.invalid/episodes/${i}</link>\n`,
      `<pubDate>${pubDate}</pubDate>\n`,
      `<enclosure url="https://cdn.example.invalid/audio/${i}.mp3?source=rss&amp;id=${i}" length="${duration * 16_000}" type="audio/mpeg"/>\n`,
      `<itunes:duration>${clock(duration)}</itunes:duration>\n<itunes:episode>${i}</itunes:episode>\n<itunes:season>${1 + Math.floor(i / 100)}</itunes:season>\n`,
      `<itunes:image href="https://example.invalid/art/${i}.jpg"/>\n<itunes:explicit>false</itunes:explicit>\n`,
      `<description>${wrap(notes, i)}</description>\n`,
      `<content:encoded>${wrap(notes, i)}</content:encoded>\n`,
      `<itunes:summary>${(paragraphs[0] ?? '').replace(/<\/?p>/g, '')}</itunes:summary>\n`,
      `<podcast:transcript url="https://example.invalid/t/${i}.vtt" type="text/vtt" language="en"/>\n`,
      `<podcast:chapters url="https://example.invalid/c/${i}.json" type="application/json+chapters"/>\n`,
    );
    if (i % 4 === 0) {
      out.push('<psc:chapters version="1.2">\n');
      for (let c = 0; c < chapterCount; c++) out.push(`<psc:chapter start="${clock(starts[c] ?? 0)}.000" title="${titles[c]}"/>\n`);
      out.push('</psc:chapters>\n');
    }
    out.push('</item>\n');
  }
  out.push('</channel>\n</rss>\n');
  return out.join('');
}
