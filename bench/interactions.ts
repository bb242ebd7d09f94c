/**
 * The interaction path, end to end: from INTERACTION_CREATE sent by the fake Discord to the callback POST it receives,
 * through the real discord.js client, Podcord's interaction core and handlers, and discord.js's REST client for the
 * answer, with 50 podcasts of 300 episodes loaded.
 *
 *   npx tsx bench/interactions.ts      (or runInteractionBench() from the bench runner)
 *
 * The floor is a bot that does no work (bench/nullBot.ts), sent the same kinds of interaction in bursts that take
 * turns with Podcord's; every row gives Podcord's median and p99 as ratios to the floor's in the same run. No absolute
 * goal: on a shared 2-core machine the tail is mostly the machine, which the floor measures. Autocomplete runs twice:
 * as people type (first letters, the same ones coming back, which the catalog answers from the lists it keeps) and
 * with whole words never asked before (every list made afresh). Loopback HTTP and WebSocket costs are included: this is
 * what a user would wait for, less Discord's own network.
 */
import { performance } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Events, InteractionType } from 'discord.js';
import ws from 'ws';
import { startPodcordBot } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { Library } from '../src/data/library.js';
import type { Episode, Podcast } from '../src/data/model.js';
import { createLogger } from '../src/logger.js';
import { startFakeDiscord, type FakeDiscord } from '../test/support/fakeDiscord.js';
import { autocomplete, chatInput } from '../test/support/interactions.js';
import { percentile } from './measure.js';
import { startNullBot } from './nullBot.js';
import { printHttpInteractionPaths, runHttpInteractionPaths } from './interactionsHttp.js';

const PODCASTS = 50;
const EPISODES = 300;
const COMMANDS = 1000;
/** Interactions sent at the same instant: 1 measures latency alone; 10 is a busy server's rush. */
const BURSTS = [1, 10] as const;
const PAUSE_MS = 20;
const NULL_BOT = 'null bot: ';

// A Zipf-ish vocabulary of 4,000 made-up words: a few very common, most rare, as in real titles.
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ro', 'sa', 'tu', 'vi', 'an', 'el', 'or', 'is', 'um', 'pe', 'da', 'go'];
const VOCABULARY = Array.from({ length: 4000 }, (_, i) => {
  let w = '';
  for (let n = i + 17; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length];
  return w;
});

/** Deterministic: the same seed always gives the same word, common words far more often. */
function word(seed: number): string {
  const u = (Math.imul(seed + 1, 2654435761) >>> 0) / 2 ** 32;
  return VOCABULARY[Math.min(VOCABULARY.length - 1, Math.floor(Math.exp(u * Math.log(VOCABULARY.length + 1))) - 1)]!;
}

export function syntheticLibrary(): Library {
  const library = new Library();
  for (let p = 0; p < PODCASTS; p++) {
    const podcast: Podcast = { id: `https://feeds.example.com/${p}.xml`, title: `Show ${p} about ${word(p)}`, categories: [] };
    const episodes: Episode[] = [];
    for (let e = 0; e < EPISODES; e++) {
      const chapters = Array.from({ length: 12 }, (_, c) => ({
        startSeconds: c * 300,
        title: `${word(p + e + c)} and ${word(p * 7 + c * 3 + e)} talk ${c}`,
        source: 'notes' as const,
      }));
      episodes.push({
        id: `ep-${p}-${e}`,
        title: `Episode ${e}: ${word(e)} ${word(e * 3 + p)} ${word(e * 7 + 1)}`,
        episodeNumber: e,
        publishedAt: new Date(Date.UTC(2020, 0, 1) + e * 86_400_000 + p * 60_000).toISOString(),
        durationSeconds: 3600,
        description: `We talk about ${word(e)} and ${word(e + 5)}. ${chapters.map((c) => `${Math.floor(c.startSeconds / 60)}:00 ${c.title}`).join('\n')}`,
        audioUrl: `https://cdn.example.com/${p}/${e}.mp3`,
        transcripts: [],
        chapters,
      });
    }
    library.upsert(podcast, episodes);
  }
  return library;
}

interface Sample {
  id: string;
  label: string;
  /** An autocomplete query asked before in this run: the catalog answers it from the lists it keeps. */
  repeat: boolean;
  sentAt: number;
  /** When the fake's server received the callback POST. */
  receivedAt: number;
  /** When the fake had handled it (parsed, validated, recorded) and the driver saw it. */
  handledAt: number;
}

/**
 * Milliseconds on the system's monotonic clock, as the fake stamps requests: comparable across the two processes.
 * (performance.timeOrigin is each process's own reading of the wall clock at its start; two of them were seen here to
 * differ by 2 ms, as much as the figures being measured.)
 */
function monotonicNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}


export type Kind =
  | '/chapters episode:<words>'
  | '/topic query:<words>'
  | '/episode episode:<n> podcast:<words>'
  | '/latest'
  | 'autocomplete episode'
  | 'autocomplete episode, new words';
export const COMMAND_KINDS: Kind[] = ['/chapters episode:<words>', '/topic query:<words>', '/episode episode:<n> podcast:<words>', '/latest'];

/** What people type: the first letters of title words, common words far more often, so the same queries come back. */
const typedQuery = (i: number): string => word(i).slice(0, 1 + (i % 4));
/** Whole title words no typed query (warm-up included) ever is: every one is new to the catalog's kept lists. */
const NEW_WORDS = (() => {
  const typed = new Set(Array.from({ length: 4 * COMMANDS }, (_, i) => typedQuery(i)));
  return VOCABULARY.filter((w) => !typed.has(w));
})();

export function payload(kind: Kind, i: number): Parameters<FakeDiscord['sendInteraction']>[0] {
  switch (kind) {
    case '/chapters episode:<words>':
      return chatInput('chapters', { episode: `${word(i)} ${word(i * 3)}` });
    case '/topic query:<words>':
      return chatInput('topic', { query: `${word(i)} ${word(i + 1)}` });
    case '/episode episode:<n> podcast:<words>':
      return chatInput('episode', { episode: String(i % EPISODES), podcast: `show ${i % PODCASTS}` });
    case '/latest':
      return chatInput('latest');
    case 'autocomplete episode':
      return autocomplete('chapters', { episode: typedQuery(i) });
    case 'autocomplete episode, new words':
      return autocomplete('chapters', { episode: NEW_WORDS[(i * 7919) % NEW_WORDS.length]! });
  }
}

/** What the bot process needs to log in to one fake Discord. */
interface FakeIdentity {
  apiUrl: string;
  token: string;
  guildId: string;
}

/** One bot's stream of interactions: which fake Discord it is logged in to, what it is sent, whose name its rows get. */
interface Lane {
  fake: FakeDiscord;
  kinds: readonly Kind[];
  who: string;
}

/**
 * The driver: the fake Discords and the clock, in their own process (so the bot's process does only the bot's work,
 * on its own core). Podcord is logged in to one fake and the null bot to the other; where both run, their bursts
 * take turns, so that both meet the same moments of this machine. It sends bursts of INTERACTION_CREATE and times
 * each until its callback POST arrives.
 */
async function driver(): Promise<void> {
  const collectGarbage = gc;
  if (!collectGarbage) throw new Error('the driver collects the fakes\' garbage between bursts: start it with --expose-gc');
  const podcordFake = await startFakeDiscord();
  const floorFake = await startFakeDiscord();
  const identity = (fake: FakeDiscord): FakeIdentity => ({ apiUrl: fake.apiUrl, token: fake.token, guildId: fake.guildId });
  const send = (message: unknown): void => void process.send?.(message);
  send({ podcord: identity(podcordFake), floor: identity(floorFake) });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const samples: Sample[] = [];
  // Each lane's kinds count on from one run to the next: the burst-10 run asks new questions, not the burst-1 run's.
  const counters = new Map<string, number>();
  const asked = new Set<string>();
  let turns = 0;
  /** Sends `total` interactions on each lane, `burst` at a time, the lanes taking turns; `record`: keeps the timings. */
  const run = async (lanes: readonly Lane[], total: number, burst: number, record = true): Promise<void> => {
    for (let sent = 0; sent < total; sent += burst) {
      for (const { fake, kinds, who } of lanes) {
        await Promise.all(
          Array.from({ length: burst }, async (_, j) => {
            const kind = kinds[(sent + j) % kinds.length]!;
            const i = counters.get(who + kind) ?? 0;
            counters.set(who + kind, i + 1);
            const interaction = payload(kind, i);
            const query = interaction.type === InteractionType.ApplicationCommandAutocomplete ? who + JSON.stringify(interaction.data.options) : '';
            const repeat = asked.has(query);
            asked.add(query);
            const sentAt = monotonicNow();
            await fake.sendInteraction(interaction, 10_000);
            const handledAt = monotonicNow();
            // The fake handles the callbacks of a burst one after another: the bot's reply has arrived when its POST
            // reaches the fake's server, not when the fake is done with it and with the ones before it.
            const path = `/interactions/${interaction.id}/${interaction.token}/callback`;
            const callback = fake.requests.find((r) => r.method === 'POST' && r.path === path && r.status < 300);
            const label = `${who}${kind} (burst ${burst})`;
            if (record) samples.push({ id: interaction.id, label, repeat, sentAt, receivedAt: callback?.receivedAt ?? handledAt, handledAt });
          }),
        );
        // The fake keeps every request for tests to inspect; a benchmark must not pay for scanning thousands.
        fake.clearRequests();
        // The fake Discords' garbage is collected here, while no interaction is in flight. Left to V8, their young
        // generation filled up mid-burst: a scavenge (3-17 ms on this 2-core machine, its helper threads taking the
        // bot's core) then delayed the stamps of callbacks already sent, and so did the old generation's marking.
        // Discord's servers do not pause on the bot's clock; the bot's own process is left alone, its collections count.
        collectGarbage({ type: ++turns % 100 === 0 ? 'major' : 'minor' });
        await new Promise((r) => setTimeout(r, PAUSE_MS));
      }
    }
  };
  const podcord = (kinds: readonly Kind[]): Lane => ({ fake: podcordFake, kinds, who: '' });
  // The floor is sent the same kinds (it answers every one alike), so each row of Podcord's has one of its own.
  const floor = (kinds: readonly Kind[]): Lane => ({ fake: floorFake, kinds, who: NULL_BOT });
  const both = (kinds: readonly Kind[]): Lane[] => [podcord(kinds), floor(kinds)];
  await run(both([...COMMAND_KINDS, 'autocomplete episode']), 200, 10, false); // warm-up, untimed
  const cpu = process.cpuUsage();
  for (const burst of BURSTS) {
    await run(both(COMMAND_KINDS), COMMANDS, burst);
    await run(both(['autocomplete episode']), COMMANDS, burst);
    await run(both(['autocomplete episode, new words']), COMMANDS, burst);
  }
  const used = process.cpuUsage(cpu);
  send({ samples, fakeCpuMs: (used.user + used.system) / 1000 });
  // Closing while the bots are still connected would send discord.js reconnecting to a closed port, forever.
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  await podcordFake.close();
  await floorFake.close();
}

