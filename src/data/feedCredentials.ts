/**
 * HTTP Basic credentials of a private feed (`https://user:password@host/feed.xml`), kept apart from its address: the
 * address without them is the feed's identity (the podcast id, shown in /feed list, written to logs), and they are
 * added back only for the request itself. Both parts are as a URL holds them, percent-encoded.
 */
export interface FeedCredentials {
  username: string;
  password: string;
}

/** A URL's address without `user:password@`, and the credentials when it had any. Text that is not a URL is kept. */
export function withoutCredentials(url: string): { url: string; credentials?: FeedCredentials } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === '' && parsed.password === '') return { url: parsed.href };
  const credentials = { username: parsed.username, password: parsed.password };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, credentials };
}

/** The URL a request goes to: the address with the credentials put back (the setters leave `%XX` as it is). */
export function withCredentials(url: string, credentials: FeedCredentials | undefined): string {
  if (credentials === undefined) return url;
  const parsed = new URL(url);
  parsed.username = credentials.username;
  parsed.password = credentials.password;
  return parsed.href;
}
