import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Interaction and webhook tokens ride in Discord URLs; they are credentials for 15 minutes. */
const URL_TOKENS = /\/(interactions\/\d+|webhooks\/\d+)\/[\w.-]+/g;

/**
 * pino with structured fields. Secrets never reach a log line: the bot token and any interaction/webhook token
 * inside an error's message, stack or URL are replaced before serialising.
 */
export function createLogger(options: { level: string; secrets?: readonly string[]; destination?: DestinationStream }): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const scrub = (text: string): string => {
    let out = text.replace(URL_TOKENS, '/$1/[redacted]');
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
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
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}
