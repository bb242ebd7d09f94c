import { describe, expect, it } from 'vitest';
import { discordTimestamp, escapeMarkdown, maskedLink, safeUrl } from '../../src/messages/markdown.js';
import { toPlainExcerpt } from '../../src/messages/excerpt.js';

describe('escapeMarkdown', () => {
  it('shows markdown characters from feeds literally', () => {
    expect(escapeMarkdown('**bold** _it_ ~~s~~ `c` ||spoiler||')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|spoiler\\|\\|');
  });

  it('defuses masked links and headings written in feed text', () => {
    expect(escapeMarkdown('[free nitro](https://evil.example)')).toBe('\\[free nitro\\]\\(https://evil.example\\)');
    expect(escapeMarkdown('# Big\n> quote\n- item\n1. first')).toBe('\\# Big\n\\> quote\n\\- item\n1\\. first');
  });

  it('keeps everyone and here from looking like pings, and user mentions from parsing', () => {
    expect(escapeMarkdown('hi @everyone and @here')).toBe('hi @\u200beveryone and @\u200bhere');
    expect(escapeMarkdown('<@123456789012345678>')).toBe('\\<@123456789012345678\\>');
  });

  it('leaves ordinary text, Swedish letters and Arabic untouched', () => {
    expect(escapeMarkdown('Räksmörgås på måndag, مرحبا')).toBe('Räksmörgås på måndag, مرحبا');
  });
});

describe('maskedLink and safeUrl', () => {
  it('encodes the characters that would end a markdown link early', () => {
    expect(safeUrl('https://e.example/a (b).mp3#t=5')).toBe('https://e.example/a%20%28b%29.mp3#t=5');
    expect(maskedLink('Listen [now]', 'https://e.example/x)y')).toBe('[Listen \\[now\\]](https://e.example/x%29y)');
  });

  it('shows plain text when there is no link', () => {
    expect(maskedLink('No audio', undefined)).toBe('No audio');
  });
});

describe('discordTimestamp', () => {
  it('turns an ISO date into a Discord timestamp that each reader sees in their own zone', () => {
    expect(discordTimestamp('2026-05-06T00:00:00.000Z', 'D')).toBe('<t:1778025600:D>');
    expect(discordTimestamp('not a date')).toBeUndefined();
  });
});

describe('toPlainExcerpt', () => {
  it('returns short text unchanged', () => {
    expect(toPlainExcerpt('Short.', 100)).toBe('Short.');
  });

  it('cuts at a paragraph, sentence or word boundary and marks the cut', () => {
    const text = `${'First paragraph sentence. '.repeat(4)}\n\n${'Second paragraph. '.repeat(10)}`;
    const cut = toPlainExcerpt(text, 150);
    expect(cut.length).toBeLessThanOrEqual(150);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toContain('Second');
    const words = toPlainExcerpt('word '.repeat(100), 50);
    expect(words.length).toBeLessThanOrEqual(50);
    expect(words).toMatch(/word…$/);
  });
});
