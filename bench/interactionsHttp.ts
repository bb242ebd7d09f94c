/**
 * The HTTP interactions endpoint under load: the fake Discord (in this process: the driver) POSTs signed interactions
 * to one or two replica processes (bench/httpReplica.ts, each a Podcord `interactions` replica over the interaction
 * bench's synthetic library), `CONCURRENCY` in flight, spread over the replicas in turn as a load balancer would, and
 * counts commands per second and each one's round trip (signing, POST, Podcord's answer in the HTTP response, the
 * fake's validation of it). The floor is the same with null endpoints (`--null`: a fixed answer, no work) in as many
 * processes. Each figure is also given as a ratio to its floor in the same run. On a 2-core machine the driver shares
 * the cores with the replicas, so two replicas cannot double one: the figures say how much of the machine each takes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { interactionKeyPair, startFakeDiscord, type FakeDiscord } from '../test/support/fakeDiscord.js';
import { COMMAND_KINDS, payload } from './interactions.js';
import { percentile } from './measure.js';

const CONCURRENCY = 16;
const COMMANDS = 2000;
const WARM_UP = 300;

interface Replica {
  child: ChildProcess;
  url: string;
}

async function startReplica(fake: FakeDiscord, publicKeyHex: string, floor: boolean): Promise<Replica> {
  const child = fork(fileURLToPath(new URL('./httpReplica.ts', import.meta.url)), [fake.apiUrl, publicKeyHex, ...(floor ? ['--null'] : [])], {
    execArgv: ['--import', 'tsx'],
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('exit', (code) => reject(new Error(`a replica exited (${code}) before listening`)));
  });
  return { child, url: `http://127.0.0.1:${port}/interactions` };
}

async function stopReplica(replica: Replica): Promise<void> {
  const exited = new Promise((resolve) => replica.child.once('exit', resolve));
  replica.child.send('stop');
  await exited;
}

/** Sends `total` commands, `CONCURRENCY` at a time; their round trips (ms) and the commands per second. */
async function load(fake: FakeDiscord, total: number, offset: number): Promise<{ trips: number[]; perSecond: number }> {
  const trips: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const kind = COMMAND_KINDS[i % COMMAND_KINDS.length]!;
        const sentAt = performance.now();
        await fake.sendInteraction(payload(kind, offset + i), 30_000);
        trips.push(performance.now() - sentAt);
        if (i % 200 === 199) fake.clearRequests();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  fake.clearRequests();
  return { trips: trips.sort((a, b) => a - b), perSecond: total / seconds };
}

export interface HttpPathRow {
  label: string;
  perSecond: number;
  p50: number;
  p99: number;
}

/** One replica and two, each beside its floor (null endpoints in as many processes), in one run. */
export async function runHttpInteractionPaths(): Promise<{ rows: HttpPathRow[]; floors: HttpPathRow[] }> {
  const keys = interactionKeyPair();
  const fake = await startFakeDiscord();
  const rows: HttpPathRow[] = [];
  const floors: HttpPathRow[] = [];
  let offset = 0;
  try {
    for (const replicas of [1, 2]) {
      for (const floor of [true, false]) {
        const started = await Promise.all(Array.from({ length: replicas }, () => startReplica(fake, keys.publicKeyHex, floor)));
        fake.setInteractionsEndpoint({ urls: started.map((r) => r.url), privateKey: keys.privateKey });
        await load(fake, WARM_UP, offset);
        offset += WARM_UP;
        const { trips, perSecond } = await load(fake, COMMANDS, offset);
        offset += COMMANDS;
        const row = { label: `${floor ? 'null endpoint' : 'Podcord replica'}${replicas > 1 ? 's' : ''} x ${replicas}`, perSecond, p50: percentile(trips, 50), p99: percentile(trips, 99) };
        (floor ? floors : rows).push(row);
        fake.setInteractionsEndpoint(undefined);
        for (const replica of started) await stopReplica(replica);
      }
    }
  } finally {
    await fake.close();
  }
  return { rows, floors };
}

export function printHttpInteractionPaths(result: { rows: HttpPathRow[]; floors: HttpPathRow[] }, gateway: { p50: number; p99: number; floorP50: number; floorP99: number } | undefined): void {
  console.log(
    `\nOver HTTP (Interactions Endpoint URL): ${COMMANDS} commands (the mixed kinds above), ${CONCURRENCY} in flight, POSTed signed by the fake Discord ` +
      'to the replica processes in turn; round trip = signing, POST, the answer in the HTTP response, the fake validating it. ' +
      '"x floor": against null endpoints (no work) in as many processes, in the same run.',
  );
  console.log('path                          commands/s   p50 / p99 ms        x floor: commands/s   p50 / p99');
  result.rows.forEach((row, i) => {
    const floor = result.floors[i]!;
    for (const r of [floor, row]) {
      const versus = r === floor ? '    floor' : `       ${(row.perSecond / floor.perSecond).toFixed(2).padStart(5)}        ${(row.p50 / floor.p50).toFixed(1).padStart(4)} / ${(row.p99 / floor.p99).toFixed(1).padStart(4)}`;
      console.log(`${r.label.padEnd(28)} ${r.perSecond.toFixed(0).padStart(8)}   ${r.p50.toFixed(2).padStart(7)} / ${r.p99.toFixed(2).padStart(7)}   ${versus}`);
    }
  });
  if (gateway) {
    console.log(
      `gateway path (above, commands at burst 10, at client): p50 ${gateway.p50.toFixed(2)} ms / p99 ${gateway.p99.toFixed(2)} ms, ` +
        `x floor ${(gateway.p50 / gateway.floorP50).toFixed(1)} / ${(gateway.p99 / gateway.floorP99).toFixed(1)} (latency per burst, not a throughput test)`,
    );
  }
}
