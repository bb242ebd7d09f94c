import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { ServerMessage } from './postgresServerProcess.js';

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
  const child = fork(fileURLToPath(new URL('./postgresServerProcess.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const message = await new Promise<ServerMessage>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ServerMessage));
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`The tests' PostgreSQL process exited (code ${code}) before it said whether the server started.`)));
  });
  if ('error' in message) throw new Error(message.error);
  project.provide('postgresAdminUrl', message.adminUrl);
  return async () => {
    if (child.connected) child.send('stop');
    await exited;
  };
}
