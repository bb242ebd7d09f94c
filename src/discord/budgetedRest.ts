import { REST } from 'discord.js';
import type { Logger } from 'pino';
import { logRestWarnings } from './logRestWarnings.js';
import type { RateBudget } from './RateBudget.js';

/** A REST client for the bot token that keeps to `budget`, its rate-limit and invalid-request warnings logged. */
export function budgetedRest(options: { apiUrl: string; token: string }, budget: RateBudget, log: Logger): REST {
  const rest = new REST({ api: options.apiUrl, invalidRequestWarningInterval: 500, ...budget.restOptions() }).setToken(options.token);
  budget.attach(rest);
  logRestWarnings(rest, log);
  return rest;
}
