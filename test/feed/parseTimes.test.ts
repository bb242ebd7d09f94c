import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/data/feed/parseDuration.js';
import { parseNpt } from '../../src/data/feed/parseNpt.js';
import { parsePubDate } from '../../src/data/feed/parsePubDate.js';
import { prng } from '../support/prng.js';

const value = <T>(result: { ok: true; value: T } | { ok: false; error: string }): T | string =>
  result.ok ? result.value : `error: ${result.error}`;

describe('parseNpt reads every Normal Play Time form', () => {
  it.each([
    ['0', 0],
    ['01', 1],
    ['90', 90],
    ['01:02', 62],
    ['1:02:03', 3723],
    ['01:02:03', 3723],
    ['01:02:03.400', 3723.4],
    ['00:00:01.5', 1.5],
    ['12.25', 12.25],
    ['npt:01:02:03.4', 3723.4],
    ['npt:90', 90],
    ['  00:10:00.000 ', 600],
    ['100:00:00', 360000],
    ['01:02:03.', 3723],
    ['75:30', 4530], // minutes past 59 are fine without hours
    ['1234567890', 1234567890], // ten digits: past the digit-by-digit reader, still read
    ['00:00:07,5', 7.5],
  ])('%s is %d seconds', (text, seconds) => {
    expect(value(parseNpt(text))).toBe(seconds);
  });

  it.each(['', 'abc', '1:2:3:4', '01:60', '1:60:00', '-5', '1h20m', ':30', '1::30', '1:30:', '01:02:03.4.5'])('rejects %j', (text) => {
    expect(parseNpt(text).ok).toBe(false);
  });
});

describe('parseDuration reads itunes:duration', () => {
  it.each([
    ['3600', 3600],
    ['61:30', 3690],
    ['1:02:03', 3723],
    ['01:02:03', 3723],
    ['1325.5', 1325.5],
    ['00:45:00.250', 2700.25],
    [' 45:00 ', 2700],
  ])('%s is %d seconds', (text, seconds) => {
    expect(value(parseDuration(text))).toBe(seconds);
  });

  it('treats zero as unknown', () => {
    expect(parseDuration('0').ok).toBe(false);
    expect(parseDuration('00:00:00').ok).toBe(false);
  });

  it('rejects words', () => {
    expect(value(parseDuration('about an hour'))).toMatch(/^error: Unreadable duration/);
  });
});

