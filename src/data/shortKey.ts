/**
 * A short, stable key for a long identity (feed URL, guid): 64-bit FNV-1a in base 36, at most 13 characters.
 * Button custom ids (100 chars) and autocomplete values (100 chars) carry these, so they survive restarts.
 */
export function shortKey(identity: string): string {
  // Two 32-bit FNV-1a lanes with different offsets: cheap, and collisions need ~2^32 items.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < identity.length; i++) {
    const c = identity.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(36).padStart(7, '0') + (b >>> 0).toString(36).padStart(7, '0');
}
