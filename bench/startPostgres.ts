import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerMessage } from '../test/support/postgresServerProcess.js';

/** A PostgreSQL server of the bench's own, started as the tests start theirs (test/support/postgresServerProcess.ts). */
export async function startPostgres(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('../test/support/postgresServerProcess.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const message = await new Promise<ServerMessage>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ServerMessage));
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`the bench's PostgreSQL process exited (code ${code}) before it started`)));
  });
  if ('error' in message) throw new Error(message.error);
  return {
    adminUrl: message.adminUrl,
    async stop() {
      // Stops the server and removes its data directory, then exits.
      if (child.connected) child.send('stop');
      await exited;
    },
  };
}
