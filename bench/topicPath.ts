/**
 * Where a /topic's time goes outside the search (issue 16: p99 under 50 ms): the real handler through the interaction
 * core over the library bench's SQLite database and saved index, the library bench's queries (topicBenchQueries), one
 * after the other as the bench sends them. Times per query: the whole handler (core.handle to the reply handed to the
 * responder), the search, Library.details (and the store's read inside it), the reply body's JSON; the rest of the
 * handler (the embed, the pager) is what is left. Reads the database; run it on a copy (the bot may save its index).
 *
 *   npx tsx bench/topicPath.ts /tmp/<you>-tmp/podcord-bench-library-v1-100000.db
 */
import { performance } from 'node:perf_hooks';
import { interactionCoreFor, openServices } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { Responder } from '../src/interactions/InteractionCore.js';
import { FAKE_IDS } from '../test/support/fakeDiscord.js';
import { topicBenchQueries } from './library.js';
import { percentile } from './measure.js';

const file = process.argv[2]!;
const parsed = parseConfig({ DATABASE_URL: `sqlite:${file}`, POLL_INTERVAL_SECONDS: '600', LOG_LEVEL: 'warn' });
if (!parsed.ok) throw new Error(parsed.error);
const log = createLogger({ level: 'warn' });
const services = await openServices(parsed.value, log, { fetchMissingFeeds: false });
await services.loaded;
while (services.library.loading.topics || services.library.loading.catalogue) await new Promise((r) => setTimeout(r, 100));
await services.follows.ensureGuild(FAKE_IDS.guildId);
const core = interactionCoreFor(services, log);

const stage = { search: 0, details: 0, store: 0 };
const scoped = services.library.scopedTopics;
const search = scoped.search.bind(scoped);
scoped.search = (...a) => {
  const t = performance.now();
  try {
    return search(...a);
  } finally {
    stage.search += performance.now() - t;
  }
};
const details = services.library.details.bind(services.library);
services.library.details = async (refs) => {
  const t = performance.now();
  try {
    return await details(refs);
  } finally {
    stage.details += performance.now() - t;
  }
};
const store = services.store as { loadEpisodes: typeof services.store.loadEpisodes };
const loadEpisodes = store.loadEpisodes.bind(store);
store.loadEpisodes = async (...a) => {
  const t = performance.now();
  try {
    return await loadEpisodes(...a);
  } finally {
    stage.store += performance.now() - t;
  }
};

async function ask(query: string): Promise<{ total: number; json: number; fields: number }> {
  let total = 0;
  let json = 0;
  let fields = 0;
  const t0 = performance.now();
  const reply = async (body: Parameters<Responder['reply']>[0]): Promise<void> => {
    total = performance.now() - t0;
    const t = performance.now();
    JSON.stringify(body);
    json = performance.now() - t;
    fields = body.embeds?.[0]?.fields?.length ?? 0;
  };
  const responder: Responder = { reply, update: reply, choices: async () => {}, defer: async () => {}, editOriginal: reply, followUp: reply, deleteOriginal: async () => {} };
  await core.handle({ kind: 'command', commandName: 'topic', options: { query }, id: '1', locale: 'en-US', userId: FAKE_IDS.userId, guildId: FAKE_IDS.guildId, canManageGuild: false }, responder);
  return { total, json, fields };
}

const queries = topicBenchQueries().map((q) => q.text);
const rounds = Number(process.argv[3] ?? 1);
for (const q of queries.slice(0, 20)) await ask(q);
const rows: Record<string, number[]> = { total: [], search: [], details: [], store: [], rest: [], json: [] };
let answered = 0;
for (let round = 0; round < rounds; round++) {
  for (const q of queries) {
    stage.search = stage.details = stage.store = 0;
    const r = await ask(q);
    if (r.fields > 0) answered++;
    rows['total']!.push(r.total);
    rows['search']!.push(stage.search);
    rows['details']!.push(stage.details);
    rows['store']!.push(stage.store);
    rows['rest']!.push(r.total - stage.search - stage.details);
    rows['json']!.push(r.json);
  }
}
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `p50 ${percentile(s, 50).toFixed(2)}  p90 ${percentile(s, 90).toFixed(2)}  p99 ${percentile(s, 99).toFixed(2)}  mean ${mean.toFixed(2)} ms`;
};
console.log(`${queries.length * rounds} /topic, ${answered} with hits`);
for (const [name, xs] of Object.entries(rows)) console.log(`  ${name.padEnd(8)} ${fmt(xs)}`);
await services.close();
