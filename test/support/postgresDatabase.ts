import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A database of its own on the run's PostgreSQL server (postgresGlobalSetup.ts), for one test or suite. */
export interface TestDatabase {
  name: string;
  /** postgres://user:password@127.0.0.1:port/name */
  url: string;
  /** Drops it, ending any connection still open on it. */
  drop(): Promise<void>;
}

/** The URL of the run's server, as a superuser: for tests that need to reach behind a store. */
export function postgresAdminUrl(): string {
  const url = inject('postgresAdminUrl');
  if (typeof url !== 'string' || url === '') {
    throw new Error('No PostgreSQL server for the tests: vitest.config.ts must list test/support/postgresGlobalSetup.ts in globalSetup.');
  }
  return url;
}

/** Runs `work` on a connection to the server's `postgres` database (or `database`), then closes it. */
export async function asAdmin<T>(work: (client: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const url = new URL(postgresAdminUrl());
  if (database !== undefined) url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database with a random name, so test files running in parallel never share one. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `podcord_test_${randomBytes(8).toString('hex')}`;
  await asAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    drop: async () => {
      await asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
