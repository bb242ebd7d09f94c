/**
 * A protocol-level fake of Discord (REST API v10 + gateway v10) for end-to-end tests that drive the
 * real discord.js Client. One HTTP server on 127.0.0.1:<random port> serves both REST (`/api/v10/...`)
 * and the gateway WebSocket (`/gateway`, and `/resume` which is the advertised resume_gateway_url).
 *
 * Usage:
 *   const fake = await startFakeDiscord();
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 *   client.once(Events.ClientReady, ...); client.on('error', ...);
 *   await client.login(fake.token);
 *   const callback = await fake.sendInteraction(chatInput('ping'));   // builders: ./interactions.ts
 *   expect(callback.type).toBe(InteractionResponseType.ChannelMessageWithSource);
 *   await client.destroy(); await fake.close();
 *
 * Exports: startFakeDiscord(options?: FakeDiscordOptions): Promise<FakeDiscord>; FAKE_IDS (the fixed
 * world: app/bot user, guild, text/news/forum channels, roles, forum tags, default interaction user);
 * MEMBER_PERMISSIONS / ADMIN_PERMISSIONS (+ManageGuild) / BOT_PERMISSIONS string bitfields; snowflake();
 * interactionKeyPair() and signInteraction() for interactions delivered by HTTP.
 * Options: token, heartbeatIntervalMs (default 41250: no heartbeat in a short test), echoEvents,
 * memberCount, botUsername, otherGuild (a second guild the bot is in, and a channel of a guild it is not in),
 * interactionDeadlineMs (Discord's 3 s for the first callback; off by default), guilds (that many more guilds, one
 * text channel each: `extraGuilds`).
 *
 * API (see FakeDiscord below for signatures):
 * - identity: apiUrl (pass as `rest.api`), gatewayUrl, token (expected bot token), applicationId,
 *   guildId, channelId (text), newsChannelId (type 5), forumChannelId (type 15), botUser.
 * - REST log: `requests` (every request, in order: method, path relative to /api/v10 and URL-decoded
 *   so `@original` reads as such, query, headers, body = parsed JSON or the multipart `payload_json`,
 *   files, status, responseBody, injected, unknown, receivedAt), `unknownRequests`, `clearRequests()`,
 *   `waitForRequest(predicate, timeoutMs = 2000)` (also resolves for already-recorded requests).
 * - Failure injection: `failNext(method, pathRegex, { status, retryAfter?, times?, body? })` answers the
 *   next `times` (default 1) matching requests with that status; 429 carries Retry-After, X-RateLimit-*
 *   headers and Discord's JSON body. Injected requests are recorded with `injected: true`.
 *   `failChannel(channelId, 50001 | 50013 | 10003)` makes a channel answer as one the bot lost (Missing
 *   Access, Missing Permissions on posting routes, Unknown Channel) until `failChannel(channelId)`.
 *   `leaveGuild(guildId)` removes the bot from a guild (GUILD_DELETE; its channels answer 403 from then on).
 * - Permissions: `setRolePermissions(roleId, bits)` and `setPermissionOverwrites(channelId, overwrites)` change what the
 *   bot may do (GUILD_ROLE_UPDATE / CHANNEL_UPDATE dispatched); `botPermissionsIn(channelId)` computes it as Discord
 *   does (roles, owner/administrator, overwrites for @everyone, roles, member; a thread takes its parent's). Refused as
 *   Discord refuses: no View Channel answers 50001 on every route of the channel; posting without Send Messages (Send
 *   Messages in Threads in a thread, Create Posts in a forum), a thread without Create Public Threads: 50013. Without
 *   Embed Links a message is made with its embeds dropped, as Discord does.
 * - Guild scheduled events (external): `GET/POST /guilds/{id}/scheduled-events`, `GET/PATCH/DELETE .../{event}`, with
 *   Discord's checks (Create Events or Manage Events; name and location 1-100, description 1000; a start in the
 *   future and an end after it; status only SCHEDULED -> ACTIVE | CANCELED and ACTIVE -> COMPLETED; 10070 for an
 *   unknown one); `scheduledEvents(guildId)` lists them.
 * - Time: `advanceTime(ms)` moves Discord's clock on (snowflakes, timestamps, the enforce_nonce window).
 * - State: `commands` (global), `guildCommands(guildId)`, `messages(channelId)`, `getMessage(id)`,
 *   `getChannel(id)` (live, mutable objects), `postAsMember(channelId, content)` (someone chatting). REST
 *   reads: `GET /channels/{id}/messages?limit=&before=|after=|around=` (pages of at most 100, newest first,
 *   without the nonce: Discord does not keep it) and `GET /guilds/{id}/threads/active`, for bots that
 *   reconcile by looking at what they posted. Threads: `POST /channels/{id}/threads` (forum posts with tags, or a
 *   thread without a message) and `POST /channels/{id}/messages/{id}/threads` (a public thread on a message, with the
 *   message's id; a second one refused with 160004), names of at most 100 code points, auto_archive_duration checked;
 *   a thread is a channel to post in (Send Messages in Threads).
 * - Gateway: `dispatch(event, data)` sends a dispatch with the next sequence number (buffered and
 *   replayed on RESUME while the socket is down; a resume from before the last 1,000 or so is refused
 *   with op 9, as Discord refuses a stale one); `dropConnection(code = 4000)` closes the socket
 *   (1006 terminates it without a close frame) so the client resumes; `invalidateSession()` sends
 *   op 9 `false` and forgets sessions (the client re-identifies); `closeSession(code)` ends the session as
 *   Discord does with that close code and its reason: the socket closes and the session cannot be resumed; 4004 (the
 *   token was reset) also makes the token fail from then on, on the gateway and REST; `ackHeartbeats` (set false to make
 *   the client see a zombie connection); counters `identifyCount`, `resumeCount`, `connectionCount`;
 *   `gatewayFrames` (every frame the client sent) and `waitForGateway(predicate, timeoutMs)`.
 * - Sharding: an IDENTIFY with `shard: [id, count]` gets only the guilds with `(guild_id >> 22) % count == id` in READY
 *   and GUILD_CREATE (`shardOfGuild`), and every later event of a guild goes to its shard's session (an id not below
 *   count is closed with 4010); `shardGuilds(id)` lists what a shard was sent. GET /gateway/bot recommends
 *   `recommendedShards` (default 1) with `maxConcurrency` (default 1). The `guilds` option's ids differ in the bits
 *   Discord shards by, so consecutive ones land on different shards.
 * - Interactions: `sendInteraction(payload, timeoutMs = 2000)` dispatches INTERACTION_CREATE and
 *   resolves with the body of the first accepted POST to that interaction's callback URL. With
 *   `interactionDeadlineMs`, a first callback that reaches the fake later than that after the dispatch is
 *   refused with 10062 Unknown interaction, as Discord refuses one after its 3 s.
 * - Interactions over HTTP: after `setInteractionsEndpoint({ urls, privateKey })` (an Interactions Endpoint URL set in
 *   the Developer Portal), `sendInteraction` POSTs the interaction to the endpoint instead, signed as Discord signs it
 *   (Ed25519 over X-Signature-Timestamp + body; `signInteraction` below), to one URL or, given several, to each in
 *   turn as a load balancer would, trying the next when one cannot be reached. The HTTP response is taken as the
 *   interaction's callback: validated, recorded in `requests` as `POST /interactions/{id}/{token}/callback` with
 *   `deliveredTo` set, and its message made, so the webhook edits and follow-ups that come after it work as for the
 *   gateway. `deliveries` lists every attempt; `verifyEndpoint(url)` does what Discord does when the URL is saved (a
 *   PING it must PONG, and one with a bad signature it must refuse with 401).
 * - `close()` terminates sockets and closes the server.
 *
 * Discord behaviours reproduced: Bot-token auth on authed routes (interaction callbacks and webhook
 * routes take none), 401 on a wrong token, 404 + JSON for unknown routes, 40060 on a second callback,
 * 10062 for unknown interactions, 50006/50035 for empty or oversized messages (lengths in code points, as Discord
 * counts them; half an emoji refused), nonce + enforce_nonce
 * deduplication within a 5-minute window, 40033 on a repeated crosspost, 50008 when posting a message into a forum, command
 * bulk-overwrite keeping ids of unchanged names, MESSAGE_CREATE/THREAD_CREATE echoes gated by intents, 50001 (403)
 * for a channel of a guild the bot is not in.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import type { APIInteraction, APIInteractionResponse, APIMessage, APIUser } from 'discord-api-types/v10';

// ---------------------------------------------------------------------------------------------------
// Fixed world: ids, permissions, snowflakes

/** Ids of the default fake world. The bot user id equals the application id, as on Discord. */
export const FAKE_IDS = {
  applicationId: '1100000000000000001',
  guildId: '1200000000000000001',
  textChannelId: '1300000000000000001',
  newsChannelId: '1300000000000000002',
  forumChannelId: '1300000000000000003',
  botRoleId: '1400000000000000001',
  moderatorRoleId: '1400000000000000002',
  forumTagEpisodeId: '1450000000000000001',
  forumTagDiscussionId: '1450000000000000002',
  ownerId: '1500000000000000009',
  userId: '1500000000000000001',
  /** With `otherGuild`: a second guild the bot is in, with one text channel. */
  otherGuildId: '1200000000000000002',
  otherTextChannelId: '1300000000000000011',
  /** With `otherGuild`: a text channel of a guild the bot is not in (REST GET /channels/{id} knows it, the gateway never sends it). */
  strangerGuildId: '1200000000000000003',
  strangerChannelId: '1300000000000000021',
} as const;

const bits = (...flags: bigint[]): string => flags.reduce((a, b) => a | b, 0n).toString();

/** What a regular member may do (string bitfield, as Discord sends `member.permissions`). */
export const MEMBER_PERMISSIONS = bits(
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.CreatePublicThreads,
  PermissionFlagsBits.ReadMessageHistory,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.AttachFiles,
  PermissionFlagsBits.AddReactions,
  PermissionFlagsBits.UseExternalEmojis,
  PermissionFlagsBits.UseApplicationCommands,
  PermissionFlagsBits.Connect,
  PermissionFlagsBits.Speak,
  PermissionFlagsBits.ChangeNickname,
  PermissionFlagsBits.CreateInstantInvite,
);

/** A server admin for Podcord's purposes: a member who also has Manage Server. */
export const ADMIN_PERMISSIONS = (BigInt(MEMBER_PERMISSIONS) | PermissionFlagsBits.ManageGuild).toString();

/** The bot's role permissions (also sent as `app_permissions`). */
export const BOT_PERMISSIONS = bits(
  BigInt(MEMBER_PERMISSIONS),
  PermissionFlagsBits.ManageMessages,
  PermissionFlagsBits.ManageThreads,
  PermissionFlagsBits.CreatePublicThreads,
  PermissionFlagsBits.CreateEvents,
);

const DISCORD_EPOCH = 1420070400000n;
let snowflakeIncrement = 0n;
/** A fresh, valid snowflake whose timestamp is `at` (default now). */
export function snowflake(at: number = Date.now()): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(Math.floor(at)) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

/** A signature as Discord puts in X-Signature-Ed25519: Ed25519 over the timestamp followed by the body, in hex. */
export function signInteraction(privateKey: KeyObject, body: string, timestamp: string): string {
  return sign(null, Buffer.from(timestamp + body, 'utf8'), privateKey).toString('hex');
}

/** A fresh application key pair: the private half signs (the fake), the public half in hex is DISCORD_PUBLIC_KEY. */
export function interactionKeyPair(): { privateKey: KeyObject; publicKeyHex: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (x === undefined) throw new Error('an Ed25519 JWK without x');
  return { privateKey, publicKeyHex: Buffer.from(x, 'base64url').toString('hex') };
}

