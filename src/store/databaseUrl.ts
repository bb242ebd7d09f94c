/** What a DATABASE_URL selects, by its scheme: `sqlite:` or `postgres://` / `postgresql://`. Pure. */

export type DatabaseKind = 'sqlite' | 'postgres';

/** The store a DATABASE_URL names; undefined for another scheme or none. */
export function databaseKind(url: string): DatabaseKind | undefined {
  const scheme = databaseScheme(url)?.toLowerCase();
  if (scheme === 'sqlite') return 'sqlite';
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  return undefined;
}

/** The scheme of a URL-looking value, as written. */
export function databaseScheme(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
}

/** Query parameters node-postgres reads a password from. */
const PASSWORD_PARAMS = ['password', 'sslpassword'];

/**
 * The URL as it may be shown in a message or a log: a password (in the userinfo or a query parameter) becomes ***.
 * A value that does not parse as a URL shows only its scheme, since where its password ends cannot be told.
 */
export function maskDatabaseUrl(url: string): string {
  if (databaseKind(url) === 'sqlite') return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const scheme = databaseScheme(url);
    return scheme === undefined ? '(not a URL)' : `${scheme}:(not a valid URL)`;
  }
  if (parsed.password !== '') parsed.password = '***';
  for (const name of PASSWORD_PARAMS) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
  return parsed.href;
}

/** The passwords a DATABASE_URL carries, as written and decoded: for the logger to scrub wherever they appear. */
export function databaseUrlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const secrets = [parsed.password, ...PASSWORD_PARAMS.flatMap((name) => parsed.searchParams.getAll(name))];
  for (const secret of [...secrets]) {
    try {
      secrets.push(decodeURIComponent(secret));
    } catch {
      // A malformed escape: the raw form is listed already.
    }
  }
  return [...new Set(secrets.filter((s) => s !== ''))];
}
