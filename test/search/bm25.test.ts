import { describe, expect, it } from 'vitest';
import { bm25ImpactTables, FIELD_COUNT, LENGTH_BITS } from '../../src/data/search/bm25.js';

describe('bm25ImpactTables', () => {
  const k1 = 1.2;
  const b = 0.75;
  const fieldBoost = Float64Array.from({ length: FIELD_COUNT }, (_, f) => 1 + f / 2);
  const fieldDocs = Float64Array.from({ length: FIELD_COUNT }, (_, f) => (f === 1 ? 0 : 100 * (f + 1)));
  const fieldLength = Float64Array.from({ length: FIELD_COUNT }, (_, f) => 700 * (f + 1));
  const tables = bm25ImpactTables({ k1, b, fieldBoost, fieldDocs, fieldLength });

  it('holds, at slot field << 16 | length, the BM25 factors of a passage of that field and length', () => {
    for (const [f, length] of [[0, 0], [0, 7], [2, 1], [3, 80], [FIELD_COUNT - 1, 0xffff]] as const) {
      const avg = fieldDocs[f]! > 0 ? Math.max(fieldLength[f]! / fieldDocs[f]!, 1) : 1;
      const norm = k1 * (1 - b) + ((k1 * b) / avg) * length;
      const slot = (f << LENGTH_BITS) | length;
      expect(tables.norm[slot]).toBe(Math.fround(norm));
      expect(tables.impact[slot]).toBe(Math.fround((fieldBoost[f]! * (k1 + 1)) / (1 + norm)));
    }
  });

  it('treats a field with no passages as of average length 1, and bounds one term by the largest boost', () => {
    expect(tables.norm[(1 << LENGTH_BITS) | 2]).toBe(Math.fround(k1 * (1 - b) + k1 * b * 2));
    expect(tables.maxImpact).toBe(Math.max(...fieldBoost) * (k1 + 1));
    expect(tables.impact.length).toBe(FIELD_COUNT << LENGTH_BITS);
  });
});