// ---------------------------------------------------------------------------------------------------
// Public types

type Json = Record<string, unknown>;

export interface FakeDiscordOptions {
  /** Bot token the fake accepts. Default 'fake-bot-token'. */
  token?: string;
  /** Interval advertised in HELLO. Default 41250 (so no heartbeat happens in a short test). */
  heartbeatIntervalMs?: number;
  /** Echo MESSAGE_CREATE / THREAD_CREATE for messages the bot creates (gated by intents). Default true. */
  echoEvents?: boolean;
  /** Guild member count in GUILD_CREATE. Default 42. */
  memberCount?: number;
  botUsername?: string;
  /**
   * A second guild the bot is in ('Other Fans', FAKE_IDS.otherGuildId, text channel FAKE_IDS.otherTextChannelId, sent
   * in READY and GUILD_CREATE like the first), and a channel of a guild the bot is not in (FAKE_IDS.strangerChannelId).
   * Default false: one guild.
   */
  otherGuild?: boolean;
  /**
   * Refuse a first callback that arrives more than this many ms after its INTERACTION_CREATE was dispatched, with
   * Discord's 404 10062 Unknown interaction (Discord's deadline is 3000). Default: none, so a loaded machine does not
   * fail tests that are not about it.
   */
  interactionDeadlineMs?: number;
  /**
   * More guilds the bot is in, each with one text channel ('Guild <n>' / 'news-<n>'), sent in READY and GUILD_CREATE
   * like the first: `extraGuilds` lists their ids. Default 0.
   */
  guilds?: number;
  /** The shard count GET /gateway/bot recommends. Default 1. */
  recommendedShards?: number;
  /** GET /gateway/bot's session_start_limit.max_concurrency: shards that may identify at once. Default 1. */
  maxConcurrency?: number;
}

/** One of the `guilds` the fake adds. */
export interface ExtraGuild {
  guildId: string;
  /** Its text channel. */
  channelId: string;
}

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface RecordedRequest {
  /** Position in the log since start (not reset by clearRequests). */
  index: number;
  method: string;
  /** Path after `/api/v10`, segments URL-decoded: `/webhooks/1/tok/messages/@original`. */
  path: string;
  /** Path exactly as received, including `/api/v10`. */
  rawPath: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the parsed `payload_json` part of a multipart body; null when empty. */
  body: unknown;
  files: RecordedFile[];
  status: number;
  responseBody: unknown;
  /** Answered by failNext(). */
  injected: boolean;
  /** No such route in the fake (answered 404). */
  unknown: boolean;
  /**
   * When the request reached the server, before the fake read or handled it: milliseconds on the system's monotonic
   * clock (process.hrtime), which every process on the machine shares, unlike performance.timeOrigin-based stamps.
   */
  receivedAt: number;
  /** An interaction delivered by HTTP: the endpoint whose HTTP response this record is (as its callback). */
  deliveredTo?: string;
}

/** One attempt to POST an interaction to the interactions endpoint. */
export interface InteractionDelivery {
  interactionId: string;
  url: string;
  /** The endpoint's HTTP status, or 'unreachable' (refused, reset, no answer in time). */
  status: number | 'unreachable';
  /** Why it was unreachable, or the body of a response that was not 200. */
  error?: string;
}

/** Where interactions go once an Interactions Endpoint URL is set, and the key they are signed with. */
export interface InteractionsEndpoint {
  urls: readonly string[];
  privateKey: KeyObject;
}

export interface FailureSpec {
  status: number;
  /** Seconds, for 429 (Retry-After header and body retry_after). Default 0.1. */
  retryAfter?: number;
  /** How many matching requests fail. Default 1. */
  times?: number;
  /** JSON body to answer with instead of the default one. */
  body?: Json;
}

export type ChannelFailureCode = 50001 | 50013 | 10003;

export interface GatewayFrame {
  op: number;
  d: unknown;
  /** Which connection (1-based, in order of connection) sent it. */
  connection: number;
}

export interface FakeChannel extends Json {
  id: string;
  type: number;
  name: string;
}

export interface FakeDiscord {
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly newsChannelId: string;
  readonly forumChannelId: string;
  readonly botUser: APIUser;
  /** With the `guilds` option: the extra guilds, in order. */
  readonly extraGuilds: readonly ExtraGuild[];

  readonly requests: readonly RecordedRequest[];
  readonly unknownRequests: readonly RecordedRequest[];
  clearRequests(): void;
  waitForRequest(predicate: (request: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  failNext(method: string, path: RegExp, spec: FailureSpec): void;
  /** Forgets every failure failNext() set that has not been used up. */
  clearFailures(): void;
  /**
   * Until called again without a code, the channel answers as Discord does when the bot lost it: 50001 Missing
   * Access (403, every route of the channel), 50013 Missing Permissions (403, routes that post: messages, threads,
   * crossposts) or 10003 Unknown Channel (404, every route; deleted without the client hearing of it yet).
   */
  failChannel(channelId: string, code?: ChannelFailureCode): void;
  /**
   * The bot is removed from a guild (kicked, or the guild deleted): GUILD_DELETE without `unavailable` is dispatched,
   * and from then on its channels answer as those of a guild the bot is not in (403 Missing Access).
   */
  leaveGuild(guildId: string): void;
  /**
   * Sets a channel's permission overwrites (`type` 0 a role, 1 a member; allow/deny string bitfields) and dispatches
   * CHANNEL_UPDATE, as a manager editing the channel's permissions. The fake enforces the bot's permissions computed
   * from roles and overwrites as Discord does: see `botPermissionsIn`.
   */
  setPermissionOverwrites(channelId: string, overwrites: readonly { id: string; type: 0 | 1; allow: string; deny: string }[]): void;
  /** Sets a role's permissions (string bitfield) in the main guild and dispatches GUILD_ROLE_UPDATE. */
  setRolePermissions(roleId: string, permissions: string): void;
  /** The bot's permissions in a channel (a thread: its parent's), computed from its roles and the overwrites. */
  botPermissionsIn(channelId: string): bigint;
  /** The guild's scheduled events (live objects), in order of creation. */
  scheduledEvents(guildId: string): readonly Json[];
  /** A message by a member (not the bot) in a channel, as if someone chatted there; MESSAGE_CREATE is dispatched. */
  postAsMember(channelId: string, content: string): APIMessage;
  /**
   * Moves the fake's clock (Discord's side) forward: later messages and threads carry later snowflakes and
   * timestamps, and enforced nonces older than the nonce window no longer deduplicate.
   */
  advanceTime(ms: number): void;

  readonly commands: readonly Json[];
  guildCommands(guildId: string): readonly Json[];
  messages(channelId: string): readonly APIMessage[];
  getMessage(id: string): APIMessage | undefined;
  getChannel(id: string): FakeChannel | undefined;

  dispatch(event: string, data: unknown): number;
  dropConnection(code?: number): void;
  invalidateSession(): void;
  closeSession(code: number): void;
  ackHeartbeats: boolean;
  readonly identifyCount: number;
  /** The guild ids a shard was sent in READY and GUILD_CREATE at its latest identify (shard 0 when unsharded). */
  shardGuilds(shardId: number): readonly string[] | undefined;
  readonly resumeCount: number;
  readonly connectionCount: number;
  readonly gatewayFrames: readonly GatewayFrame[];
  waitForGateway(predicate: (frame: GatewayFrame) => boolean, timeoutMs?: number): Promise<GatewayFrame>;

  sendInteraction(payload: APIInteraction, timeoutMs?: number): Promise<APIInteractionResponse>;
  /** Interactions are POSTed to these URLs from now on (undefined: back to the gateway). */
  setInteractionsEndpoint(endpoint: InteractionsEndpoint | undefined): void;
  readonly deliveries: readonly InteractionDelivery[];
  /** What Discord checks when the endpoint URL is saved: a signed PING gets PONG, a badly signed one gets 401. */
  verifyEndpoint(url: string): Promise<{ pong: boolean; refusesBadSignature: boolean }>;

  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Internals

class HttpError {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {}
}

const notFound = (what: string, code: number): HttpError => new HttpError(404, { message: `Unknown ${what}`, code });
const invalidForm = (field: string, message: string): HttpError =>
  new HttpError(400, {
    message: 'Invalid Form Body',
    code: 50035,
    errors: { [field]: { _errors: [{ code: 'BASE_TYPE_INVALID', message }] } },
  });

/**
 * Dispatches kept for a resume, as Discord keeps only a recent window: a session resumed from further back is told to
 * identify again. Bounded, so a long benchmark's fake does not grow (and pause for major GCs) with every event sent.
 */
const RESUME_BUFFER = 1_000;

interface Session {
  id: string;
  seq: number;
  /**
   * The last RESUME_BUFFER to 2 x RESUME_BUFFER dispatches (trimmed in batches), for a resume to replay. Kept as the
   * frames sent, one flat string each: the payload objects die young instead of being traced by every GC while kept.
   */
  history: { s: number; frame: string }[];
  socket: WebSocket | null;
  intents: number;
  /** [shard_id, num_shards] from IDENTIFY, when the client sharded. */
  shard?: [number, number];
}

/** The shard a guild's events go to, as Discord computes it. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  commandType: number | undefined;
  channelId: string;
  guildId: string | undefined;
  /** Message the component was on (components/modals from a message). */
  sourceMessageId: string | undefined;
  acknowledged: boolean;
  originalMessageId: string | undefined;
  user: APIUser | undefined;
  /** When INTERACTION_CREATE was sent, on the clock of RecordedRequest.receivedAt. */
  dispatchedAt: number;
  /** Delivered by HTTP and its response not read yet: webhook requests wait for it (the bot may send one right after). */
  response?: Promise<unknown>;
}

interface Waiter<T> {
  predicate: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Route {
  method: string;
  segments: string[];
  auth: boolean;
  handler: (ctx: RouteContext) => Promise<RouteResult> | RouteResult;
}

interface RouteContext {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  files: RecordedFile[];
  /** RecordedRequest.receivedAt of this request. */
  receivedAt: number;
}

interface RouteResult {
  status: number;
  body?: unknown;
}

const NONCE_WINDOW_MS = 5 * 60_000;

/** The reasons Discord's gateway gives with its close codes. */
const CLOSE_REASONS: Record<number, string> = {
  4000: 'Unknown error.',
  4004: 'Authentication failed.',
  4007: 'Invalid seq.',
  4009: 'Session timed out.',
  4010: 'Invalid shard.',
  4011: 'Sharding required.',
  4012: 'Invalid API version.',
  4013: 'Invalid intent(s).',
  4014: 'Disallowed intent(s).',
};
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function waitFor<T>(
  items: readonly T[],
  waiters: Set<Waiter<T>>,
  predicate: (item: T) => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<T> {
  const existing = items.find(predicate);
  if (existing !== undefined) return Promise.resolve(existing);
  return new Promise<T>((resolve, reject) => {
    const waiter: Waiter<T> = {
      predicate,
      resolve,
      reject,
      timer: setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`fakeDiscord: nothing matched within ${timeoutMs} ms. ${describe()}`));
      }, timeoutMs),
    };
    waiters.add(waiter);
  });
}

function notify<T>(waiters: Set<Waiter<T>>, item: T): void {
  for (const waiter of [...waiters]) {
    if (waiter.predicate(item)) {
      clearTimeout(waiter.timer);
      waiters.delete(waiter);
      waiter.resolve(item);
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

async function parseBody(raw: Buffer, contentType: string | undefined): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: null, files: [] };
  if (contentType?.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    let body: unknown = null;
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
      } else {
        files.push({ field, filename: value.name, contentType: value.type, size: value.size });
      }
    }
    return { body, files };
  }
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text), files: [] };
  } catch {
    return { body: text, files: [] };
  }
}