export async function runInteractionBench(): Promise<void> {
  const buildStart = performance.now();
  const library = syntheticLibrary();
  const buildMs = performance.now() - buildStart;

  const child = fork(fileURLToPath(import.meta.url), ['--driver'], { execArgv: ['--import', 'tsx', '--expose-gc'] });
  const fakes = await new Promise<{ podcord: FakeIdentity; floor: FakeIdentity }>((resolve) => child.once('message', (m) => resolve(m as never)));
  const fake = fakes.podcord;
  const parsed = parseConfig({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DISCORD_GUILD_ID: fake.guildId, DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'warn' });
  if (!parsed.ok || !parsed.value.discordToken) throw new Error('bench config');
  const log = createLogger({ level: 'warn', secrets: [fake.token] });
  const running = await startPodcordBot({ ...parsed.value, discordToken: parsed.value.discordToken }, log, { library, autoPoll: false });
  // When each INTERACTION_CREATE reached the client: the issue's measure starts here, not at the fake's send. That is
  // when its bytes were read from the gateway's socket, not when discord.js got round to handing it over: a burst read
  // in one go arrived at one instant, and the last of it counts the time spent on the others.
  const arrivals = new Map<string, number>();
  let readAt = 0;
  const receiver = (ws as unknown as { Receiver: { prototype: { _write(chunk: Buffer, encoding: string, done: () => void): void } } }).Receiver.prototype;
  const write = receiver._write;
  receiver._write = function (chunk, encoding, done) {
    readAt = monotonicNow();
    write.call(this, chunk, encoding, done);
  };
  // Packets are handed over in the microtasks right after their read, before the next read can happen.
  running.bot.client.on(Events.Raw, (packet: { t?: string; d?: { id?: string } }) => {
    if (packet.t === 'INTERACTION_CREATE' && packet.d?.id) arrivals.set(packet.d.id, readAt);
  });
  const nullBot = await startNullBot({ apiUrl: fakes.floor.apiUrl, token: fakes.floor.token, onInteraction: (id) => arrivals.set(id, readAt) });
  const results = new Promise<{ samples: Sample[]; fakeCpuMs: number }>((resolve) => child.once('message', (m) => resolve(m as never)));
  const cpu = process.cpuUsage();
  child.send('go');
  const { samples, fakeCpuMs } = await results;
  const used = process.cpuUsage(cpu);
  const botCpuMs = (used.user + used.system) / 1000;
  await running.stop();
  await nullBot.close();
  child.send('stopped');
  await new Promise((resolve) => child.once('exit', resolve));

  const { podcasts, episodes } = library.catalog.size;
  console.log(
    `\nInteraction path (the fake Discords and their clock in their own process, their garbage collected between bursts): ${podcasts} podcasts, ${episodes} episodes, ` +
      `${(library.search.memoryBytes() / 1e6).toFixed(0)} MB search index, library built in ${(buildMs / 1000).toFixed(1)} s; ` +
      `${COMMANDS} commands (mixed kinds) and 2 x ${COMMANDS} autocompletes, in bursts of ${BURSTS.join(' and ')} every ${PAUSE_MS} ms`,
  );
  const total = samples.length;
  console.log(
    `CPU per interaction sent to either bot: bot process ${(botCpuMs / total).toFixed(2)} ms (Podcord and the null bot run in it), ` +
      `fake Discords ${(fakeCpuMs / total).toFixed(2)} ms`,
  );
  console.log('"at client": INTERACTION_CREATE read from the client\'s gateway socket -> callback POST reaching the fake\'s server (the issue\'s measure);');
  console.log('"round trip": the fake sending INTERACTION_CREATE -> the fake done handling the callback (adds the gateway hop and the fake\'s own work).');
  console.log('"asked before": autocomplete queries typed earlier in the run, which the catalog answers from the lists it keeps.');
  console.log(`"${NULL_BOT}": a bot that does no work (no discord.js, no search; bench/nullBot.ts), sent the same kinds, its bursts taking turns with Podcord's: the floor.`);
  console.log('"x floor": Podcord\'s at-client p50 and p99 divided by the floor\'s in the same row kind and burst.');
  console.log('kind                                                  n   at client p50/p99 ms   round trip p50/p99 ms   x floor p50 / p99   asked before');
  const byLabel = new Map<string, { client: number[]; trip: number[]; repeats: number }>();
  for (const sample of samples) {
    const entry = byLabel.get(sample.label) ?? { client: [], trip: [], repeats: 0 };
    byLabel.set(sample.label, entry);
    if (sample.repeat) entry.repeats++;
    const arrived = arrivals.get(sample.id);
    if (arrived !== undefined) entry.client.push(sample.receivedAt - arrived);
    entry.trip.push(sample.handledAt - sample.sentAt);
  }
  const sorted = (list: number[]): number[] => [...list].sort((a, b) => a - b);
  const fmt = (list: number[]): string => `${percentile(sorted(list), 50).toFixed(2).padStart(6)} / ${percentile(sorted(list), 99).toFixed(2).padStart(6)}`;
  // One floor row per burst for commands (the null bot answers every command alike) and one per autocomplete kind.
  const floorOf = (label: string): number[] | undefined => {
    const [, kind = '', burst = ''] = /^(.*) \(burst (\d+)\)$/.exec(label) ?? [];
    const floorKinds = COMMAND_KINDS.includes(kind as Kind) ? COMMAND_KINDS : [kind];
    const floors = floorKinds.flatMap((k) => byLabel.get(`${NULL_BOT}${k} (burst ${burst})`)?.client ?? []);
    return floors.length > 0 ? floors : undefined;
  };
  const ratio = (mine: number[], floor: number[] | undefined, p: number): string =>
    floor === undefined ? '    -' : `${(percentile(sorted(mine), p) / percentile(sorted(floor), p)).toFixed(1).padStart(5)}`;
  for (const [label, { client, trip, repeats }] of byLabel) {
    const isFloor = label.startsWith(NULL_BOT);
    const isAutocomplete = label.includes('autocomplete');
    const floor = floorOf(label);
    const versus = isFloor ? '      floor      ' : `  ${ratio(client, floor, 50)} / ${ratio(client, floor, 99)}   `;
    const before = isAutocomplete && !isFloor ? `${((100 * repeats) / trip.length).toFixed(0).padStart(3)}%` : '';
    console.log(`${label.padEnd(49)} ${String(client.length).padStart(5)}   ${fmt(client)}        ${fmt(trip)}        ${versus}   ${before}`);
  }

  // The same commands through the HTTP endpoint, one replica and two, beside the gateway path's burst-10 commands.
  const gatewayCommands = [...byLabel].filter(([label]) => !label.startsWith(NULL_BOT) && !label.includes('autocomplete') && label.endsWith('(burst 10)')).flatMap(([, v]) => v.client);
  const floorCommands = floorOf(`${COMMAND_KINDS[0]} (burst 10)`) ?? [];
  const http = await runHttpInteractionPaths();
  printHttpInteractionPaths(
    http,
    gatewayCommands.length > 0 && floorCommands.length > 0
      ? {
          p50: percentile(sorted(gatewayCommands), 50),
          p99: percentile(sorted(gatewayCommands), 99),
          floorP50: percentile(sorted(floorCommands), 50),
          floorP99: percentile(sorted(floorCommands), 99),
        }
      : undefined,
  );
}

if (process.argv.includes('--driver')) {
  await driver();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runInteractionBench();
}
