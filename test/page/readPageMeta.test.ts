import { describe, expect, it } from 'vitest';
import { readPageMeta } from '../../src/data/page/readPageMeta.js';

describe('readPageMeta', () => {
  it.each([
    ['54 min', 3240],
    ['54 minuter', 3240],
    ['45 minutes', 2700],
    ['1 h 5 min', 3900],
    ['1h 5min', 3900],
    ['1 tim 5 min', 3900],
    ['2 timmar', 7200],
    ['1 hour', 3600],
    ['54 min 30 s', 3270],
    ['1:02:03', 3723],
    ['54:10', 3250],
  ])('reads the duration %j as %s seconds', (line, seconds) => {
    expect(readPageMeta(line)).toEqual({ durationSeconds: seconds, rest: '' });
  });

  it.each([
    ['6 maj 2026', '2026-05-06'],
    ['6 May 2026', '2026-05-06'],
    ['May 6, 2026', '2026-05-06'],
    ['May 6th 2026', '2026-05-06'],
    ['14 okt. 2025', '2025-10-14'],
    ['14 oktober 2025', '2025-10-14'],
    ['3 Oct 2025', '2025-10-03'],
    ['1 mars 2024', '2024-03-01'],
    ['29 feb 2024', '2024-02-29'],
    ['2026-05-06', '2026-05-06'],
  ])('reads the date %j', (line, day) => {
    expect(readPageMeta(line)).toEqual({ publishedAt: `${day}T00:00:00.000Z`, rest: '' });
  });

  it('reads the seed line where duration and date are glued together', () => {
    expect(readPageMeta('54 min6 maj 2026')).toEqual({ durationSeconds: 3240, publishedAt: '2026-05-06T00:00:00.000Z', rest: '' });
  });

  it('leaves the other words of the line in rest', () => {
    expect(readPageMeta('Avsnitt 12 · 54 min · 6 maj 2026')).toEqual({
      durationSeconds: 3240,
      publishedAt: '2026-05-06T00:00:00.000Z',
      rest: 'Avsnitt 12',
    });
  });

  it.each([
    ['an impossible date', '31 feb 2026'],
    ['a date without a year', '6 maj'],
    ['an ordinary title', 'The Case for Open-Source AI'],
    ['a month name inside a word', 'Mayday 12 2026'],
  ])('reads nothing from %s', (_what, line) => {
    const meta = readPageMeta(line);
    expect(meta.durationSeconds).toBeUndefined();
    expect(meta.publishedAt).toBeUndefined();
  });
});
