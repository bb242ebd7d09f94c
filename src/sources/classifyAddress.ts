import { isIPv4, isIPv6 } from 'node:net';

/**
 * Why an IP address must not be fetched from when private networks are not allowed, as words for an error message
 * ("it resolves to a loopback address"). `undefined` means the address is public.
 */
export type AddressClass =
  | 'loopback'
  | 'private'
  | 'carrier-grade NAT'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'unique local'
  | 'documentation';

interface V4Range {
  base: number;
  bits: number;
  kind: AddressClass;
}

const v4 = (dotted: string, bits: number, kind: AddressClass): V4Range => {
  const base = parseIPv4(dotted);
  if (base === undefined) throw new Error(`bad range ${dotted}`);
  return { base, bits, kind };
};

/** Most specific first is not needed: these ranges do not overlap. */
const V4_RANGES: readonly V4Range[] = [
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'carrier-grade NAT'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'reserved'),
  v4('192.0.2.0', 24, 'documentation'),
  v4('192.88.99.0', 24, 'reserved'),
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'reserved'),
  v4('198.51.100.0', 24, 'documentation'),
  v4('203.0.113.0', 24, 'documentation'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'),
];

/** Dotted-quad IPv4 to an unsigned 32-bit number; `undefined` when it is not exactly four decimal octets. */
function parseIPv4(address: string): number | undefined {
  if (!isIPv4(address)) return undefined;
  let value = 0;
  for (const part of address.split('.')) value = value * 256 + Number(part);
  return value;
}

function classifyIPv4(address: string): AddressClass | undefined {
  const value = parseIPv4(address);
  if (value === undefined) return 'reserved';
  for (const range of V4_RANGES) {
    const size = 2 ** (32 - range.bits);
    if (value >= range.base && value < range.base + size) return range.kind;
  }
  return undefined;
}

/** IPv6 text (already validated) to its eight 16-bit groups, an embedded dotted IPv4 tail included. */
function parseIPv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // A dotted IPv4 tail ("::ffff:127.0.0.1") becomes the two groups it stands for.
    const value = parseIPv4(last);
    if (value === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string | undefined): number[] =>
    part === undefined || part === '' ? [] : part.split(':').map((group) => parseInt(group, 16));
  const head = toGroups(halves[0]);
  const rest = toGroups(halves[1]);
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - rest.length;
  if (missing < 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...rest];
}

function embeddedIPv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function classifyIPv6(address: string): AddressClass | undefined {
  const groups = parseIPv6(address);
  if (groups === undefined || groups.length !== 8 || groups.some((g) => !Number.isInteger(g))) return 'reserved';
  const g = (i: number): number => groups[i] ?? 0;
  const firstFiveZero = [0, 1, 2, 3, 4].every((i) => g(i) === 0);
  if (firstFiveZero && g(5) === 0 && g(6) === 0) {
    if (g(7) === 0) return 'unspecified';
    if (g(7) === 1) return 'loopback';
  }
  // IPv4-mapped ::ffff:a.b.c.d and the deprecated IPv4-compatible ::a.b.c.d reach the IPv4 address inside.
  if (firstFiveZero && (g(5) === 0xffff || g(5) === 0)) return classifyIPv4(embeddedIPv4(g(6), g(7)));
  // NAT64 64:ff9b::/96 translates to the IPv4 address inside; 64:ff9b:1::/48 is for local use.
  if (g(0) === 0x64 && g(1) === 0xff9b) {
    if (g(2) === 1) return 'private';
    if ([2, 3, 4, 5].every((i) => g(i) === 0)) return classifyIPv4(embeddedIPv4(g(6), g(7)));
  }
  // 6to4 2002:AABB:CCDD::/48 carries the IPv4 address AA.BB.CC.DD.
  if (g(0) === 0x2002) return classifyIPv4(embeddedIPv4(g(1), g(2)));
  if ((g(0) & 0xfe00) === 0xfc00) return 'unique local';
  if ((g(0) & 0xffc0) === 0xfe80) return 'link-local';
  if ((g(0) & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((g(0) & 0xff00) === 0xff00) return 'multicast';
  if (g(0) === 0x2001 && g(1) === 0x0db8) return 'documentation';
  if (g(0) === 0x0100 && g(1) === 0 && g(2) === 0 && g(3) === 0) return 'reserved'; // discard-only 100::/64
  if ((g(0) & 0xff00) === 0) return 'reserved'; // rest of ::/8
  return undefined;
}

/**
 * Classifies an IP address literal (IPv4 dotted quad or IPv6, with or without brackets). Returns why it is not a
 * public address, or `undefined` when it is public. Anything that is not an IP literal is 'reserved'.
 */
export function classifyAddress(address: string): AddressClass | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(bare)) return classifyIPv4(bare);
  if (isIPv6(bare)) return classifyIPv6(bare);
  return 'reserved';
}
