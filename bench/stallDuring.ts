import { performance } from 'node:perf_hooks';

/**
 * Runs `work` with a 1 ms ticker going; returns what it returned, its wall time and the longest gap between ticks
 * meanwhile (how long the event loop was held).
 */
export async function stallDuring<T>(work: () => Promise<T> | T): Promise<{ result: T; wallMs: number; stallMs: number }> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  // Let the ticker start before the work, and close the gap the work ends in after it.
  await new Promise((resolve) => setTimeout(resolve, 5));
  longest = 0;
  const started = performance.now();
  const result = await work();
  const wallMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(ticker);
  return { result, wallMs, stallMs: longest };
}
