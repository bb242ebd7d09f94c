import type { TestProject } from 'vitest/node';
import { startPostgresProcess } from './startPostgresProcess.js';

/**
 * vitest globalSetup: one real PostgreSQL server for the whole run, kept by a child process
 * (postgresServerProcess.ts), its URL handed to the test files with provide/inject (see postgresDatabase.ts), stopped
 * and its data directory removed at the end. If it cannot start, the run fails here with the reason: the PostgreSQL
 * tests are never skipped.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser's URL of the run's PostgreSQL server (its `postgres` database). */
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgresProcess("The tests'");
  project.provide('postgresAdminUrl', server.adminUrl);
  return () => server.stop();
}