// ---------------------------------------------------------------------------------------------------
// Validation of message and command bodies (the limits Discord enforces that bots commonly trip on)

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A text's length as Discord measures it: in code points (its API counts with Python's len()), so an emoji is one
 * character, not two as in `string.length`. Half of a surrogate pair (a string cut in the middle of an emoji) is not
 * text at all: refused here (assumed: Discord cannot store it as UTF-8), which also shows where a bot cut badly.
 */
function textLength(field: string, value: string): number {
  if (LONE_SURROGATE.test(value)) throw invalidForm(field, 'Must be valid Unicode (half of a surrogate pair).');
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function validateMessageBody(body: Json, { create }: { create: boolean }): void {
  const flags = typeof body['flags'] === 'number' ? body['flags'] : 0;
  const componentsV2 = (flags & MessageFlags.IsComponentsV2) !== 0;
  const content = body['content'];
  if (typeof content === 'string' && textLength('content', content) > 2000) {
    throw invalidForm('content', 'Must be 2000 or fewer in length.');
  }
  const embeds = body['embeds'];
  if (Array.isArray(embeds)) {
    if (embeds.length > 10) throw invalidForm('embeds', 'Must be 10 or fewer in length.');
    let total = 0;
    embeds.forEach((embed: unknown, i) => {
      if (!isObject(embed)) throw invalidForm(`embeds.${i}`, 'Must be an object.');
      const limit = (key: string, max: number, value: unknown): void => {
        if (typeof value !== 'string') return;
        const length = textLength(`embeds.${i}.${key}`, value);
        total += length;
        if (length > max) throw invalidForm(`embeds.${i}.${key}`, `Must be ${max} or fewer in length.`);
      };
      limit('title', 256, embed['title']);
      limit('description', 4096, embed['description']);
      if (isObject(embed['footer'])) limit('footer.text', 2048, embed['footer']['text']);
      if (isObject(embed['author'])) limit('author.name', 256, embed['author']['name']);
      const fields = embed['fields'];
      if (Array.isArray(fields)) {
        if (fields.length > 25) throw invalidForm(`embeds.${i}.fields`, 'Must be 25 or fewer in length.');
        fields.forEach((field: unknown, j) => {
          if (!isObject(field)) return;
          if (typeof field['name'] !== 'string' || field['name'].length === 0) {
            throw invalidForm(`embeds.${i}.fields.${j}.name`, 'This field is required');
          }
          if (typeof field['value'] !== 'string' || field['value'].length === 0) {
            throw invalidForm(`embeds.${i}.fields.${j}.value`, 'This field is required');
          }
          limit(`fields.${j}.name`, 256, field['name']);
          limit(`fields.${j}.value`, 1024, field['value']);
        });
      }
    });
    if (total > 6000) throw invalidForm('embeds', 'Embed size exceeds maximum size of 6000');
  }
  const components = body['components'];
  if (Array.isArray(components) && !componentsV2) {
    if (components.length > 5) throw invalidForm('components', 'Must be 5 or fewer in length.');
    components.forEach((row: unknown, i) => {
      if (!isObject(row) || !Array.isArray(row['components'])) return;
      if (row['components'].length > 5) throw invalidForm(`components.${i}.components`, 'Must be 5 or fewer in length.');
      row['components'].forEach((component: unknown, j) => {
        if (!isObject(component)) return;
        const customId = component['custom_id'];
        if (typeof customId === 'string' && textLength(`components.${i}.components.${j}.custom_id`, customId) > 100) {
          throw invalidForm(`components.${i}.components.${j}.custom_id`, 'Must be 100 or fewer in length.');
        }
        const label = component['label'];
        if (typeof label === 'string' && textLength(`components.${i}.components.${j}.label`, label) > 80) {
          throw invalidForm(`components.${i}.components.${j}.label`, 'Must be 80 or fewer in length.');
        }
      });
    });
  }
  if (create && !componentsV2) {
    const empty =
      !(typeof content === 'string' && content.length > 0) &&
      !(Array.isArray(embeds) && embeds.length > 0) &&
      !(Array.isArray(components) && components.length > 0) &&
      !(Array.isArray(body['attachments']) && body['attachments'].length > 0) &&
      !(Array.isArray(body['sticker_ids']) && body['sticker_ids'].length > 0) &&
      !isObject(body['poll']);
    if (empty) throw new HttpError(400, { message: 'Cannot send an empty message', code: 50006 });
  }
}

const NAME_RE = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateCommand(command: unknown, where: string): Json {
  if (!isObject(command)) throw invalidForm(where, 'Must be an object.');
  const type = typeof command['type'] === 'number' ? command['type'] : ApplicationCommandType.ChatInput;
  const name = command['name'];
  if (typeof name !== 'string') throw invalidForm(`${where}.name`, 'This field is required');
  if (type === ApplicationCommandType.ChatInput) {
    if (!NAME_RE.test(name) || name !== name.toLowerCase()) {
      throw invalidForm(`${where}.name`, 'Command name is invalid');
    }
    const description = command['description'];
    if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
      throw invalidForm(`${where}.description`, 'Must be between 1 and 100 in length.');
    }
    validateOptions(command['options'], `${where}.options`, 0);
  } else if (name.length < 1 || name.length > 32) {
    throw invalidForm(`${where}.name`, 'Must be between 1 and 32 in length.');
  }
  return command;
}

function validateOptions(options: unknown, where: string, depth: number): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) throw invalidForm(where, 'Must be an array.');
  if (options.length > 25) throw invalidForm(where, 'Must be 25 or fewer in length.');
  let seenOptional = false;
  const names = new Set<string>();
  options.forEach((option: unknown, i) => {
    const at = `${where}.${i}`;
    if (!isObject(option)) throw invalidForm(at, 'Must be an object.');
    const name = option['name'];
    if (typeof name !== 'string' || !NAME_RE.test(name) || name !== name.toLowerCase()) {
      throw invalidForm(`${at}.name`, 'Command name is invalid');
    }
    if (names.has(name)) throw invalidForm(`${at}.name`, 'Option names must be unique');
    names.add(name);
    const description = option['description'];
    if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
      throw invalidForm(`${at}.description`, 'Must be between 1 and 100 in length.');
    }
    const type = option['type'];
    if (type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup) {
      if (depth >= (type === ApplicationCommandOptionType.SubcommandGroup ? 1 : 2)) {
        throw invalidForm(`${at}.type`, 'Sub-command nesting is too deep');
      }
      validateOptions(option['options'], `${at}.options`, depth + 1);
      return;
    }
    if (option['required'] === true) {
      if (seenOptional) throw invalidForm(`${at}.required`, 'Required options must be placed before non-required options');
    } else {
      seenOptional = true;
    }
    const choices = option['choices'];
    if (Array.isArray(choices)) {
      if (choices.length > 25) throw invalidForm(`${at}.choices`, 'Must be 25 or fewer in length.');
      if (option['autocomplete'] === true && choices.length > 0) {
        throw invalidForm(`${at}.autocomplete`, 'Autocomplete cannot be set with choices');
      }
    }
  });
}

function validateAutocompleteChoices(data: unknown): void {
  const choices = isObject(data) ? data['choices'] : undefined;
  if (!Array.isArray(choices)) throw invalidForm('data.choices', 'This field is required');
  if (choices.length > 25) throw invalidForm('data.choices', 'Must be 25 or fewer in length.');
  choices.forEach((choice: unknown, i) => {
    if (!isObject(choice)) throw invalidForm(`data.choices.${i}`, 'Must be an object.');
    const name = choice['name'];
    if (typeof name !== 'string' || name.length < 1 || textLength(`data.choices.${i}.name`, name) > 100) {
      throw invalidForm(`data.choices.${i}.name`, 'Must be between 1 and 100 in length.');
    }
    const value = choice['value'];
    if (typeof value === 'string' && textLength(`data.choices.${i}.value`, value) > 100) {
      throw invalidForm(`data.choices.${i}.value`, 'Must be 100 or fewer in length.');
    }
  });
}

