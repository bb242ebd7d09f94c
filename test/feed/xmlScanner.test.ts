import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { XmlScanner, type XmlEvents } from '../../src/data/feed/XmlScanner.js';
import { prng } from '../support/prng.js';

/** Pieces real feeds (broken ones included) are made of; random documents are strings of them. */
const PIECES = [
  '<rss>', '</rss>', '<channel>', '</channel>', '<item>', '</item>', '<item/>', '<title>', '</title>', '</>',
  '<itunes:image href="a.jpg"/>', '<enclosure url="x?a=1&amp;b=2" length=12 type=\'audio/mpeg\' />',
  '<a b="1" b="2">', '<x y', ' z="', '">', '<![CDATA[', ']]>', '<!-- c -->', '<!--', '-->', '<?xml version="1.0"?>',
  '<!DOCTYPE r [<!ENTITY e "x">]>', '&amp;', '&lol;', '&', 'text', ' ', '\n', 'ä€', '<', '>', '/', '"', "'", '=',
  '<psc:chapter start="0" title="Intro"/>', '</ITEM>', '<Title>', '<br>', '<p>', '</p>', ']]', '<!', '<?', '-',
];

/** Records every event, with text runs merged as the reader sees them. */
function recorder(): { log: string[]; events: XmlEvents } {
  const log: string[] = [];
  const events: XmlEvents = {
    done: false,
    wantsAttributes: () => true,
    wantsText: () => true,
    onopentag: (name, attributes) => log.push(`open ${name} ${JSON.stringify(attributes)}`),
    onclosetag: (name, implied) => log.push(`close ${name} ${implied}`),
    ontext: (text) => {
      const last = log.length - 1;
      if (log[last]?.startsWith('text ')) log[last] += text;
      else log.push(`text ${text}`);
    },
    oncdatastart: () => log.push('cdata['),
    oncdataend: () => log.push(']cdata'),
  };
  return { log, events };
}

function chunks(text: string, rand: () => number): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; ) {
    const size = 1 + Math.floor(rand() * 12);
    out.push(text.slice(at, at + size));
    at += size;
  }
  return out;
}

describe('XmlScanner', () => {
  it("reports what htmlparser2's XML Parser reports, for random broken documents in random chunks, scanner reused", () => {
    const scanner = new XmlScanner(recorder().events);
    for (let seed = 1; seed <= 3_000; seed++) {
      const rand = prng(seed);
      const length = 1 + Math.floor(rand() * 30);
      let doc = '';
      for (let i = 0; i < length; i++) doc += PIECES[Math.floor(rand() * PIECES.length)];
      const parts = chunks(doc, rand);

      const expected = recorder();
      const parser = new Parser(
        {
          onopentag: expected.events.onopentag,
          onclosetag: expected.events.onclosetag,
          ontext: expected.events.ontext,
          oncdatastart: expected.events.oncdatastart,
          oncdataend: expected.events.oncdataend,
        },
        { xmlMode: true, decodeEntities: false },
      );
      for (const part of parts) parser.write(part);
      parser.end();

      const actual = recorder();
      scanner.reset(actual.events);
      for (const part of parts) scanner.write(part);
      scanner.end();

      expect({ seed, doc, log: actual.log }).toEqual({ seed, doc, log: expected.log });
    }
  });

  it('slices out neither attributes nor text that the reader does not want', () => {
    const { log, events } = recorder();
    const scanner = new XmlScanner({ ...events, wantsAttributes: (name) => name === 'keep', wantsText: () => false });
    scanner.write('<drop a="1"><keep b="2">skipped text</keep></drop>');
    scanner.end();
    expect(log).toEqual(['open drop {}', 'open keep {"b":"2"}', 'close keep false', 'close drop false']);
  });
});
