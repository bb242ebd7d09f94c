/**
 * One process answering interactions over HTTP for bench/interactionsHttp.ts, started by it with `fork`:
 * - default: a Podcord `interactions` replica as the role composes one (the synthetic library of the interaction
 *   bench, the interaction core, startHttpServer with the signature check), on SQLite in memory instead of PostgreSQL
 *   (what is measured is answering from memory; no command here writes);
 * - `--null`: the floor, an HTTP server that does no work: no signature check, no parsing beyond the type, a fixed
 *   answer, as the null bot does on the gateway path.
 * It sends its port to the parent once listening, and stops when the parent says so.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REST } from '@discordjs/rest';
import { InteractionResponseType, InteractionType } from 'discord-api-types/v10';
import { interactionCoreFor, openServices } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { startHttpServer } from '../src/http/startHttpServer.js';
import { createLogger } from '../src/logger.js';
import { Metrics } from '../src/metrics.js';
import { syntheticLibrary } from './interactions.js';

const [apiUrl = '', publicKey = ''] = process.argv.slice(2).filter((a) => !a.startsWith('--'));

if (process.argv.includes('--null')) {
  const pong = JSON.stringify({ type: InteractionResponseType.Pong });
  const choices = JSON.stringify({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } });
  const reply = JSON.stringify({ type: InteractionResponseType.ChannelMessageWithSource, data: { content: '.' } });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = (JSON.parse(Buffer.concat(chunks).toString()) as { type: number }).type;
      const body = type === InteractionType.Ping ? pong : type === InteractionType.ApplicationCommandAutocomplete ? choices : reply;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({ port: (server.address() as AddressInfo).port });
  process.once('message', () => server.close(() => process.exit(0)));
} else {
  const parsed = parseConfig({ DATABASE_URL: 'sqlite::memory:', DISCORD_API_URL: apiUrl, LOG_LEVEL: 'warn' });
  if (!parsed.ok) throw new Error(parsed.error);
  const log = createLogger({ level: 'warn' });
  const services = await openServices(parsed.value, log, { library: syntheticLibrary(), fetchMissingFeeds: false });
  const metrics = new Metrics({ processMetrics: false });
  const server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    interactions: { publicKey, core: interactionCoreFor(services, log, { observer: metrics }), rest: new REST({ api: apiUrl }) },
    ready: () => true,
    metrics,
    log,
  });
  process.send?.({ port: server.port });
  process.once('message', () => {
    void server
      .close()
      .then(() => services.close())
      .then(() => process.exit(0));
  });
}
