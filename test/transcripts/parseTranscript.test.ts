import { describe, expect, it } from 'vitest';
import type { Transcript } from '../../src/data/model.js';
import { chooseTranscript } from '../../src/data/transcripts/chooseTranscript.js';
import { MAX_SEGMENT_CHARS, MAX_SEGMENTS, parseTranscript, transcriptFormat } from '../../src/data/transcripts/parseTranscript.js';

type Row = [start: number, text: string, extra?: { endSeconds?: number; speaker?: string }];
const rows = (result: ReturnType<typeof parseTranscript>): Row[] => {
  if (!result.ok) throw new Error(result.error);
  return result.value.map((s) => {
    const extra: { endSeconds?: number; speaker?: string } = {};
    if (s.endSeconds !== undefined) extra.endSeconds = s.endSeconds;
    if (s.speaker !== undefined) extra.speaker = s.speaker;
    return Object.keys(extra).length > 0 ? [s.startSeconds, s.text, extra] : [s.startSeconds, s.text];
  });
};

const cases: { name: string; type: string; text: string; expected: Row[] }[] = [
  {
    name: 'SRT with comma milliseconds, multi-line cues and an italic tag',
    type: 'application/srt',
    text: '1\r\n00:00:01,500 --> 00:00:04,000\r\nHello and <i>welcome</i>\r\nto the show.\r\n\r\n2\r\n01:02:03,000 --> 01:02:05,250\r\nBye &amp; thanks.\r\n',
    expected: [
      [1.5, 'Hello and welcome to the show.', { endSeconds: 4 }],
      [3723, 'Bye & thanks.', { endSeconds: 3725.25 }],
    ],
  },
  {
    name: 'SRT labelled application/x-subrip, cues out of order and one empty',
    type: 'application/x-subrip',
    text: '2\n00:00:10,000 --> 00:00:12,000\nSecond\n\n1\n00:00:02,000 --> 00:00:03,000\nFirst\n\n3\n00:00:20,000 --> 00:00:21,000\n<b> </b>\n',
    expected: [
      [2, 'First', { endSeconds: 3 }],
      [10, 'Second', { endSeconds: 12 }],
    ],
  },
  {
    name: 'SRT labelled text/srt without cue numbers and with dots',
    type: 'text/srt',
    text: '00:00:05.000 --> 00:00:06.000\nNo numbers here\n',
    expected: [[5, 'No numbers here', { endSeconds: 6 }]],
  },
  {
    name: 'WebVTT with and without hours, cue ids and settings, NOTE and STYLE blocks, voices and inline times',
    type: 'text/vtt',
    text: [
      'WEBVTT - a podcast',
      '',
      'STYLE',
      '::cue { color: yellow }',
      '',
      'NOTE this block is a comment',
      'even 00:00:01.000 --> 00:00:02.000 here is not a cue',
      '',
      'intro',
      '00:00.000 --> 00:04.200 align:start position:10%',
      '<v Alice>Welcome to <c.loud>the</c> show.</v>',
      '',
      '01:00:00.000 --> 01:00:03.000',
      '<v.host Bob Smith>An hour in<00:00:01.500> already &lt;3',
      '',
      '00:10.000 --> 00:12.000',
      'Nobody in particular',
    ].join('\n'),
    expected: [
      [0, 'Welcome to the show.', { endSeconds: 4.2, speaker: 'Alice' }],
      [10, 'Nobody in particular', { endSeconds: 12 }],
      [3600, 'An hour in already <3', { endSeconds: 3603, speaker: 'Bob Smith' }],
    ],
  },
  {
    name: 'WebVTT served as application/srt (the bytes decide)',
    type: 'application/srt',
    text: 'WEBVTT\n\n00:01.000 --> 00:02.000\nMislabelled\n',
    expected: [[1, 'Mislabelled', { endSeconds: 2 }]],
  },
  {
    name: 'Podcasting 2.0 JSON with speakers, numeric strings and an untimed segment skipped',
    type: 'application/json',
    text: JSON.stringify({
      version: '1.0.0',
      segments: [
        { speaker: 'Alice', startTime: 12.5, endTime: 14, body: 'Second  line' },
        { speaker: 'Bob', startTime: '0.5', endTime: 2, body: 'First &amp; foremost' },
        { body: 'no time' },
        { startTime: 20, body: '   ' },
      ],
    }),
    expected: [
      [0.5, 'First & foremost', { endSeconds: 2, speaker: 'Bob' }],
      [12.5, 'Second line', { endSeconds: 14, speaker: 'Alice' }],
    ],
  },
  {
    name: 'Podcasting 2.0 HTML with cite, time and p',
    type: 'text/html',
    text: '<html><body>\n<cite>Kevin:</cite>\n<time>0:00</time>\n<p>Welcome to the <b>podcast</b>.</p>\n<cite>Alex:</cite>\n<time>1:02:03</time>\n<p>Caf&eacute; talk</p>\n</body></html>',
    expected: [
      [0, 'Welcome to the podcast.', { speaker: 'Kevin' }],
      [3723, 'Café talk', { speaker: 'Alex' }],
    ],
  },
  {
    name: 'HTML without times: one segment at 0, no invented precision',
    type: 'text/html',
    text: '<html><body><h1>Transcript</h1><p>We talk about cars.</p><p>Then about trains.</p></body></html>',
    expected: [[0, 'Transcript We talk about cars. Then about trains.']],
  },
  {
    name: 'plain text: one segment at 0',
    type: 'text/plain; charset=utf-8',
    text: 'Just words\nacross lines.',
    expected: [[0, 'Just words across lines.']],
  },
];

