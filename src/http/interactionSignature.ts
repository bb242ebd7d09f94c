import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Discord signs every interaction it POSTs: Ed25519 over the X-Signature-Timestamp header followed by the raw body,
 * with the application's key ("Public Key" in the Developer Portal, 32 bytes as 64 hex digits). Node's own crypto
 * checks it; nothing here is hand-made but the key's wrapping.
 */

/** The DER header of an Ed25519 SubjectPublicKeyInfo (RFC 8410): what comes before the 32 raw key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The application's public key from its hex form; throws for anything but 64 hex digits of a valid key. */
export function interactionPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('DISCORD_PUBLIC_KEY must be 64 hex digits (the Public Key of the application)');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

/** Whether Discord signed this body at this timestamp; false for a missing, malformed or wrong signature. */
export function isSignedByDiscord(key: KeyObject, signature: string | undefined, timestamp: string | undefined, body: Buffer): boolean {
  if (signature === undefined || timestamp === undefined || timestamp === '') return false;
  if (!/^[0-9a-f]{128}$/i.test(signature)) return false;
  try {
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signature, 'hex'));
  } catch {
    // A signature that is not a point on the curve, say: not Discord's.
    return false;
  }
}
