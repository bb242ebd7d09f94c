import type { ChildProcess } from 'node:child_process';

/**
 * The messages a forked bench child sends (each with a `kind`), kept until asked for: `next` waits for the first of
 * a kind, failing when the child exits first or `ms` pass; `exited` says why the child is gone, if it is.
 */
export function childMessages<M extends { kind: string }>(child: ChildProcess, name: string): { next(kind: M['kind'], ms: number): Promise<M>; exited(): string | undefined } {
  const messages: M[] = [];
  const waiters: (() => void)[] = [];
  let exited: string | undefined;
  child.on('message', (m: M) => {
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  child.on('exit', (code, signal) => {
    exited = `${name} exited (${signal ?? code})`;
    for (const w of waiters.splice(0)) w();
  });
  const next = (kind: M['kind'], ms: number): Promise<M> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${kind} from ${name} within ${ms / 1000} s`)), ms);
      const check = (): void => {
        const at = messages.findIndex((x) => x.kind === kind);
        if (at >= 0) {
          clearTimeout(timer);
          resolve(messages.splice(at, 1)[0]!);
        } else if (exited !== undefined) {
          clearTimeout(timer);
          reject(new Error(exited));
        } else waiters.push(check);
      };
      check();
    });
  return { next, exited: () => exited };
}