describe('parsePubDate turns RFC 822 variants into ISO UTC', () => {
  it.each([
    ['Tue, 10 Jun 2003 04:00:00 GMT', '2003-06-10T04:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 +0200', '2003-06-10T02:00:00.000Z'],
    ['Sat, 11 May 2019 09:00:00 -0000', '2019-05-11T09:00:00.000Z'],
    ['Wed, 02 Oct 2002 08:00:00 EST', '2002-10-02T13:00:00.000Z'],
    ['Wed, 02 Oct 2002 08:00:00 PDT', '2002-10-02T15:00:00.000Z'],
    ['Thu, 1 Jan 2015 10:00:00 -0500', '2015-01-01T15:00:00.000Z'],
    ['1 Jan 2015 10:00 GMT', '2015-01-01T10:00:00.000Z'],
    ['Tues., 15 Nov. 2022 12:00:00 GMT', '2022-11-15T12:00:00.000Z'],
    ['Thurs., 20 Sept. 2022 12:00:00 GMT', '2022-09-20T12:00:00.000Z'],
    ['Fri, 05 March 2010 10:00:00 GMT', '2010-03-05T10:00:00.000Z'],
    ['Qua, 12 Set 2018 18:30:00 -0300', '2018-09-12T21:30:00.000Z'],
    ['Mon, 3 Feb 14 08:00:00 +0000', '2014-02-03T08:00:00.000Z'],
    ['Mon, 03 Feb 2014 08:00:00 +05:30', '2014-02-03T02:30:00.000Z'],
    ['Mon, 03 Feb 2014', '2014-02-03T00:00:00.000Z'],
    ['Sun, 03 Feb 2014 08:00:00 GMT', '2014-02-03T08:00:00.000Z'], // wrong weekday: the date wins
    ['2021-04-20T12:45:00Z', '2021-04-20T12:45:00.000Z'],
    ['2021-04-20T12:45:00.5+02:00', '2021-04-20T10:45:00.500Z'],
    ['2021-04-20', '2021-04-20T00:00:00.000Z'],
    ['Sat, 29 Feb 2020 10:00:00 GMT', '2020-02-29T10:00:00.000Z'], // leap day
    ['Tue, 31 Dec 2024 24:00:00 GMT', '2025-01-01T00:00:00.000Z'], // 24:00 is the next midnight
    ['Tue, 31 Dec 2024 23:59:60 +0000', '2025-01-01T00:00:00.000Z'], // a leap second rolls over
    ['Fri, 09 Jan 0012 15:17:27 +0000', '2012-01-09T15:17:27.000Z'], // a two-digit year written with four
    ['wed, 06 MAY 2026 10:00:00 GMT', '2026-05-06T10:00:00.000Z'],
    ['Wed, 06 May 2026 10:00:00 +0000 ', '2026-05-06T10:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(value(parsePubDate(text))).toBe(iso);
  });

  it.each(['', 'yesterday', 'Mon, 31 Feb 2014 10:00:00 GMT', 'Sun, 29 Feb 2021 10:00:00 GMT', 'Tue, 31 Apr 2024 10:00:00 GMT', 'Mon, 10 Foo 2014 10:00:00 GMT', '2014-13-01', 'Mon, 10 Jan 2014 25:00:00 GMT', 'Mon, 10 Jan 2014 10:61:00 +0000', 'Mon, 1O Jan 2014 10:00:00 +0000'])(
    'rejects %j',
    (text) => {
      expect(parsePubDate(text).ok).toBe(false);
    },
  );
});

describe('parsePubDate writes the ISO string as Date does', () => {
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');

  it('for the common RFC 822 form and ISO 8601 in UTC, on random moments of years 1000-9999', () => {
    const rand = prng(822);
    for (let i = 0; i < 3000; i++) {
      const time = Date.UTC(1000, 0, 1) + Math.floor(rand() * (Date.UTC(9999, 11, 31, 23, 59, 59) - Date.UTC(1000, 0, 1)));
      const ms = rand() < 0.5 ? 0 : Math.floor(rand() * 1000);
      const date = new Date(Math.floor(time / 1000) * 1000 + ms);
      const [y, mo, d, h, mi, s] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
      const rfc = `${DAYS[date.getUTCDay()]}, ${pad(d)} ${MONTHS[mo]} ${y} ${pad(h)}:${pad(mi)}:${pad(s)} ${rand() < 0.5 ? '+0000' : 'GMT'}`;
      const iso = `${y}-${pad(mo + 1)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}Z`;
      expect(value(parsePubDate(rfc)), rfc).toBe(new Date(Math.floor(time / 1000) * 1000).toISOString());
      expect(value(parsePubDate(iso)), iso).toBe(date.toISOString());
    }
  });

  it('refuses a month name that is not English, or not ASCII, in the common form', () => {
    expect(parsePubDate('Wed, 06 Mäy 2026 10:00:00 +0000').ok).toBe(false);
    expect(parsePubDate('Wed, 06 Jam 2026 10:00:00 +0000').ok).toBe(false);
    // 'M', 'š' (U+0161), 'y': packed as if every character were one byte, the 'š' would spell 'May'.
    expect(parsePubDate('Wed, 06 M\u0161y 2026 10:00:00 +0000').ok).toBe(false);
    expect(value(parsePubDate('Wed, 06 Okt 2026 10:00:00 +0000'))).toBe('2026-10-06T10:00:00.000Z');
  });
});