describe('parseTranscript', () => {
  it.each(cases)('reads $name', ({ type, text, expected }) => {
    expect(rows(parseTranscript(text, type))).toEqual(expected);
  });

  const garbage: { name: string; type: string; text: string; error: RegExp }[] = [
    { name: 'an empty file', type: 'text/vtt', text: ' \n ', error: /empty/ },
    { name: 'VTT without its header', type: 'text/vtt', text: '00:01.000 --> 00:02.000\nhi', error: /does not start with "WEBVTT"/ },
    { name: 'SRT that is prose', type: 'application/srt', text: 'This is not\n\na subtitle file', error: /no cue has a .* timing line/ },
    { name: 'broken JSON', type: 'application/json', text: '{"segments": [', error: /not valid JSON/ },
    { name: 'JSON without segments', type: 'application/json', text: '{"version":"1.0.0"}', error: /no "segments" list/ },
    { name: 'JSON whose segments have no times', type: 'application/json', text: '{"segments":[{"body":"x"}]}', error: /startTime/ },
    { name: 'an unknown type', type: 'application/pdf', text: '%PDF-1.4', error: /not supported/ },
  ];
  it.each(garbage)('refuses $name with a clear reason', ({ type, text, error }) => {
    const result = parseTranscript(text, type);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });

  it('keeps an empty but well-formed transcript as no segments', () => {
    expect(parseTranscript('WEBVTT\n', 'text/vtt')).toEqual({ ok: true, value: [] });
    expect(parseTranscript('{"version":"1.0.0","segments":[]}', 'application/json')).toEqual({ ok: true, value: [] });
  });

  it('caps the number of segments and the length of each', () => {
    const segments = Array.from({ length: MAX_SEGMENTS + 10 }, (_, i) => ({ startTime: i, body: i === 0 ? 'x'.repeat(MAX_SEGMENT_CHARS * 2) : 'w' }));
    const result = parseTranscript(JSON.stringify({ version: '1', segments }), 'application/json');
    expect(result.ok && result.value.length).toBe(MAX_SEGMENTS);
    expect(result.ok && result.value[0]?.text.length).toBe(MAX_SEGMENT_CHARS);
  });

  it('names the format of every MIME type feeds use, ignoring case and parameters', () => {
    expect(
      ['application/srt', 'application/x-subrip', 'text/srt', 'TEXT/VTT; charset=utf-8', 'application/json', 'text/html', 'text/plain', 'audio/mpeg'].map(
        transcriptFormat,
      ),
    ).toEqual(['srt', 'srt', 'srt', 'vtt', 'json', 'html', 'text', undefined]);
  });
});

describe('chooseTranscript', () => {
  const t = (type: string, language?: string, url = `https://example.com/${type.replace('/', '_')}${language ?? ''}`): Transcript =>
    language === undefined ? { url, type } : { url, type, language };

  const choices: { name: string; transcripts: Transcript[]; language?: string; expected: Transcript | undefined }[] = [
    { name: 'JSON over VTT over SRT over HTML', transcripts: [t('text/html'), t('application/srt'), t('text/vtt'), t('application/json')], expected: t('application/json') },
    { name: 'timed SRT over HTML', transcripts: [t('text/html'), t('application/x-subrip')], expected: t('application/x-subrip') },
    { name: 'the podcast’s language over a better format in another', language: 'sv-SE', transcripts: [t('text/vtt', 'en'), t('text/html', 'sv')], expected: t('text/html', 'sv') },
    { name: 'a transcript without a language as the podcast’s', language: 'en', transcripts: [t('text/vtt', 'de'), t('application/srt')], expected: t('application/srt') },
    { name: 'another language when nothing else is there', language: 'en', transcripts: [t('text/vtt', 'de')], expected: t('text/vtt', 'de') },
    { name: 'nothing when no type is readable', transcripts: [t('audio/mpeg'), t('application/pdf')], expected: undefined },
    { name: 'nothing for a link that is not http(s)', transcripts: [t('text/vtt', undefined, 'ftp://x/y.vtt')], expected: undefined },
  ];
  it.each(choices)('picks $name', ({ transcripts, language, expected }) => {
    expect(chooseTranscript(transcripts, language)).toEqual(expected);
  });
});
