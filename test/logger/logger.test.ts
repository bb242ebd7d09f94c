import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

function capture(): { lines: string[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('masks URL credentials and tokens in the message, in logged fields and in errors', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'debug', secrets: ['bot-token-123456'], destination });
    log.warn({ feed: 'https://alice:s3cret@feeds.example.com/p.xml', nested: { from: ['http://bob:hunter2@h.example/?token=tk1'] }, failures: 3 }, 'feed check failed');
    log.error({ err: new Error('Could not fetch https://alice:s3cret@feeds.example.com/p.xml with bot-token-123456') }, 'oops');
    log.info('moved to https://carol:pw9@h.example/new.xml');
    const text = lines.join('');
    for (const secret of ['s3cret', 'hunter2', 'tk1', 'pw9', 'bot-token-123456', 'alice', 'bob', 'carol']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0]!)).toMatchObject({ feed: 'https://***@feeds.example.com/p.xml', nested: { from: ['http://***@h.example/?token=***'] }, failures: 3 });
    expect(JSON.parse(lines[1]!).err.message).toBe('Could not fetch https://***@feeds.example.com/p.xml with [redacted]');
    expect(JSON.parse(lines[2]!).msg).toBe('moved to https://***@h.example/new.xml');
  });
});
