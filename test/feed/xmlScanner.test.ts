import { readdirSync, readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { generateFeed } from '../../bench/generateFeed.js';
import { XmlScanner, type XmlEvents } from '../../src/data/feed/XmlScanner.js';
import { prng } from '../support/prng.js';

/** Pieces real feeds (broken ones included) are made of; random documents are strings of them. */
const PIECES = [
  '<rss>', '</rss>', '<channel>', '</channel>', '<item>', '</item>', '<item/>', '<title>', '</title>', '</>',
  '<itunes:image href="a.jpg"/>', '<enclosure url="x?a=1&amp;b=2" length=12 type=\'audio/mpeg\' />',
  '<a b="1" b="2">', '<x y', ' z="', '">', '<![CDATA[', ']]>', '<!-- c -->', '<!--', '-->', '<?xml version="1.0"?>',
  '<!DOCTYPE r [<!ENTITY e "x">]>', '&amp;', '&lol;', '&', 'text', ' ', '\n', 'ä€', '<', '>', '/', '"', "'", '=',
  '<psc:chapter start="0" title="Intro"/>', '</ITEM>', '<Title>', '<br>', '<p>', '</p>', ']]', '<!', '<?', '-',
  // Names that begin or end like others (compared in place against the names seen before and the open elements).
  '<titles>', '</titles>', '</titl>', '<tit>', '</tit>', '<itle a="1">', '</itle>', '<b>', '</b>', '<titlf>', '</titlf>',
];

function fixedChunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out;
}

/** htmlparser2's XML Parser's events for the document in these chunks, as `recorder` logs them. */
function reference(parts: readonly string[], wants?: (name: string) => boolean): string[] {
  const expected = recorder(wants);
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
  return expected.log;
}

/**
 * Records every event, with text runs merged as the reader sees them. `wants`: whose attributes the reader reads (the
 * others are logged as none, which is what the scanner hands over for them).
 */
function recorder(wants: (name: string) => boolean = () => true): { log: string[]; events: XmlEvents } {
  const log: string[] = [];
  const events: XmlEvents = {
    done: false,
    wantsAttributes: wants,
    wantsText: () => true,
    onopentag: (name, attributes) => log.push(`open ${name} ${JSON.stringify(wants(name) ? attributes : {})}`),
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

function chunks(text: string, rand: () => number, most = 12): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; ) {
    const size = 1 + Math.floor(rand() * most);
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

  it('reads a chunk longer than one step of its loop (8,192 characters) as the Parser does, wherever a step ends', () => {
    // The state loop returns every 8,192 characters and resumes; a step may end anywhere (inside a tag, a value, CDATA,
    // a comment), and only the chunk's end reports the text so far. Long random broken documents, each in one chunk.
    const scanner = new XmlScanner(recorder().events);
    for (let seed = 1; seed <= 60; seed++) {
      const rand = prng(seed);
      let doc = '';
      while (doc.length < 30_000) doc += PIECES[Math.floor(rand() * PIECES.length)];
      const parts = seed % 2 === 0 ? [doc] : chunks(doc, rand, 20_000);
      const actual = recorder();
      scanner.reset(actual.events);
      for (const part of parts) scanner.write(part);
      scanner.end();
      expect({ seed, log: actual.log }).toEqual({ seed, log: reference(parts) });
    }
  });

  it('keeps a bounded number of names after a document that makes up a hundred thousand of them', () => {
    // The scanner guesses each open tag from the one that followed the previous tag last time (a link between names it
    // keeps): links made through names the cache has let go of would keep every made-up name of a hostile feed alive.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const scanner = new XmlScanner(recorder().events);
    const run = (body: string) => {
      scanner.reset(recorder(() => true).events);
      scanner.write(`<rss><channel>${body}</channel></rss>`);
      scanner.end();
      scanner.reset(recorder().events);
    };
    run('<item><title>t</title></item>');
    gc();
    const before = process.memoryUsage().heapUsed;
    let body = '';
    for (let i = 0; i < 100_000; i++) body += `<made-up-name-${String(i).padStart(6, '0')} a${i}="1"/>`;
    run(body);
    body = '';
    gc();
    // A hundred thousand names kept would be ~20 MB; the cache and its links hold ~1,500 at most.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(4 * 1024 * 1024);
  });

  it('slices out neither attributes nor text that the reader does not want', () => {
    const { log, events } = recorder();
    const scanner = new XmlScanner({ ...events, wantsAttributes: (name) => name === 'keep', wantsText: () => false });
    scanner.write('<drop a="1"><keep b="2">skipped text</keep></drop>');
    scanner.end();
    expect(log).toEqual(['open drop {}', 'open keep {"b":"2"}', 'close keep false', 'close drop false']);
  });

  it('reports what the Parser reports for every fixture feed and for generated feeds, in parseFeed\'s 64 KB chunks and in random ones', () => {
    const dirs = ['feeds', 'malformed', 'encoding', 'security', 'descriptions'].map((dir) => new URL(`../fixtures/${dir}/`, import.meta.url));
    const documents: { name: string; text: string }[] = [
      { name: 'generated 300', text: generateFeed(300) },
      { name: 'generated 40, seed 7', text: generateFeed(40, 7) },
    ];
    for (const dir of dirs) {
      for (const file of readdirSync(dir)) {
        if (/\.(xml|rss)$/.test(file)) documents.push({ name: file, text: readFileSync(new URL(file, dir), 'utf8') });
      }
    }
    expect(documents.length).toBeGreaterThan(30);
    // Attributes read for some names only, as the feed reader does: the scanner then skips the others' values.
    const wants = (name: string) => name.length % 3 !== 0;
    const scanner = new XmlScanner(recorder().events);
    let seed = 0;
    for (const { name, text } of documents) {
      for (const size of [65_536, 0, 4_096]) {
        const parts = size > 0 ? fixedChunks(text, size) : chunks(text, prng(++seed), 700);
        const actual = recorder(wants);
        scanner.reset(actual.events);
        for (const part of parts) scanner.write(part);
        scanner.end();
        const expected = reference(parts, wants);
        expect(actual.log.length, name).toBe(expected.length);
        expect({ name, size, log: actual.log }).toEqual({ name, size, log: expected });
      }
    }
  });
});
