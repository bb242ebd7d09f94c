import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REAL_CASES } from '../../../bench/paraphrases.js';
import { realPassages } from '../../../bench/semantic.js';
import { SYNONYMS } from '../../../src/data/search/semantic/synonyms.js';
import { WordVectors } from '../../../src/data/search/semantic/WordVectors.js';
import { tokenize } from '../../../src/data/search/tokenize.js';
import { loadWordVectors } from '../../../src/sources/loadWordVectors.js';

/**
 * The real GloVe vectors the semantic tests need, without the 294 MB package: the rows of the converted file
 * (`npm run vectors`) for every word of the fixture feeds' passages, the tests' queries and the synonym list (and
 * every hyphenated pair of adjacent words the vectors know), plus the 20,000 most common words the encoder centres
 * on, in their original order. The encoder (uniform weights, centred on the first 20,000 rows) therefore gives every
 * test text exactly the vector the full file gives it. ~2.5 MB.
 *
 * Made again, after the fixture feeds or the queries change, with the full vectors converted into data/:
 *   npm run vectors && npx tsx test/search/semantic/vectorsFixture.ts
 */
export const VECTORS_FIXTURE = fileURLToPath(new URL('../../fixtures/vectors/glove-100d-subset.bin', import.meta.url));

/** The encoder's centre: the mean of this many of the most common words (see WordVectorEncoder). */
const CENTRED_ON = 20_000;

export async function writeVectorsFixture(): Promise<{ words: number; bytes: number }> {
  const loaded = await loadWordVectors({ sourcePath: null });
  if (!loaded.ok) throw new Error(`the full word vectors are needed: ${loaded.reason}`);
  const full = loaded.vectors;
  const texts = [
    ...(await realPassages()).passages.map((p) => p.text),
    ...REAL_CASES.flatMap((c) => [c.exact, c.paraphrase]),
    'self-driving car accident',
    ...Object.entries(SYNONYMS).flat(),
  ];
  const rows = new Set<number>();
  for (let r = 0; r < Math.min(CENTRED_ON, full.size); r++) rows.add(r);
  const keep = (word: string): void => {
    const row = full.lookup(word);
    if (row >= 0) rows.add(row);
  };
  for (const text of texts) {
    const tokens = tokenize(text);
    tokens.forEach((token, i) => {
      keep(token.folded);
      const next = tokens[i + 1];
      if (next !== undefined) keep(`${token.folded}-${next.folded}`);
    });
  }
  const order = [...rows].sort((a, b) => a - b);
  const subset = new WordVectors(
    full.dims,
    order.map((r) => full.words[r] as string),
    Int8Array.from(order.flatMap((r) => [...full.data.subarray(r * full.dims, (r + 1) * full.dims)])),
    Float32Array.from(order.map((r) => full.scales[r] as number)),
    Float32Array.from(order.map((r) => full.norms[r] as number)),
  );
  const bytes = subset.serialize();
  await writeFile(VECTORS_FIXTURE, bytes);
  return { words: subset.size, bytes: bytes.length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const written = await writeVectorsFixture();
  console.log(`${VECTORS_FIXTURE}: ${written.words} words, ${written.bytes} bytes`);
}
