import { err, type Result } from '../data/model.js';
import { databaseKind, databaseScheme } from './databaseUrl.js';
import { openPostgresStore, type PostgresStoreOptions } from './PostgresStore.js';
import { openSqliteStore, type SqliteStoreOptions } from './SqliteStore.js';
import type { Store } from './Store.js';

export type OpenStoreOptions = SqliteStoreOptions & PostgresStoreOptions;

/**
 * Opens the store a DATABASE_URL names: `sqlite:` (a file, or `sqlite::memory:`) or `postgres://` / `postgresql://`
 * (a server), with its schema brought up to date. Failures are values; no message shows a password.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Result<Store>> {
  switch (databaseKind(url)) {
    case 'sqlite':
      return openSqliteStore(url, options);
    case 'postgres':
      return openPostgresStore(url, options);
    case undefined: {
      // Only the scheme is echoed: the rest of a database URL may hold a password.
      const scheme = databaseScheme(url);
      const shown = scheme === undefined ? 'a value without a scheme' : `a ${scheme}: URL`;
      return err(
        `DATABASE_URL is ${shown}; use sqlite:data/podcord.db, sqlite::memory: or postgres://user:password@host:port/database.`,
      );
    }
  }
}
