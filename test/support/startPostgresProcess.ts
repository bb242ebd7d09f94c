import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerMessage } from './postgresServerProcess.js';

/**
 * A PostgreSQL server in a child process of its own (postgresServerProcess.ts): the tests' (postgresGlobalSetup) and the
 * benches'. `whose` names it in the error when it exits before saying whether it started.
 */
export async function startPostgresProcess(whose: string): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./postgresServerProcess.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const message = await new Promise<ServerMessage>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ServerMessage));
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`${whose} PostgreSQL process exited (code ${code}) before it said whether the server started.`)));
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
