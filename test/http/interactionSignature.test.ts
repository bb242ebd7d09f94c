import { describe, expect, it } from 'vitest';
import { interactionPublicKey, isSignedByDiscord } from '../../src/http/interactionSignature.js';
import { interactionKeyPair, signInteraction } from '../support/fakeDiscord.js';

/** The Ed25519 check of X-Signature-Ed25519 over X-Signature-Timestamp + body, with keys made here by node:crypto. */

const application = interactionKeyPair();
const stranger = interactionKeyPair();
const key = interactionPublicKey(application.publicKeyHex);
const body = JSON.stringify({ type: 1, id: '1', application_id: '2', token: 't', version: 1 });
const timestamp = '1735689600';
const good = signInteraction(application.privateKey, body, timestamp);

describe('isSignedByDiscord', () => {
  it('accepts the signature of the application key over timestamp + body', () => {
    expect(isSignedByDiscord(key, good, timestamp, Buffer.from(body))).toBe(true);
    // Hex is hex, whatever its case.
    expect(isSignedByDiscord(key, good.toUpperCase(), timestamp, Buffer.from(body))).toBe(true);
  });

  it('refuses a signature made with another key', () => {
    expect(isSignedByDiscord(key, signInteraction(stranger.privateKey, body, timestamp), timestamp, Buffer.from(body))).toBe(false);
  });

  it('refuses a missing signature or timestamp', () => {
    expect(isSignedByDiscord(key, undefined, timestamp, Buffer.from(body))).toBe(false);
    expect(isSignedByDiscord(key, good, undefined, Buffer.from(body))).toBe(false);
    expect(isSignedByDiscord(key, good, '', Buffer.from(body))).toBe(false);
  });

  it('refuses a body altered by one byte, or with a byte added', () => {
    expect(isSignedByDiscord(key, good, timestamp, Buffer.from(body.replace('"t"', '"u"')))).toBe(false);
    expect(isSignedByDiscord(key, good, timestamp, Buffer.from(`${body} `))).toBe(false);
  });

  it('refuses an altered timestamp (a replay under a new time)', () => {
    expect(isSignedByDiscord(key, good, '1735689601', Buffer.from(body))).toBe(false);
  });

  it('refuses signatures that are not 64 bytes of hex, and one flipped bit', () => {
    for (const bad of ['', 'zz', good.slice(0, 126), `${good}00`, `${good.slice(0, 126)}zz`]) {
      expect(isSignedByDiscord(key, bad, timestamp, Buffer.from(body))).toBe(false);
    }
    const flipped = (parseInt(good[0]!, 16) ^ 1).toString(16) + good.slice(1);
    expect(isSignedByDiscord(key, flipped, timestamp, Buffer.from(body))).toBe(false);
  });
});

describe('interactionPublicKey', () => {
  it('reads the 64 hex digits the Developer Portal shows', () => {
    expect(interactionPublicKey(application.publicKeyHex).asymmetricKeyType).toBe('ed25519');
    expect(interactionPublicKey(application.publicKeyHex.toUpperCase()).asymmetricKeyType).toBe('ed25519');
  });

  it('refuses anything else, naming the setting', () => {
    for (const bad of ['', 'abc', application.publicKeyHex.slice(2), `${application.publicKeyHex}00`, 'g'.repeat(64)]) {
      expect(() => interactionPublicKey(bad)).toThrow(/DISCORD_PUBLIC_KEY must be 64 hex digits/);
    }
  });
});
