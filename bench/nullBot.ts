/**
 * The floor under the interaction bench: a bot that does no work. It speaks just enough of the gateway (identify,
 * heartbeats) to receive INTERACTION_CREATE through the same `ws` library discord.js uses, and answers each at once
 * with a fixed reply POSTed on a keep-alive connection of Node's own http client: no discord.js, no REST queue, no
 * handler, no search. What is left is the machine and the fake Discord: loopback sockets, waking the other process,
 * scheduling on two cores.
 */
import { Agent, request } from 'node:http';
import { GatewayDispatchEvents, GatewayOpcodes, InteractionResponseType, InteractionType, type GatewayReceivePayload } from 'discord-api-types/v10';
import WebSocket from 'ws';

export interface NullBot {
  close(): Promise<void>;
}

const AUTOCOMPLETE_ANSWER = JSON.stringify({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } });
const REPLY = JSON.stringify({ type: InteractionResponseType.ChannelMessageWithSource, data: { content: '.' } });

/** Logs in to the gateway at `apiUrl` (as DISCORD_API_URL: no version) and resolves once READY has come. */
export async function startNullBot(options: { apiUrl: string; token: string; onInteraction: (id: string) => void }): Promise<NullBot> {
  const api = new URL(options.apiUrl);
  const base = `${api.pathname.replace(/\/+$/, '')}/v10`;
  const response = await fetch(`${api.origin}${base}/gateway/bot`, { headers: { authorization: `Bot ${options.token}` } });
  const { url } = (await response.json()) as { url: string };
  const agent = new Agent({ keepAlive: true });
  const post = (path: string, json: string): void => {
    const req = request(`${api.origin}${path}`, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), 'user-agent': 'DiscordBot (null bot, 1)' },
    });
    req.on('response', (res) => res.resume());
    req.on('error', () => {});
    req.end(json);
  };
  const socket = new WebSocket(`${url}?v=10&encoding=json`);
  let heartbeat: NodeJS.Timeout | undefined;
  let seq: number | null = null;

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`the gateway closed (${code}) before READY`)));
    socket.on('message', (data) => {
      const payload = JSON.parse(String(data)) as GatewayReceivePayload;
      if (payload.op === GatewayOpcodes.Hello) {
        heartbeat = setInterval(() => socket.send(JSON.stringify({ op: GatewayOpcodes.Heartbeat, d: seq })), payload.d.heartbeat_interval);
        socket.send(
          JSON.stringify({
            op: GatewayOpcodes.Identify,
            d: { token: options.token, intents: 1, properties: { os: process.platform, browser: 'null bot', device: 'null bot' } },
          }),
        );
      } else if (payload.op === GatewayOpcodes.Dispatch) {
        seq = payload.s;
        if (payload.t === GatewayDispatchEvents.Ready) resolve();
        if (payload.t === GatewayDispatchEvents.InteractionCreate) {
          const { id, token, type } = payload.d;
          options.onInteraction(id);
          const answer = type === InteractionType.ApplicationCommandAutocomplete ? AUTOCOMPLETE_ANSWER : REPLY;
          post(`${base}/interactions/${id}/${token}/callback`, answer);
        }
      }
    });
  });

  return {
    async close() {
      clearInterval(heartbeat);
      socket.close(1000);
      agent.destroy();
    },
  };
}
