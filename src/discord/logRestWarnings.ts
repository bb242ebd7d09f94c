import { RESTEvents, type REST } from 'discord.js';
import type { Logger } from 'pino';

/** Logs what Discord's REST API warns of on `rest`: a rate limit hit, and invalid requests piling up toward a ban. */
export function logRestWarnings(rest: REST, log: Logger): void {
  rest.on(RESTEvents.RateLimited, (info) =>
    log.warn({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, 'rate limited by Discord'),
  );
  rest.on(RESTEvents.InvalidRequestWarning, (info) =>
    log.warn({ count: info.count, windowLeftMs: info.remainingTime }, 'invalid requests to Discord (401, 403, 429) in 10 minutes; 10,000 get the token banned'),
  );
}