// ---------------------------------------------------------------------------------------------------

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? 'fake-bot-token';
  const heartbeatInterval = options.heartbeatIntervalMs ?? 41_250;
  const echoEvents = options.echoEvents ?? true;
  const ids = FAKE_IDS;
  const now = new Date().toISOString();

  const botUser: APIUser = {
    id: ids.applicationId,
    username: options.botUsername ?? 'Podcord',
    discriminator: '0000',
    global_name: null,
    avatar: null,
    bot: true,
    mfa_enabled: true,
    verified: true,
  };

  const everyoneRole = {
    id: ids.guildId,
    name: '@everyone',
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 0,
    permissions: MEMBER_PERMISSIONS,
    managed: false,
    mentionable: false,
    flags: 0,
  };
  const roles: Json[] = [
    everyoneRole,
    { ...everyoneRole, id: ids.moderatorRoleId, name: 'Moderator', position: 1, permissions: ADMIN_PERMISSIONS },
    {
      ...everyoneRole,
      id: ids.botRoleId,
      name: botUser.username,
      position: 2,
      permissions: BOT_PERMISSIONS,
      managed: true,
      tags: { bot_id: botUser.id },
    },
  ];

  const channelBase = (id: string, type: number, name: string, position: number, guildId: string = ids.guildId): FakeChannel => ({
    id,
    type,
    name,
    guild_id: guildId,
    position,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    flags: 0,
    rate_limit_per_user: 0,
    topic: null,
    last_message_id: null,
  });
  const channels = new Map<string, FakeChannel>();
  channels.set(ids.textChannelId, channelBase(ids.textChannelId, ChannelType.GuildText, 'general', 0));
  channels.set(ids.newsChannelId, channelBase(ids.newsChannelId, ChannelType.GuildAnnouncement, 'new-episodes', 1));
  channels.set(ids.forumChannelId, {
    ...channelBase(ids.forumChannelId, ChannelType.GuildForum, 'episode-discussion', 2),
    available_tags: [
      { id: ids.forumTagEpisodeId, name: 'Episode', moderated: false, emoji_id: null, emoji_name: null },
      { id: ids.forumTagDiscussionId, name: 'Discussion', moderated: false, emoji_id: null, emoji_name: null },
    ],
    default_reaction_emoji: null,
    default_sort_order: null,
    default_forum_layout: 0,
    default_thread_rate_limit_per_user: 0,
    default_auto_archive_duration: 4320,
  });
  /** Guilds the bot is in: READY lists them and each gets a GUILD_CREATE. */
  const joinedGuilds: string[] = [ids.guildId];
  if (options.otherGuild) {
    joinedGuilds.push(ids.otherGuildId);
    channels.set(ids.otherTextChannelId, channelBase(ids.otherTextChannelId, ChannelType.GuildText, 'other-general', 0, ids.otherGuildId));
    channels.set(ids.strangerChannelId, channelBase(ids.strangerChannelId, ChannelType.GuildText, 'stranger', 0, ids.strangerGuildId));
  }
  const extraGuilds: ExtraGuild[] = Array.from({ length: options.guilds ?? 0 }, (_, i) => ({
    // Apart in the bits Discord shards by (above the low 22), so consecutive guilds land on different shards.
    guildId: String(1210000000000000000n + (BigInt(i) << 22n)),
    channelId: String(1310000000000000000n + BigInt(i)),
  }));
  extraGuilds.forEach(({ guildId, channelId }, i) => {
    joinedGuilds.push(guildId);
    channels.set(channelId, channelBase(channelId, ChannelType.GuildText, `news-${i}`, 0, guildId));
  });
  const isJoined = (guildId: string | undefined): boolean => guildId !== undefined && joinedGuilds.includes(guildId);
  const inGuild = (guildId: string | undefined) => (channel: FakeChannel): boolean => channel['guild_id'] === guildId;

  const botMember = {
    user: botUser,
    nick: null,
    avatar: null,
    banner: null,
    roles: [ids.botRoleId],
    joined_at: now,
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    communication_disabled_until: null,
  };

  /** The other guild has only its @everyone role; the bot's member there holds none. */
  const rolesOf = (guildId: string): Json[] => (guildId === ids.guildId ? roles : [{ ...everyoneRole, id: guildId }]);
  const guildJson = (guildId: string = ids.guildId): Json => ({
    id: guildId,
    name: guildId === ids.guildId ? 'Podcast Fans' : guildId === ids.otherGuildId ? 'Other Fans' : `Guild ${extraGuilds.findIndex((g) => g.guildId === guildId)}`,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: ids.ownerId,
    region: 'europe',
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 2,
    roles: rolesOf(guildId),
    emojis: [],
    features: ['NEWS', 'COMMUNITY'],
    mfa_level: 0,
    application_id: null,
    system_channel_id:
      guildId === ids.guildId ? ids.textChannelId : (extraGuilds.find((g) => g.guildId === guildId)?.channelId ?? ids.otherTextChannelId),
    system_channel_flags: 0,
    rules_channel_id: null,
    max_presences: null,
    max_members: 500_000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: 0,
    stickers: [],
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    hub_type: null,
    incidents_data: null,
  });
  const guildCreatePayload = (guildId: string = ids.guildId): Json => ({
    ...guildJson(guildId),
    joined_at: now,
    large: false,
    unavailable: false,
    member_count: options.memberCount ?? 42,
    voice_states: [],
    members: [guildId === ids.guildId ? botMember : { ...botMember, roles: [] }],
    channels: [...channels.values()].filter((c) => !isThread(c) && inGuild(guildId)(c)),
    threads: [...channels.values()].filter((c) => isThread(c) && inGuild(guildId)(c)),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  });

  // ---- state
  const requests: RecordedRequest[] = [];
  let requestIndex = 0;
  const requestWaiters = new Set<Waiter<RecordedRequest>>();
  const failures: { method: string; path: RegExp; spec: FailureSpec; remaining: number }[] = [];
  const globalCommands: Json[] = [];
  const guildCommandSets = new Map<string, Json[]>();
  const messages = new Map<string, APIMessage>();
  const nonces = new Map<string, { messageId: string; at: number }>();
  const failingChannels = new Map<string, ChannelFailureCode>();
  /** Discord's clock: the real one, moved forward by advanceTime(). */
  let clockOffset = 0;
  const clock = (): number => Date.now() + clockOffset;
  /** Set: interactions are POSTed there instead of dispatched on the gateway. */
  let endpoint: InteractionsEndpoint | undefined;
  /** The endpoint URL the next delivery starts at (round robin). */
  let nextEndpoint = 0;
  const deliveries: InteractionDelivery[] = [];
  const interactions = new Map<string, InteractionRecord>(); // by token
  const interactionsById = new Map<string, InteractionRecord>();
  const sessions = new Map<string, Session>();
  let currentSession: Session | null = null;
  /** Sharded sessions by shard id (the latest identify of each); guild events go to their guild's shard. */
  const shardSessions = new Map<number, Session>();
  /** The guilds each shard id was sent in READY / GUILD_CREATE (latest identify). */
  const shardGuilds = new Map<number, string[]>();
  const gatewayFrames: GatewayFrame[] = [];
  const gatewayWaiters = new Set<Waiter<GatewayFrame>>();
  const sockets = new Set<WebSocket>();
  let identifyCount = 0;
  let resumeCount = 0;
  /** Set by closeSession(4004): the token was reset, so it no longer authenticates anywhere. */
  let tokenRevoked = false;
  const acceptsToken = (candidate: unknown): boolean => !tokenRevoked && candidate === token;
  let connectionCount = 0;
  let closed = false;

  function isThread(channel: FakeChannel): boolean {
    return (
      channel.type === ChannelType.PublicThread ||
      channel.type === ChannelType.PrivateThread ||
      channel.type === ChannelType.AnnouncementThread
    );
  }

  // ---- gateway
  /** The TCP socket under each gateway connection, corked while a tick's frames gather. */
  const tcpSockets = new WeakMap<WebSocket, Duplex>();
  function send(socket: WebSocket, payload: Json | string): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    // Frames sent in the same tick leave in one TCP write, as a burst from Discord's gateway can arrive together.
    const tcp = tcpSockets.get(socket);
    if (tcp && tcp.writableCorked === 0) {
      tcp.cork();
      process.nextTick(() => tcp.uncork());
    }
    socket.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  /** The sharded session a guild's events go to, if the client sharded. */
  function sessionFor(event: string, data: unknown): Session | null {
    if (shardSessions.size === 0 || !isObject(data)) return currentSession;
    const guildId = typeof data['guild_id'] === 'string' ? data['guild_id'] : event.startsWith('GUILD_') && typeof data['id'] === 'string' ? data['id'] : undefined;
    if (guildId === undefined) return currentSession;
    for (const session of shardSessions.values()) if (session.shard && shardOfGuild(guildId, session.shard[1]) === session.shard[0]) return session;
    return currentSession;
  }

  function dispatch(event: string, data: unknown, to?: Session): number {
    const session = to ?? sessionFor(event, data);
    if (!session) throw new Error(`fakeDiscord: cannot dispatch ${event}: no gateway session (client not logged in?)`);
    const entry = { s: ++session.seq, frame: JSON.stringify({ op: 0, t: event, s: session.seq, d: data }) };
    session.history.push(entry);
    if (session.history.length > 2 * RESUME_BUFFER) session.history.splice(0, session.history.length - RESUME_BUFFER);
    if (session.socket) send(session.socket, entry.frame);
    return entry.s;
  }

  function echo(event: string, data: unknown, intent: number): void {
    if (!echoEvents || !currentSession || (currentSession.intents & intent) === 0) return;
    dispatch(event, data);
  }

  function onGatewayConnection(socket: WebSocket, connection: number): void {
    sockets.add(socket);
    let authenticated = false;
    send(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: heartbeatInterval }, s: null, t: null });

    socket.on('message', (raw: RawData) => {
      let frame: Json;
      try {
        frame = JSON.parse(raw.toString()) as Json;
      } catch {
        socket.close(4002, 'Error while decoding payload.');
        return;
      }
      const op = typeof frame['op'] === 'number' ? frame['op'] : -1;
      const d = frame['d'];
      const record: GatewayFrame = { op, d, connection };
      gatewayFrames.push(record);

      switch (op) {
        case GatewayOpcodes.Heartbeat:
          if (fake.ackHeartbeats) send(socket, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
          break;
        case GatewayOpcodes.Identify: {
          if (authenticated) return socket.close(4005, 'Already authenticated.');
          if (!isObject(d) || !acceptsToken(d['token'])) return socket.close(4004, 'Authentication failed.');
          const shard = Array.isArray(d['shard']) && d['shard'].length === 2 ? (d['shard'] as [number, number]) : undefined;
          if (shard && !(Number.isInteger(shard[0]) && Number.isInteger(shard[1]) && shard[0] >= 0 && shard[0] < shard[1])) {
            return socket.close(4010, 'Invalid shard.');
          }
          authenticated = true;
          identifyCount++;
          const session: Session = {
            ...(shard && { shard }),
            id: randomBytes(16).toString('hex'),
            seq: 0,
            history: [],
            socket,
            intents: typeof d['intents'] === 'number' ? d['intents'] : 0,
          };
          sessions.set(session.id, session);
          currentSession = session;
          const shardId = shard?.[0] ?? 0;
          const guildsHere = shard ? joinedGuilds.filter((id) => shardOfGuild(id, shard[1]) === shard[0]) : joinedGuilds;
          if (shard) shardSessions.set(shardId, session);
          shardGuilds.set(shardId, guildsHere);
          dispatch('READY', {
            v: 10,
            user: botUser,
            guilds: guildsHere.map((id) => ({ id, unavailable: true })),
            session_id: session.id,
            session_type: 'normal',
            resume_gateway_url: `${gatewayBase}/resume`,
            shard: shard ?? [0, 1],
            application: { id: ids.applicationId, flags: 0 },
            private_channels: [],
            relationships: [],
            presences: [],
            guild_join_requests: [],
            geo_ordered_rtc_regions: [],
            user_settings: {},
            _trace: ['["fake-discord",{}]'],
          }, session);
          for (const guildId of guildsHere) dispatch('GUILD_CREATE', guildCreatePayload(guildId), session);
          break;
        }
        case GatewayOpcodes.Resume: {
          if (authenticated) return socket.close(4005, 'Already authenticated.');
          if (!isObject(d) || !acceptsToken(d['token'])) return socket.close(4004, 'Authentication failed.');
          resumeCount++;
          const session = typeof d['session_id'] === 'string' ? sessions.get(d['session_id']) : undefined;
          const seq = typeof d['seq'] === 'number' ? d['seq'] : -1;
          const oldest = session?.history[0]?.s ?? (session ? session.seq + 1 : 0);
          if (!session || seq < 0 || seq > session.seq || seq < oldest - 1) {
            send(socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
            return;
          }
          authenticated = true;
          if (session.socket && session.socket !== socket) session.socket.terminate();
          session.socket = socket;
          currentSession = session;
          for (const entry of session.history) if (entry.s > seq) send(socket, entry.frame);
          dispatch('RESUMED', { _trace: ['["fake-discord",{}]'] });
          break;
        }
        default:
          if (!authenticated) socket.close(4003, 'Not authenticated.');
      }
      notify(gatewayWaiters, record);
    });

    socket.on('close', () => {
      sockets.delete(socket);
      for (const session of sessions.values()) if (session.socket === socket) session.socket = null;
    });
    socket.on('error', () => {});
  }

  // ---- messages
  function makeAttachments(body: Json, files: RecordedFile[]): Json[] {
    const declared = Array.isArray(body['attachments']) ? (body['attachments'] as unknown[]) : [];
    return files.map((file, i) => {
      const match = /^files\[(\d+)\]$/.exec(file.field);
      const meta = declared.find((a) => isObject(a) && String(a['id']) === (match?.[1] ?? String(i)));
      const id = snowflake();
      return {
        id,
        filename: file.filename,
        size: file.size,
        content_type: file.contentType,
        url: `https://cdn.discordapp.com/attachments/${id}/${file.filename}`,
        proxy_url: `https://media.discordapp.net/attachments/${id}/${file.filename}`,
        ...(isObject(meta) && typeof meta['description'] === 'string' ? { description: meta['description'] } : {}),
      };
    });
  }

  function createMessage(
    channelId: string,
    body: Json,
    files: RecordedFile[],
    extra: Partial<Record<keyof APIMessage, unknown>> = {},
  ): APIMessage {
    const channel = channels.get(channelId);
    const message = {
      id: snowflake(clock()),
      channel_id: channelId,
      ...(channel?.['guild_id'] ? { guild_id: channel['guild_id'] } : {}),
      author: botUser,
      content: typeof body['content'] === 'string' ? body['content'] : '',
      timestamp: new Date(clock()).toISOString(),
      edited_timestamp: null,
      tts: body['tts'] === true,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      mention_channels: [],
      attachments: makeAttachments(body, files),
      embeds: Array.isArray(body['embeds']) ? body['embeds'] : [],
      components: Array.isArray(body['components']) ? body['components'] : [],
      reactions: [],
      pinned: false,
      type: MessageType.Default,
      flags: typeof body['flags'] === 'number' ? body['flags'] : 0,
      ...(body['nonce'] !== undefined ? { nonce: body['nonce'] } : {}),
      ...(isObject(body['message_reference']) ? { message_reference: body['message_reference'] } : {}),
      ...(isObject(body['poll']) ? { poll: body['poll'] } : {}),
      ...extra,
    } as unknown as APIMessage;
    messages.set(message.id, message);
    if (channel) channel['last_message_id'] = message.id;
    if ((message.flags ?? 0) & MessageFlags.Ephemeral) return message;
    const author = message.author.id === botUser.id ? botMember : memberOf(message.author);
    echo('MESSAGE_CREATE', { ...message, member: { ...author, user: undefined } }, GatewayIntentBits.GuildMessages);
    return message;
  }

  /** A member of the guild as the gateway describes one in a message (the default interaction user). */
  function memberOf(user: APIUser): Json {
    return { ...botMember, user, roles: [], joined_at: now };
  }

  /** A message as REST reads return it: Discord does not keep the nonce it was sent with. */
  function fetched(message: APIMessage): APIMessage {
    if (message.nonce === undefined) return message;
    const { nonce: _nonce, ...rest } = message;
    return rest as APIMessage;
  }

  /** The failure a channel the bot lost answers with, if it does for this kind of route. */
  function channelFailure(channelId: string | undefined, posting: boolean): HttpError | undefined {
    const code = channelId === undefined ? undefined : failingChannels.get(channelId);
    if (code === undefined || (code === 50013 && !posting)) return undefined;
    if (code === 10003) return notFound('Channel', 10003);
    return new HttpError(403, { message: code === 50001 ? 'Missing Access' : 'Missing Permissions', code });
  }

  function editMessage(message: APIMessage, body: Json, files: RecordedFile[]): APIMessage {
    validateMessageBody(body, { create: false });
    const target = message as unknown as Json;
    for (const key of ['content', 'embeds', 'components', 'flags', 'allowed_mentions', 'poll'] as const) {
      if (key in body) target[key] = body[key] ?? (key === 'content' ? '' : key === 'flags' ? 0 : []);
    }
    if ('attachments' in body || files.length > 0) {
      const keep = Array.isArray(body['attachments'])
        ? message.attachments.filter((a) =>
            (body['attachments'] as unknown[]).some((b) => isObject(b) && String(b['id']) === a.id),
          )
        : message.attachments;
      target['attachments'] = [...keep, ...makeAttachments(body, files)];
    }
    // Deferred ("thinking") replies stop loading once edited.
    target['flags'] = (Number(target['flags'] ?? 0) & ~MessageFlags.Loading) >>> 0;
    target['edited_timestamp'] = new Date().toISOString();
    if (!((message.flags ?? 0) & MessageFlags.Ephemeral)) {
      echo('MESSAGE_UPDATE', message, GatewayIntentBits.GuildMessages);
    }
    return message;
  }

  // ---- interactions
  /** The interaction of a webhook request, once the HTTP response that acknowledged it (if any) has been read. */
  async function webhookInteraction(appId: string, webhookToken: string): Promise<InteractionRecord> {
    await interactions.get(webhookToken)?.response?.catch(() => {});
    return interactionFor(appId, webhookToken);
  }

  function interactionFor(appId: string, webhookToken: string): InteractionRecord {
    const record = interactions.get(webhookToken);
    if (appId !== ids.applicationId || !record || !record.acknowledged) throw notFound('Webhook', 10015);
    return record;
  }

  function webhookMessage(record: InteractionRecord, messageId: string): APIMessage {
    const id = messageId === '@original' ? record.originalMessageId : messageId;
    const message = id ? messages.get(id) : undefined;
    if (!message) throw notFound('Message', 10008);
    return message;
  }

  function interactionMetadata(record: InteractionRecord): Json {
    return {
      id: record.id,
      type: record.type,
      user: record.user ?? { id: ids.userId, username: 'listener', discriminator: '0', global_name: null, avatar: null },
      authorizing_integration_owners: { '0': ids.guildId },
    };
  }

  function interactionCallback(
    params: Record<string, string>,
    query: Record<string, string>,
    body: unknown,
    files: RecordedFile[],
    receivedAt: number,
  ): RouteResult {
    const record = interactionsById.get(params['interaction'] ?? '');
    if (!record || record.token !== params['token']) throw notFound('interaction', 10062);
    if (record.acknowledged) {
      throw new HttpError(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
    }
    const deadline = options.interactionDeadlineMs;
    if (deadline !== undefined && receivedAt - record.dispatchedAt > deadline) throw notFound('interaction', 10062);
    if (!isObject(body) || typeof body['type'] !== 'number') throw invalidForm('type', 'This field is required');
    const type = body['type'];
    const data = isObject(body['data']) ? body['data'] : {};
    const isComponentLike = record.type === InteractionType.MessageComponent || (record.type === InteractionType.ModalSubmit && record.sourceMessageId);
    const fromCommand = record.type === InteractionType.ApplicationCommand;
    const metadata = { webhook_id: ids.applicationId, application_id: ids.applicationId, interaction_metadata: interactionMetadata(record) };
    let message: APIMessage | undefined;

    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource:
        if (record.type === InteractionType.ApplicationCommandAutocomplete) throw invalidForm('type', 'Invalid interaction response type');
        validateMessageBody(data, { create: true });
        message = createMessage(record.channelId, data, files, {
          ...metadata,
          type: fromCommand
            ? record.commandType === ApplicationCommandType.ChatInput
              ? MessageType.ChatInputCommand
              : MessageType.ContextMenuCommand
            : MessageType.Default,
        });
        record.originalMessageId = message.id;
        break;
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        if (record.type === InteractionType.ApplicationCommandAutocomplete) throw invalidForm('type', 'Invalid interaction response type');
        const flags = (typeof data['flags'] === 'number' ? data['flags'] : 0) & MessageFlags.Ephemeral;
        message = createMessage(record.channelId, { content: '', flags: flags | MessageFlags.Loading }, [], {
          ...metadata,
          type: fromCommand ? MessageType.ChatInputCommand : MessageType.Default,
        });
        record.originalMessageId = message.id;
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage:
        if (!isComponentLike) throw invalidForm('type', 'Interaction response type requires a message component interaction');
        record.originalMessageId = record.sourceMessageId;
        message = record.sourceMessageId ? messages.get(record.sourceMessageId) : undefined;
        if (type === InteractionResponseType.UpdateMessage && message) editMessage(message, data, files);
        break;
      case InteractionResponseType.ApplicationCommandAutocompleteResult:
        if (record.type !== InteractionType.ApplicationCommandAutocomplete) throw invalidForm('type', 'Invalid interaction response type');
        validateAutocompleteChoices(data);
        break;
      case InteractionResponseType.Modal:
        if (record.type === InteractionType.ApplicationCommandAutocomplete || record.type === InteractionType.ModalSubmit) {
          throw invalidForm('type', 'Invalid interaction response type');
        }
        if (typeof data['custom_id'] !== 'string' || typeof data['title'] !== 'string') {
          throw invalidForm('data', 'Modal needs custom_id and title');
        }
        break;
      case InteractionResponseType.LaunchActivity:
        break;
      default:
        throw invalidForm('type', 'Value must be one of {4, 5, 6, 7, 8, 9, 10, 12}.');
    }
    record.acknowledged = true;
    if (query['with_response'] !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: record.type,
          ...(message
            ? {
                response_message_id: message.id,
                response_message_loading: ((message.flags ?? 0) & MessageFlags.Loading) !== 0,
                response_message_ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
              }
            : {}),
        },
        resource: { type, ...(message ? { message } : {}) },
      },
    };
  }

  /**
   * POSTs an interaction to the endpoint, signed, as Discord does; with several URLs each delivery starts at the next
   * one and moves on to another when one cannot be reached (refused, reset, no answer in time), as a load balancer
   * would. The 200 response is taken as the interaction's callback, recorded and applied like a POST to the callback
   * URL; anything else fails the delivery (Discord would show "This interaction failed").
   */
  async function deliverByHttp(
    payload: APIInteraction,
    record: InteractionRecord,
    target: InteractionsEndpoint,
    timeoutMs: number,
  ): Promise<APIInteractionResponse> {
    const body = JSON.stringify(payload);
    const unreachable: string[] = [];
    for (let tried = 0; tried < target.urls.length; tried++) {
      const url = target.urls[nextEndpoint++ % target.urls.length]!;
      const timestamp = String(Math.floor(clock() / 1000));
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
            'x-signature-ed25519': signInteraction(target.privateKey, body, timestamp),
            'x-signature-timestamp': timestamp,
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
        deliveries.push({ interactionId: payload.id, url, status: 'unreachable', error: reason });
        unreachable.push(`${url}: ${reason}`);
        continue;
      }
      const receivedAt = Number(process.hrtime.bigint()) / 1e6;
      deliveries.push({ interactionId: payload.id, url, status: response.status, ...(response.status !== 200 && { error: text.slice(0, 300) }) });
      if (response.status !== 200) throw new Error(`fakeDiscord: the interactions endpoint ${url} answered ${response.status}: ${text.slice(0, 300)}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      let result: RouteResult;
      try {
        result = interactionCallback({ interaction: record.id, token: record.token }, {}, parsed, [], receivedAt);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        result = { status: error.status, body: error.body };
      }
      const recorded: RecordedRequest = {
        index: requestIndex++,
        method: 'POST',
        path: `/interactions/${record.id}/${record.token}/callback`,
        rawPath: new URL(url).pathname,
        query: {},
        headers: Object.fromEntries(response.headers),
        body: parsed,
        files: [],
        status: result.status,
        responseBody: result.body ?? null,
        injected: false,
        unknown: false,
        receivedAt,
        deliveredTo: url,
      };
      requests.push(recorded);
      notify(requestWaiters, recorded);
      if (result.status >= 300) throw new Error(`fakeDiscord: the endpoint's answer was refused (${result.status}): ${JSON.stringify(result.body)}`);
      return parsed as APIInteractionResponse;
    }
    throw new Error(`fakeDiscord: no interactions endpoint could be reached: ${unreachable.join('; ')}`);
  }

  // ---- commands
  function overwriteCommands(store: Json[], body: unknown, guildId: string | undefined): Json[] {
    if (!Array.isArray(body)) throw invalidForm('_root', 'Must be an array.');
    if (body.length > 100) throw invalidForm('_root', 'Must be 100 or fewer in length.');
    const seen = new Set<string>();
    const next = body.map((raw: unknown, i) => {
      const command = validateCommand(raw, String(i));
      const type = typeof command['type'] === 'number' ? command['type'] : ApplicationCommandType.ChatInput;
      const key = `${type}:${String(command['name'])}`;
      if (seen.has(key)) throw invalidForm(`${i}.name`, 'Application command names must be unique');
      seen.add(key);
      const previous = store.find((c) => `${String(c['type'])}:${String(c['name'])}` === key);
      return storedCommand(command, previous, guildId);
    });
    store.splice(0, store.length, ...next);
    return next;
  }

  function storedCommand(command: Json, previous: Json | undefined, guildId: string | undefined): Json {
    const type = typeof command['type'] === 'number' ? command['type'] : ApplicationCommandType.ChatInput;
    return {
      default_member_permissions: null,
      dm_permission: true,
      nsfw: false,
      contexts: null,
      integration_types: [0],
      ...command,
      type,
      description: typeof command['description'] === 'string' ? command['description'] : '',
      id: typeof previous?.['id'] === 'string' ? previous['id'] : snowflake(),
      application_id: ids.applicationId,
      version: snowflake(),
      ...(guildId ? { guild_id: guildId } : {}),
    };
  }

  function commandStore(app: string, guildId?: string): Json[] {
    if (app !== ids.applicationId) throw new HttpError(403, { message: 'Missing Access', code: 50001 });
    if (guildId === undefined) return globalCommands;
    if (guildId !== ids.guildId) throw new HttpError(403, { message: 'Missing Access', code: 50001 });
    let store = guildCommandSets.get(guildId);
    if (!store) guildCommandSets.set(guildId, (store = []));
    return store;
  }

  function textChannel(id: string | undefined, posting = false): FakeChannel {
    const channel = id ? channels.get(id) : undefined;
    if (!channel) throw notFound('Channel', 10003);
    // As Discord: a channel of a guild the bot is not in exists, but the bot may not read or post in it.
    if (!isJoined(channel['guild_id'] as string | undefined)) throw new HttpError(403, { message: 'Missing Access', code: 50001 });
    const failure = channelFailure(id, posting);
    if (failure) throw failure;
    requirePermissions(channel);
    return channel;
  }

  // ---- permissions
  const botRolesIn = (guildId: string): string[] => (guildId === ids.guildId ? (botMember.roles as string[]) : []);
  /** The bot's server-wide permissions: @everyone's and its roles' (all of them for an administrator). */
  function botGuildPermissions(guildId: string): bigint {
    const memberRoles = botRolesIn(guildId);
    let base = 0n;
    for (const role of rolesOf(guildId)) if (role['id'] === guildId || memberRoles.includes(String(role['id']))) base |= BigInt(String(role['permissions']));
    return base & PermissionFlagsBits.Administrator ? ~0n : base;
  }

  /** The bot's permissions in a channel, as Discord computes them; a thread's are its parent's. */
  function botPermissionsIn(channelId: string): bigint {
    let channel = channels.get(channelId);
    if (channel && isThread(channel)) channel = channels.get(String(channel['parent_id']));
    if (!channel) return 0n;
    const guildId = String(channel['guild_id']);
    const memberRoles = botRolesIn(guildId);
    let base = botGuildPermissions(guildId);
    if (base === ~0n) return base;
    const overwrites = (channel['permission_overwrites'] ?? []) as { id: string; allow: string; deny: string }[];
    const apply = (list: { allow: string; deny: string }[]): void => {
      let allow = 0n;
      let deny = 0n;
      for (const o of list) {
        allow |= BigInt(o.allow);
        deny |= BigInt(o.deny);
      }
      base = (base & ~deny) | allow;
    };
    apply(overwrites.filter((o) => o.id === guildId));
    apply(overwrites.filter((o) => o.id !== guildId && memberRoles.includes(o.id)));
    apply(overwrites.filter((o) => o.id === botUser.id));
    return base;
  }

  /** Refuses as Discord does when the bot lacks one of `flags` in the channel (View Channel: Missing Access). */
  function requirePermissions(channel: FakeChannel, ...flags: bigint[]): void {
    const have = botPermissionsIn(channel.id);
    if (!(have & PermissionFlagsBits.ViewChannel)) throw new HttpError(403, { message: 'Missing Access', code: 50001 });
    for (const flag of flags) if (!(have & flag)) throw new HttpError(403, { message: 'Missing Permissions', code: 50013 });
  }

  // ---- routes
  const routes: Route[] = [];
  const route = (spec: string, auth: boolean, handler: Route['handler']): void => {
    const [method, path] = spec.split(' ') as [string, string];
    routes.push({ method, segments: path.split('/').filter(Boolean), auth, handler });
  };

  route('GET /gateway/bot', true, () => ({
    status: 200,
    body: {
      url: `${gatewayBase}/gateway`,
      shards: options.recommendedShards ?? 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: options.maxConcurrency ?? 1 },
    },
  }));
  route('GET /gateway', false, () => ({ status: 200, body: { url: `${gatewayBase}/gateway` } }));
  route('GET /users/@me', true, () => ({ status: 200, body: botUser }));
  route('GET /applications/@me', true, () => ({
    status: 200,
    body: {
      id: ids.applicationId,
      name: botUser.username,
      icon: null,
      description: 'Podcast community bot (fake)',
      summary: '',
      type: null,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: 'f'.repeat(64),
      flags: 0,
      owner: { id: ids.ownerId, username: 'owner', discriminator: '0', global_name: null, avatar: null },
      team: null,
      bot: botUser,
      approximate_guild_count: 1,
      install_params: null,
      integration_types_config: { '0': {} },
      tags: [],
      redirect_uris: [],
      interactions_endpoint_url: null,
    },
  }));
  route('GET /applications/:app/commands', true, ({ params }) => ({ status: 200, body: commandStore(params['app']!) }));
  route('PUT /applications/:app/commands', true, ({ params, body }) => ({
    status: 200,
    body: overwriteCommands(commandStore(params['app']!), body, undefined),
  }));
  route('POST /applications/:app/commands', true, ({ params, body }) => {
    const store = commandStore(params['app']!);
    const command = validateCommand(body, '_root');
    const index = store.findIndex((c) => c['name'] === command['name'] && c['type'] === (command['type'] ?? 1));
    const stored = storedCommand(command, store[index], undefined);
    if (index >= 0) store[index] = stored;
    else store.push(stored);
    return { status: index >= 0 ? 200 : 201, body: stored };
  });
  route('GET /applications/:app/guilds/:guild/commands', true, ({ params }) => ({
    status: 200,
    body: commandStore(params['app']!, params['guild']!),
  }));
  route('PUT /applications/:app/guilds/:guild/commands', true, ({ params, body }) => ({
    status: 200,
    body: overwriteCommands(commandStore(params['app']!, params['guild']!), body, params['guild']),
  }));

  route('POST /interactions/:interaction/:token/callback', false, ({ params, query, body, files, receivedAt }) =>
    interactionCallback(params, query, body, files, receivedAt),
  );
  route('GET /webhooks/:app/:token/messages/:message', false, async ({ params }) => ({
    status: 200,
    body: webhookMessage(await webhookInteraction(params['app']!, params['token']!), params['message']!),
  }));
  route('PATCH /webhooks/:app/:token/messages/:message', false, async ({ params, body, files }) => {
    const message = webhookMessage(await webhookInteraction(params['app']!, params['token']!), params['message']!);
    return { status: 200, body: editMessage(message, isObject(body) ? body : {}, files) };
  });
  route('DELETE /webhooks/:app/:token/messages/:message', false, async ({ params }) => {
    const record = await webhookInteraction(params['app']!, params['token']!);
    const message = webhookMessage(record, params['message']!);
    messages.delete(message.id);
    if (!((message.flags ?? 0) & MessageFlags.Ephemeral)) {
      echo('MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: ids.guildId }, GatewayIntentBits.GuildMessages);
    }
    return { status: 204 };
  });
  route('POST /webhooks/:app/:token', false, async ({ params, body, files }) => {
    const record = await webhookInteraction(params['app']!, params['token']!);
    const json = isObject(body) ? body : {};
    validateMessageBody({ ...json, ...(files.length ? { attachments: files } : {}) }, { create: true });
    const message = createMessage(record.channelId, json, files, {
      webhook_id: ids.applicationId,
      application_id: ids.applicationId,
      interaction_metadata: interactionMetadata(record),
    });
    return { status: 200, body: message };
  });

  route('GET /channels/:channel', true, ({ params }) => ({ status: 200, body: textChannel(params['channel']) }));
  route('GET /guilds/:guild', true, ({ params }) => {
    if (!isJoined(params['guild'])) throw notFound('Guild', 10004);
    return { status: 200, body: { ...guildJson(params['guild']), approximate_member_count: options.memberCount ?? 42 } };
  });
  route('GET /guilds/:guild/channels', true, ({ params }) => {
    if (!isJoined(params['guild'])) throw notFound('Guild', 10004);
    return { status: 200, body: [...channels.values()].filter((c) => !isThread(c) && inGuild(params['guild'])(c)) };
  });
  route('GET /guilds/:guild/members/:user', true, ({ params }) => {
    if (!isJoined(params['guild'])) throw notFound('Guild', 10004);
    if (params['user'] !== botUser.id) throw notFound('Member', 10007);
    return { status: 200, body: params['guild'] === ids.guildId ? botMember : { ...botMember, roles: [] } };
  });
  route('POST /channels/:channel/messages', true, ({ params, body, files }) => {
    const channel = textChannel(params['channel'], true);
    if (channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildCategory) {
      throw new HttpError(400, { message: 'Cannot send messages in a non-text channel', code: 50008 });
    }
    requirePermissions(channel, isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages);
    let json = isObject(body) ? body : {};
    validateMessageBody({ ...json, ...(files.length ? { attachments: files } : {}) }, { create: true });
    // Discord makes the message without its embeds when the bot may not embed links there.
    if (!(botPermissionsIn(channel.id) & PermissionFlagsBits.EmbedLinks)) json = { ...json, embeds: [] };
    const nonce = json['nonce'];
    if (json['enforce_nonce'] === true && (typeof nonce === 'string' || typeof nonce === 'number')) {
      const key = `${channel.id}:${String(nonce)}`;
      const previous = nonces.get(key);
      const existing = previous && clock() - previous.at < NONCE_WINDOW_MS ? messages.get(previous.messageId) : undefined;
      if (existing) return { status: 200, body: existing };
      const message = createMessage(channel.id, json, files);
      nonces.set(key, { messageId: message.id, at: clock() });
      return { status: 200, body: message };
    }
    return { status: 200, body: createMessage(channel.id, json, files) };
  });
  route('GET /channels/:channel/messages', true, ({ params, query }) => {
    const channel = textChannel(params['channel']);
    const limit = Number(query['limit'] ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidForm('limit', 'int value should be between 1 and 100.');
    const anchors = (['around', 'before', 'after'] as const).filter((key) => query[key] !== undefined);
    if (anchors.length > 1) throw invalidForm(anchors[1]!, 'Only one of around, before and after may be given.');
    const anchor = anchors[0];
    let at: bigint | undefined;
    if (anchor !== undefined) {
      if (!/^\d{1,20}$/.test(query[anchor]!)) throw invalidForm(anchor, 'Value "' + query[anchor] + '" is not snowflake.');
      at = BigInt(query[anchor]!);
    }
    // Oldest first here; Discord answers newest first whichever way it pages.
    const all = [...messages.values()]
      .filter((m) => m.channel_id === channel.id && !((m.flags ?? 0) & MessageFlags.Ephemeral))
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    let page: APIMessage[];
    if (anchor === 'after') {
      // The `limit` messages right after the anchor.
      page = all.filter((m) => BigInt(m.id) > at!).slice(0, limit);
    } else if (anchor === 'before') {
      page = all.filter((m) => BigInt(m.id) < at!).slice(-limit);
    } else if (anchor === 'around') {
      const older = all.filter((m) => BigInt(m.id) < at!);
      const newer = all.filter((m) => BigInt(m.id) >= at!);
      page = [...older.slice(older.length - Math.floor(limit / 2)), ...newer.slice(0, Math.ceil(limit / 2))];
    } else {
      page = all.slice(-limit);
    }
    return { status: 200, body: page.reverse().map(fetched) };
  });
  route('GET /guilds/:guild/threads/active', true, ({ params }) => {
    if (!isJoined(params['guild'])) throw notFound('Guild', 10004);
    return { status: 200, body: { threads: [...channels.values()].filter((c) => isThread(c) && inGuild(params['guild'])(c)), members: [] } };
  });
  route('GET /channels/:channel/messages/:message', true, ({ params }) => {
    textChannel(params['channel']);
    const message = messages.get(params['message'] ?? '');
    if (!message || message.channel_id !== params['channel']) throw notFound('Message', 10008);
    return { status: 200, body: fetched(message) };
  });
  route('POST /channels/:channel/messages/:message/crosspost', true, ({ params }) => {
    const channel = textChannel(params['channel'], true);
    const message = messages.get(params['message'] ?? '');
    if (!message || message.channel_id !== channel.id) throw notFound('Message', 10008);
    if (channel.type !== ChannelType.GuildAnnouncement) {
      throw new HttpError(400, { message: 'Cannot execute action on this channel type', code: 50024 });
    }
    // Its own message with Send Messages; someone else's takes Manage Messages.
    requirePermissions(channel, message.author.id === botUser.id ? PermissionFlagsBits.SendMessages : PermissionFlagsBits.ManageMessages);
    if ((message.flags ?? 0) & MessageFlags.Crossposted) {
      throw new HttpError(400, { message: 'This message has already been crossposted.', code: 40033 });
    }
    (message as unknown as Json)['flags'] = (message.flags ?? 0) | MessageFlags.Crossposted;
    echo('MESSAGE_UPDATE', message, GatewayIntentBits.GuildMessages);
    return { status: 200, body: message };
  });
  route('POST /channels/:channel/messages/:message/threads', true, ({ params, body }) => {
    const parent = textChannel(params['channel'], true);
    const message = messages.get(params['message'] ?? '');
    if (!message || message.channel_id !== parent.id) throw notFound('Message', 10008);
    if (parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement) {
      throw new HttpError(400, { message: 'Cannot execute action on this channel type', code: 50024 });
    }
    requirePermissions(parent, PermissionFlagsBits.CreatePublicThreads);
    // A thread on a message takes the message's id: there is only ever one.
    if (channels.has(message.id)) throw new HttpError(400, { message: 'A thread has already been created for this message', code: 160004 });
    const json = isObject(body) ? body : {};
    const name = json['name'];
    if (typeof name !== 'string' || name.length < 1 || textLength('name', name) > 100) {
      throw invalidForm('name', 'Must be between 1 and 100 in length.');
    }
    const archive = json['auto_archive_duration'] ?? 4320;
    if (![60, 1440, 4320, 10080].includes(archive as number)) throw invalidForm('auto_archive_duration', 'Value must be one of {60, 1440, 4320, 10080}.');
    const created = new Date(clock()).toISOString();
    const thread: FakeChannel = {
      id: message.id,
      type: parent.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread,
      name,
      guild_id: parent['guild_id'] ?? ids.guildId,
      parent_id: parent.id,
      owner_id: botUser.id,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: 0,
      thread_metadata: { archived: false, auto_archive_duration: archive, archive_timestamp: created, locked: false, create_timestamp: created },
      member: { id: message.id, user_id: botUser.id, join_timestamp: created, flags: 0 },
    };
    channels.set(thread.id, thread);
    (message as unknown as Json)['thread'] = thread;
    echo('THREAD_CREATE', { ...thread, newly_created: true }, GatewayIntentBits.Guilds);
    return { status: 201, body: thread };
  });
  route('POST /channels/:channel/threads', true, ({ params, body, files }) => {
    const parent = textChannel(params['channel'], true);
    const json = isObject(body) ? body : {};
    const name = json['name'];
    if (typeof name !== 'string' || name.length < 1 || textLength('name', name) > 100) {
      throw invalidForm('name', 'Must be between 1 and 100 in length.');
    }
    const isForum = parent.type === ChannelType.GuildForum || parent.type === ChannelType.GuildMedia;
    // A forum post takes Create Posts (Send Messages' bit); a thread without a message, by its type (private by default).
    requirePermissions(
      parent,
      isForum ? PermissionFlagsBits.SendMessages : json['type'] === ChannelType.PublicThread ? PermissionFlagsBits.CreatePublicThreads : PermissionFlagsBits.CreatePrivateThreads,
    );
    const starter = isObject(json['message']) ? json['message'] : undefined;
    if (isForum && !starter) throw invalidForm('message', 'This field is required');
    const tags = Array.isArray(json['applied_tags']) ? json['applied_tags'].map(String) : [];
    if (isForum) {
      const available = Array.isArray(parent['available_tags']) ? (parent['available_tags'] as Json[]) : [];
      const unknownTag = tags.find((tag) => !available.some((a) => a['id'] === tag));
      if (unknownTag) throw invalidForm('applied_tags', `Unknown tag ${unknownTag}`);
      if (tags.length > 5) throw invalidForm('applied_tags', 'Must be 5 or fewer in length.');
      if (Number(parent['flags'] ?? 0) & (1 << 4) && tags.length === 0) {
        throw new HttpError(400, { message: 'A tag is required to create a forum post in this channel', code: 40067 });
      }
    }
    const id = snowflake(clock());
    const created = new Date(clock()).toISOString();
    const thread: FakeChannel = {
      id,
      type: isForum
        ? ChannelType.PublicThread
        : typeof json['type'] === 'number'
          ? json['type']
          : parent.type === ChannelType.GuildAnnouncement
            ? ChannelType.AnnouncementThread
            : ChannelType.PrivateThread,
      name,
      guild_id: parent['guild_id'] ?? ids.guildId,
      parent_id: parent.id,
      owner_id: botUser.id,
      last_message_id: starter ? id : null,
      rate_limit_per_user: typeof json['rate_limit_per_user'] === 'number' ? json['rate_limit_per_user'] : 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: 0,
      applied_tags: tags,
      thread_metadata: {
        archived: false,
        auto_archive_duration: typeof json['auto_archive_duration'] === 'number' ? json['auto_archive_duration'] : 4320,
        archive_timestamp: created,
        locked: false,
        create_timestamp: created,
      },
      member: { id, user_id: botUser.id, join_timestamp: created, flags: 0 },
    };
    channels.set(id, thread);
    echo('THREAD_CREATE', { ...thread, newly_created: true }, GatewayIntentBits.Guilds);
    let message: APIMessage | undefined;
    if (starter) {
      validateMessageBody({ ...starter, ...(files.length ? { attachments: files } : {}) }, { create: true });
      message = createMessage(id, starter, files, { id, position: 0 });
      messages.set(id, message);
    }
    return { status: 201, body: { ...thread, ...(message ? { message } : {}) } };
  });

  // ---- guild scheduled events (external ones: what a bot makes for a live show)
  const scheduledEvents = new Map<string, Json>();
  const EVENT_STATUS = { scheduled: 1, active: 2, completed: 3, canceled: 4 } as const;
  function eventOf(guildId: string | undefined, eventId: string | undefined): Json {
    if (!isJoined(guildId)) throw notFound('Guild', 10004);
    const event = scheduledEvents.get(eventId ?? '');
    if (!event || event['guild_id'] !== guildId) throw notFound('Guild Scheduled Event', 10070);
    return event;
  }
  /** Creating events takes Create Events (or Manage Events); changing one the bot made, the same. */
  function requireEventPermission(guildId: string): void {
    if (!(botGuildPermissions(guildId) & (PermissionFlagsBits.CreateEvents | PermissionFlagsBits.ManageEvents))) {
      throw new HttpError(403, { message: 'Missing Permissions', code: 50013 });
    }
  }
  function validDate(field: string, value: unknown): number {
    const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(at)) throw invalidForm(field, 'Could not parse value. Should be an ISO8601 timestamp.');
    return at;
  }
  route('GET /guilds/:guild/scheduled-events', true, ({ params }) => {
    if (!isJoined(params['guild'])) throw notFound('Guild', 10004);
    return { status: 200, body: [...scheduledEvents.values()].filter((e) => e['guild_id'] === params['guild']) };
  });
  route('GET /guilds/:guild/scheduled-events/:event', true, ({ params }) => ({ status: 200, body: eventOf(params['guild'], params['event']) }));
  route('POST /guilds/:guild/scheduled-events', true, ({ params, body }) => {
    const guildId = params['guild']!;
    if (!isJoined(guildId)) throw notFound('Guild', 10004);
    requireEventPermission(guildId);
    const json = isObject(body) ? body : {};
    const name = json['name'];
    if (typeof name !== 'string' || name.length < 1 || textLength('name', name) > 100) throw invalidForm('name', 'Must be between 1 and 100 in length.');
    if (json['privacy_level'] !== 2) throw invalidForm('privacy_level', 'Value must be one of {2}.');
    if (json['entity_type'] !== 3) throw invalidForm('entity_type', 'Only external events are modelled by the fake.');
    const metadata = isObject(json['entity_metadata']) ? json['entity_metadata'] : {};
    const location = metadata['location'];
    if (typeof location !== 'string' || location.length < 1 || textLength('location', location) > 100) {
      throw invalidForm('entity_metadata.location', 'Must be between 1 and 100 in length.');
    }
    const description = json['description'];
    if (description !== undefined && (typeof description !== 'string' || textLength('description', description) > 1000)) {
      throw invalidForm('description', 'Must be 1000 or fewer in length.');
    }
    const start = validDate('scheduled_start_time', json['scheduled_start_time']);
    if (start <= clock()) throw invalidForm('scheduled_start_time', 'Cannot schedule event in the past.');
    if (json['scheduled_end_time'] === undefined) throw invalidForm('scheduled_end_time', 'External events require an end time.');
    const end = validDate('scheduled_end_time', json['scheduled_end_time']);
    if (end <= start) throw invalidForm('scheduled_end_time', 'Cannot schedule event to end before starting.');
    const event: Json = {
      id: snowflake(clock()),
      guild_id: guildId,
      channel_id: null,
      creator_id: botUser.id,
      creator: botUser,
      name,
      description: description ?? null,
      scheduled_start_time: new Date(start).toISOString(),
      scheduled_end_time: new Date(end).toISOString(),
      privacy_level: 2,
      status: EVENT_STATUS.scheduled,
      entity_type: 3,
      entity_id: null,
      entity_metadata: { location },
      user_count: 0,
      image: null,
    };
    scheduledEvents.set(String(event['id']), event);
    echo('GUILD_SCHEDULED_EVENT_CREATE', event, GatewayIntentBits.GuildScheduledEvents);
    return { status: 200, body: event };
  });
  route('PATCH /guilds/:guild/scheduled-events/:event', true, ({ params, body }) => {
    const event = eventOf(params['guild'], params['event']);
    requireEventPermission(params['guild']!);
    const json = isObject(body) ? body : {};
    const status = json['status'];
    if (status !== undefined) {
      // Discord's transitions: SCHEDULED to ACTIVE or CANCELED, ACTIVE to COMPLETED; nothing out of the last two.
      const from = event['status'];
      const allowed =
        (from === EVENT_STATUS.scheduled && (status === EVENT_STATUS.active || status === EVENT_STATUS.canceled)) ||
        (from === EVENT_STATUS.active && status === EVENT_STATUS.completed);
      if (!allowed) throw invalidForm('status', `Cannot change the status of a scheduled event from ${String(from)} to ${String(status)}.`);
      event['status'] = status;
    }
    echo('GUILD_SCHEDULED_EVENT_UPDATE', event, GatewayIntentBits.GuildScheduledEvents);
    return { status: 200, body: event };
  });
  route('DELETE /guilds/:guild/scheduled-events/:event', true, ({ params }) => {
    const event = eventOf(params['guild'], params['event']);
    requireEventPermission(params['guild']!);
    scheduledEvents.delete(String(event['id']));
    echo('GUILD_SCHEDULED_EVENT_DELETE', event, GatewayIntentBits.GuildScheduledEvents);
    return { status: 204 };
  });

  function matchRoute(method: string, segments: string[]): { route: Route; params: Record<string, string> } | undefined {
    for (const candidate of routes) {
      if (candidate.method !== method || candidate.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const ok = candidate.segments.every((part, i) => {
        const actual = segments[i]!;
        if (part.startsWith(':')) {
          params[part.slice(1)] = actual;
          return true;
        }
        return part === actual;
      });
      if (ok) return { route: candidate, params };
    }
    return undefined;
  }

  /**
   * Requests are handled one per turn of the event loop, each after the loop has read whatever arrived meanwhile, so
   * every request is stamped when it arrived. Handled all in one go, a burst's later requests would be read (and
   * stamped) only after the fake had dealt with the ones ahead of them, which a real Discord would not make them wait for.
   */
  const turns: (() => void)[] = [];
  function nextTurn(): Promise<void> {
    return new Promise((resolve) => {
      if (turns.push(resolve) === 1) setImmediate(takeTurn);
    });
  }
  function takeTurn(): void {
    turns.shift()?.();
    if (turns.length > 0) setImmediate(takeTurn);
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Number(process.hrtime.bigint()) / 1e6;
    await nextTurn();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    let parsed: { body: unknown; files: RecordedFile[] };
    try {
      parsed = await parseBody(raw, req.headers['content-type']);
    } catch {
      parsed = { body: raw.toString('utf8'), files: [] };
    }
    const prefix = '/api/v10';
    const inApi = url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
    let segments: string[];
    try {
      segments = url.pathname.slice(inApi ? prefix.length : 0).split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      segments = url.pathname.split('/').filter(Boolean);
    }
    const path = `/${segments.join('/')}`;
    const query = Object.fromEntries(url.searchParams.entries());

    let result: RouteResult;
    let headers: Record<string, string> = {};
    let injected = false;
    let unknown = false;
    const failure = failures.find((f) => f.remaining > 0 && f.method === method && f.path.test(path));
    if (failure) {
      failure.remaining--;
      injected = true;
      const { status } = failure.spec;
      if (status === 429) {
        const retryAfter = failure.spec.retryAfter ?? 0.1;
        headers = {
          'retry-after': String(retryAfter),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Date.now() / 1000 + retryAfter),
          'x-ratelimit-reset-after': String(retryAfter),
          'x-ratelimit-bucket': 'fake-bucket',
          'x-ratelimit-scope': 'user',
        };
        result = {
          status,
          body: failure.spec.body ?? { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
        };
      } else {
        result = { status, body: failure.spec.body ?? { message: `${status}: Injected failure`, code: 0 } };
      }
    } else {
      const match = inApi ? matchRoute(method, segments) : undefined;
      if (!match) {
        unknown = true;
        result = { status: 404, body: { message: '404: Not Found', code: 0 } };
      } else if (match.route.auth && (tokenRevoked || req.headers.authorization !== `Bot ${token}`)) {
        result = { status: 401, body: { message: '401: Unauthorized', code: 0 } };
      } else {
        try {
          result = await match.route.handler({ params: match.params, query, body: parsed.body, files: parsed.files, receivedAt });
        } catch (error) {
          if (!(error instanceof HttpError)) throw error;
          result = { status: error.status, body: error.body };
        }
      }
    }

    const record: RecordedRequest = {
      index: requestIndex++,
      method,
      path,
      rawPath: url.pathname,
      query,
      headers: req.headers,
      body: parsed.body,
      files: parsed.files,
      status: result.status,
      responseBody: result.body ?? null,
      injected,
      unknown,
      receivedAt,
    };
    requests.push(record);
    notify(requestWaiters, record);

    if (result.status === 204 || result.body === undefined) {
      res.writeHead(result.status, headers).end();
    } else {
      res.writeHead(result.status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(result.body));
    }
  }

  // ---- server
  const server: Server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `fakeDiscord crashed: ${String(error)}`, code: 0 }));
      }
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/gateway' && url.pathname !== '/resume') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      tcpSockets.set(ws, socket);
      connectionCount++;
      if (url.searchParams.get('v') !== '10') {
        ws.close(4012, 'Invalid API version.');
        return;
      }
      if (url.searchParams.get('encoding') !== 'json') {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      onGatewayConnection(ws, connectionCount);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const gatewayBase = `ws://127.0.0.1:${port}`;

  const describeRequests = (): string =>
    `Seen: ${requests.map((r) => `${r.method} ${r.path} -> ${r.status}`).join(', ') || 'none'}`;

  const fake: FakeDiscord = {
    apiUrl: `http://127.0.0.1:${port}/api`,
    gatewayUrl: `${gatewayBase}/gateway`,
    token,
    applicationId: ids.applicationId,
    guildId: ids.guildId,
    channelId: ids.textChannelId,
    newsChannelId: ids.newsChannelId,
    forumChannelId: ids.forumChannelId,
    botUser,
    extraGuilds,

    get requests() {
      return requests;
    },
    get unknownRequests() {
      return requests.filter((r) => r.unknown);
    },
    clearRequests() {
      requests.length = 0;
    },
    waitForRequest(predicate, timeoutMs = 2000) {
      return waitFor(requests, requestWaiters, predicate, timeoutMs, describeRequests);
    },
    failNext(method, path, spec) {
      failures.push({ method: method.toUpperCase(), path, spec, remaining: spec.times ?? 1 });
    },
    clearFailures() {
      failures.length = 0;
    },
    failChannel(channelId, code) {
      if (code === undefined) failingChannels.delete(channelId);
      else failingChannels.set(channelId, code);
    },
    leaveGuild(guildId) {
      const index = joinedGuilds.indexOf(guildId);
      if (index < 0) throw new Error(`fakeDiscord: the bot is not in guild ${guildId}`);
      joinedGuilds.splice(index, 1);
      dispatch('GUILD_DELETE', { id: guildId });
    },
    setPermissionOverwrites(channelId, overwrites) {
      const channel = channels.get(channelId);
      if (!channel) throw new Error(`fakeDiscord: no channel ${channelId}`);
      channel['permission_overwrites'] = overwrites.map((o) => ({ ...o }));
      if (sessionFor('CHANNEL_UPDATE', channel)) dispatch('CHANNEL_UPDATE', channel);
    },
    setRolePermissions(roleId, permissions) {
      const role = roles.find((r) => r['id'] === roleId);
      if (!role) throw new Error(`fakeDiscord: no role ${roleId}`);
      role['permissions'] = permissions;
      if (sessionFor('GUILD_ROLE_UPDATE', { guild_id: ids.guildId })) dispatch('GUILD_ROLE_UPDATE', { guild_id: ids.guildId, role });
    },
    botPermissionsIn,
    scheduledEvents(guildId) {
      return [...scheduledEvents.values()].filter((e) => e['guild_id'] === guildId);
    },
    postAsMember(channelId, content) {
      const author: APIUser = { id: ids.userId, username: 'listener', discriminator: '0', global_name: 'Listener', avatar: null };
      return createMessage(channelId, { content }, [], { author });
    },
    advanceTime(ms) {
      clockOffset += ms;
    },

    get commands() {
      return globalCommands;
    },
    guildCommands(guildId) {
      return guildCommandSets.get(guildId) ?? [];
    },
    messages(channelId) {
      return [...messages.values()].filter((m) => m.channel_id === channelId);
    },
    getMessage(id) {
      return messages.get(id);
    },
    getChannel(id) {
      return channels.get(id);
    },

    dispatch,
    dropConnection(code = 4000) {
      const socket = currentSession?.socket;
      if (!socket) throw new Error('fakeDiscord: no live gateway connection to drop');
      currentSession!.socket = null;
      if (code === 1006) socket.terminate();
      else socket.close(code, 'fakeDiscord drop');
    },
    invalidateSession() {
      const socket = currentSession?.socket;
      sessions.clear();
      currentSession = null;
      shardSessions.clear();
      if (socket) send(socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
    },
    closeSession(code) {
      const session = currentSession;
      const socket = session?.socket;
      if (!session || !socket) throw new Error('fakeDiscord: no live gateway session to close');
      sessions.delete(session.id);
      session.socket = null;
      currentSession = null;
      shardSessions.clear();
      if (code === 4004) tokenRevoked = true;
      socket.close(code, CLOSE_REASONS[code] ?? 'fakeDiscord close');
    },
    ackHeartbeats: true,
    get identifyCount() {
      return identifyCount;
    },
    shardGuilds(shardId) {
      return shardGuilds.get(shardId);
    },
    get resumeCount() {
      return resumeCount;
    },
    get connectionCount() {
      return connectionCount;
    },
    get gatewayFrames() {
      return gatewayFrames;
    },
    waitForGateway(predicate, timeoutMs = 2000) {
      return waitFor(gatewayFrames, gatewayWaiters, predicate, timeoutMs, () =>
        `Frames: ${gatewayFrames.map((f) => `op${f.op}@${f.connection}`).join(', ') || 'none'}`,
      );
    },

    async sendInteraction(payload, timeoutMs = 2000) {
      const data = payload.data;
      const record: InteractionRecord = {
        id: payload.id,
        token: payload.token,
        type: payload.type,
        commandType: isObject(data) && typeof data['type'] === 'number' ? data['type'] : undefined,
        channelId: payload.channel?.id ?? payload.channel_id ?? ids.textChannelId,
        guildId: payload.guild_id,
        sourceMessageId: payload.message?.id,
        acknowledged: false,
        originalMessageId: undefined,
        user: payload.member?.user ?? payload.user,
        dispatchedAt: 0,
      };
      if (payload.message && !messages.has(payload.message.id)) messages.set(payload.message.id, structuredClone(payload.message));
      interactions.set(record.token, record);
      interactionsById.set(record.id, record);
      if (endpoint) {
        record.dispatchedAt = Number(process.hrtime.bigint()) / 1e6;
        const delivered = deliverByHttp(payload, record, endpoint, timeoutMs);
        record.response = delivered;
        return delivered;
      }
      const callbackPath = `/interactions/${record.id}/${record.token}/callback`;
      const callback = fake.waitForRequest(
        (r) => r.method === 'POST' && r.path === callbackPath && r.status < 300,
        timeoutMs,
      );
      record.dispatchedAt = Number(process.hrtime.bigint()) / 1e6;
      dispatch('INTERACTION_CREATE', payload);
      return (await callback).body as APIInteractionResponse;
    },

    setInteractionsEndpoint(target) {
      if (target && target.urls.length === 0) throw new Error('fakeDiscord: an interactions endpoint needs at least one URL');
      endpoint = target && { urls: [...target.urls], privateKey: target.privateKey };
      nextEndpoint = 0;
    },
    get deliveries() {
      return deliveries;
    },
    async verifyEndpoint(url) {
      if (!endpoint) throw new Error('fakeDiscord: verifyEndpoint needs setInteractionsEndpoint first (the key)');
      const ping = JSON.stringify({ id: snowflake(), application_id: ids.applicationId, type: InteractionType.Ping, token: randomBytes(24).toString('base64url'), version: 1 });
      const post = async (privateKey: KeyObject): Promise<Response> => {
        const timestamp = String(Math.floor(clock() / 1000));
        return fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature-ed25519': signInteraction(privateKey, ping, timestamp), 'x-signature-timestamp': timestamp },
          body: ping,
        });
      };
      const good = await post(endpoint.privateKey);
      const pong = good.status === 200 && ((await good.json()) as { type?: unknown }).type === InteractionResponseType.Pong;
      // Signed with another key: what Discord sends to see that the endpoint checks.
      const bad = await post(generateKeyPairSync('ed25519').privateKey);
      await bad.arrayBuffer();
      return { pong, refusesBadSignature: bad.status === 401 };
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const waiter of [...requestWaiters, ...gatewayWaiters]) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('fakeDiscord closed'));
      }
      requestWaiters.clear();
      gatewayWaiters.clear();
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
