import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Another process on the bot's SQLite file, as a backup tool, the sqlite3 shell or a second Podcord would be: a child
 * `node` with better-sqlite3 that takes the write lock (BEGIN IMMEDIATE) when told and holds it until told to let go.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

// CommonJS, run with `node -e`: no TypeScript loader, so the child is up in a fraction of a second.
const SCRIPT = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
const lines = require('node:readline').createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'lock') db.exec('BEGIN IMMEDIATE');
  if (line === 'release') db.exec('COMMIT');
  process.stdout.write(line === 'lock' ? 'locked\\n' : 'released\\n');
});
lines.on('close', () => process.exit(0));
process.stdout.write('ready\\n');
`;

export interface WriteLockHolder {
  /** Resolves once the other process holds the write lock. */
  lock(): Promise<void>;
  /** Resolves once it has committed (an empty transaction) and let go. */
  release(): Promise<void>;
  /** Ends the process (lets go of any lock) and waits for it. */
  close(): Promise<void>;
}

export async function startWriteLockHolder(databaseFile: string): Promise<WriteLockHolder> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['-e', SCRIPT, databaseFile], { cwd: root });
  let output = '';
  let errors = '';
  const waiters: { word: string; resolve: () => void }[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      if (output.includes(`${waiter.word}\n`)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const said = (word: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (output.includes(`${word}\n`)) return resolve();
      waiters.push({ word, resolve });
      void exited.then(() => reject(new Error(`the lock holder exited before saying "${word}": ${errors}`)));
    });
  await said('ready');
  return {
    async lock() {
      output = '';
      child.stdin.write('lock\n');
      await said('locked');
    },
    async release() {
      output = '';
      child.stdin.write('release\n');
      await said('released');
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        await exited;
      }
    },
  };
}
