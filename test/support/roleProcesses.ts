import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Podcord processes started as a user starts them (`node --import tsx src/index.ts ...`), their output kept for the
 * test to read and to print when a wait times out; every one still running is killed at the end.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RoleProcess<R extends string> {
  role: R;
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
}

export class RoleProcesses<R extends string> {
  readonly list: RoleProcess<R>[] = [];

  /** Starts `src/index.ts` with `args`, in a clean environment of PATH, HOME and `env`. */
  start(role: R, args: readonly string[], env: Record<string, string>): RoleProcess<R> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts', ...args], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const proc = { role, child, output, exited };
    this.list.push(proc);
    return proc;
  }

  /** Waits for `condition`; past `timeoutMs` fails with the end of every process's output. */
  async until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number, pollMs = 50): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) {
        const tails = this.list.map((p, i) => `--- ${p.role} #${i} (pid ${p.child.pid}):\n${p.output.join('').slice(-3000)}`).join('\n');
        throw new Error(`timed out waiting for ${what}\n${tails}`);
      }
      await sleep(pollMs);
    }
  }

  async killAll(): Promise<void> {
    for (const proc of this.list) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    await Promise.all(this.list.map((p) => p.exited));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
