import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { err, ok, type Result } from '../data/model.js';
import type { FetchProblem } from '../data/problems.js';
import { classifyAddress } from './classifyAddress.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. Injected so tests can make a public name resolve anywhere. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, as node:http would use), all addresses, in the order the system gives them. */
export const systemResolveHost: ResolveHost = async (hostname) => {
  const addresses = await dnsLookup(hostname, { all: true, verbatim: true });
  return addresses.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

/** A URL that passed the checks, and the one address the connection must go to. */
export interface VettedTarget {
  url: URL;
  /** The host name without IPv6 brackets, as the TLS server name and the Host header know it. */
  hostname: string;
  /** The first vetted address: the one to connect to. */
  address: string;
  family: 4 | 6;
  /** Every address the host resolved to, all vetted, in resolver order: fallbacks for happy eyeballs. */
  addresses: ResolvedAddress[];
  port: number;
}

export interface VetOptions {
  allowPrivateNetwork: boolean;
  resolveHost: ResolveHost;
}

/** Names that always mean this machine or its local network, whatever a resolver says. */
function isLocalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || name.endsWith('.local') || name === 'localhost.localdomain';
}

/**
 * Parses `input` and decides where a request for it may connect: only http and https, and, unless
 * `allowPrivateNetwork`, only when every address the host resolves to is public. The host is resolved once here; the
 * caller must connect to the returned `address` and nowhere else, so a DNS answer that changes between this check and
 * the connection (rebinding) cannot reach a private address. Numeric host forms (`2130706433`, `0x7f.1`) are
 * normalised to dotted quads by the WHATWG URL parser before they are checked.
 */
export async function vetUrl(input: string, options: VetOptions): Promise<Result<VettedTarget, FetchProblem>> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return err({ code: 'invalidUrl', url: input });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return err({ code: 'scheme', url: input, scheme: url.protocol.replace(/:$/, '') });
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (hostname === '') return err({ code: 'noHost', url: input });
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);

  // The advice to allow private addresses is the operator's (see operatorAdvice), never part of the problem.
  if (!options.allowPrivateNetwork && isLocalName(hostname)) return err({ code: 'localName', url: input, host: hostname });

  let addresses: ResolvedAddress[];
  const literal = isIP(hostname);
  if (literal !== 0) {
    addresses = [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await options.resolveHost(hostname);
    } catch (cause) {
      const code = (cause as { code?: unknown }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return err({ code: 'unresolved', url: input, host: hostname });
      return err({ code: 'unresolved', url: input, host: hostname, errno: typeof code === 'string' ? code : 'error', detail: describeError(cause) });
    }
    if (addresses.length === 0) return err({ code: 'noAddresses', url: input, host: hostname });
  }

  if (!options.allowPrivateNetwork) {
    // Every address is checked, not just the first: a resolver could put a private one anywhere in the list.
    for (const { address } of addresses) {
      const kind = classifyAddress(address);
      if (kind !== undefined) return err({ code: 'privateAddress', url: input, kind, address });
    }
  }
  const chosen = addresses[0];
  if (chosen === undefined) return err({ code: 'noAddresses', url: input, host: hostname });
  return ok({ url, hostname, address: chosen.address, family: chosen.family, addresses, port });
}

function describeError(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
  }
  return String(cause);
}
