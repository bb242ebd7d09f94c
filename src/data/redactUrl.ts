/**
 * Feed addresses may carry secrets: `user:password@` (HTTP Basic auth) or a token in the query (private feeds of
 * Patreon, Supercast, Memberful... put one there). What is shown in Discord or written to a log goes through these.
 *
 * Masked: the whole userinfo (a username can be a token too) and the values of query parameters whose name says they
 * are a secret (SECRET_PARAMS). Not masked: a token that is a path segment, since nothing tells it from a slug.
 */

const MASK = '***';

/** Query parameter names (lower case) whose values are secrets. */
const SECRET_PARAMS = new Set([
  'token',
  'access_token',
  'auth',
  'auth_token',
  'authkey',
  'key',
  'api_key',
  'apikey',
  'secret',
  'password',
  'passwd',
  'pwd',
  'sig',
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
]);

/**
 * `scheme://` then the authority up to its last `@` (greedy, within the authority: WHATWG URLs percent-encode an `@`
 * in a password, but text written by hand may not).
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*(?:@[^/?#\s@]*)*@/gi;
/**
 * `?name=value` or `&name=value` inside text; the name is checked against SECRET_PARAMS. In prose the value ends
 * before a bracket or quote, or a full stop or comma that ends the sentence.
 */
const QUERY_PARAM = /([?&;])([^=&#\s?;]+)=([^&#\s;()<>"']*?)(?=[.,]?(?:[&#\s;()<>"']|$))/g;

/** One URL as it may be shown: its userinfo and secret query values replaced by `***`. Text that is not a URL is
 * masked as `redactUrls` masks text. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactUrls(url);
  }
  if (!/^https?:$/.test(parsed.protocol)) return redactUrls(url);
  let changed = false;
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = MASK;
    parsed.password = '';
    changed = true;
  }
  if (parsed.search !== '' && [...parsed.searchParams.keys()].some(isSecretParam)) {
    // Rebuilt by hand: URLSearchParams would re-encode every other parameter (and turn %20 into +).
    parsed.search = maskQuery(parsed.search);
    changed = true;
  }
  return changed ? parsed.href : url;
}

/** Every URL inside a text (an error message, a log line) with its userinfo and secret query values masked. */
export function redactUrls(text: string): string {
  if (!text.includes('://')) return text;
  return maskQuery(text.replace(USERINFO, `$1${MASK}@`));
}

function maskQuery(text: string): string {
  return text.replace(QUERY_PARAM, (match, lead: string, name: string) => (isSecretParam(name) ? `${lead}${name}=${MASK}` : match));
}

function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // A malformed escape: judge the name as written.
  }
  return SECRET_PARAMS.has(decoded.toLowerCase());
}
