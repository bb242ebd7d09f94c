import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { redactUrls } from './data/redactUrl.js';

export type { Logger } from 'pino';

/** Interaction and webhook tokens ride in Discord URLs; they are credentials for 15 minutes. */
const URL_TOKENS = /\/(interactions\/\d+|webhooks\/\d+)\/[\w.-]+/g;

/**
 * pino with structured fields. Secrets never reach a log line: the bot token, any interaction/webhook token and the
 * `user:password@` or token parameter of any URL (see redactUrl) are replaced before serialising, in the message, in
 * the fields logged with it (a feed's address, a failure's reason) and in an error's message, stack or URL.
 */
export function createLogger(options: { level: string; secrets?: readonly string[]; destination?: DestinationStream }): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const scrub = (text: string): string => {
    let out = redactUrls(text.replace(URL_TOKENS, '/$1/[redacted]'));
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  };
  /** The fields of a log call: strings scrubbed in plain objects and arrays (errors go through their serializer). */
  const scrubFields = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (depth > 3 || typeof value !== 'object' || value === null || value instanceof Error) return value;
    if (Array.isArray(value)) return value.map((v) => scrubFields(v, depth + 1));
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = scrubFields(v, depth + 1);
    return out;
  };
  return pino(
    {
      level: options.level,
      base: { app: 'podcord' },
      redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
      serializers: {
        err: (e: Error) => {
          const s = stdSerializers.err(e) as Record<string, unknown>;
          for (const key of ['message', 'stack', 'url'] as const) {
            if (typeof s[key] === 'string') s[key] = scrub(s[key]);
          }
          delete s['requestBody'];
          return s;
        },
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrubFields(a, 0)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}
