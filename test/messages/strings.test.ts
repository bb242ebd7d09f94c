import { describe, expect, it } from 'vitest';
import { stringsFor } from '../../src/messages/strings.js';

// Problems are stored as JSON and read back, so their codes are data: a code named like an Object.prototype member
// must read as an unknown code, never as the prototype's function.
describe('strings: problems with codes that are not in the tables', () => {
  const en = stringsFor('en-US');
  const sv = stringsFor('sv-SE');

  it('words a network errno of "constructor" as an unknown error, in English and Swedish', () => {
    const p = { code: 'network', url: 'https://example.com/feed', errno: 'constructor' } as const;
    for (const text of [en.problem(p), sv.problem(p)]) {
      expect(text).not.toContain('function');
      expect(text).toContain('(constructor)');
    }
  });

  it('words an address kind of "toString" with the generic Swedish phrase', () => {
    const text = sv.problem({ code: 'privateAddress', url: 'https://example.com/feed', kind: 'toString', address: '10.0.0.1' } as never);
    expect(text).toContain('en intern adress');
    expect(text).not.toContain('function');
  });

  it('words a Discord code of "valueOf" without the prototype', () => {
    const text = sv.problem({ code: 'postAccess', discordCode: 'valueOf' } as never);
    expect(text).not.toContain('function');
  });
});
