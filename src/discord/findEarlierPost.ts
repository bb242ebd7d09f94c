import type { APIMessage } from 'discord-api-types/v10';
import { SnowflakeUtil } from 'discord.js';

/**
 * Looks for a post an earlier attempt made but never recorded (a crash between Discord accepting it and the ledger
 * saying so), once the attempt is older than Discord's nonce window and a repost would no longer be deduplicated.
 *
 * Discord does not keep a message's nonce (a fetched message has none), so the post is recognised by what it says
 * (`isOurs`). It can only have been made after its intent was recorded: the search starts at a snowflake made from
 * that time (less `clockSkewMs`, for the difference between this machine's clock and Discord's) and pages forward
 * with `after`, 100 messages at a time, to the present, however many messages came in meanwhile, up to `maxPages`.
 */

export interface MessageHistory {
  /** Discord's GET /channels/{id}/messages: with `after`, the `limit` messages right after it, newest first. */
  messages(channelId: string, query: { after?: string; before?: string; limit: number }): Promise<APIMessage[]>;
}

export interface EarlierPostSearch {
  channelId: string;
  /** When the intent was recorded: the post cannot be older. */
  since: Date;
  isOurs: (message: APIMessage) => boolean;
  clockSkewMs?: number;
  /** Pages of 100 messages read at most. Default 50 (5,000 messages). */
  maxPages?: number;
}

export interface EarlierPostResult {
  found?: APIMessage;
  /** False when maxPages ran out before the present was reached: not finding it proves nothing then. */
  complete: boolean;
}

const PAGE = 100;

export async function findEarlierPost(history: MessageHistory, search: EarlierPostSearch): Promise<EarlierPostResult> {
  const start = Math.max(Number(SnowflakeUtil.epoch), search.since.getTime() - (search.clockSkewMs ?? 10 * 60_000));
  let after = SnowflakeUtil.generate({ timestamp: start, increment: 0n, workerId: 0n, processId: 0n }).toString();
  for (let page = 0; page < (search.maxPages ?? 50); page++) {
    const messages = await history.messages(search.channelId, { after, limit: PAGE });
    const found = messages.find(search.isOurs);
    if (found) return { found, complete: true };
    if (messages.length < PAGE) return { complete: true };
    // Newest first, but do not count on the order: the next page starts after the newest of this one.
    after = messages.reduce((max, m) => (BigInt(m.id) > BigInt(max) ? m.id : max), after);
  }
  return { complete: false };
}
