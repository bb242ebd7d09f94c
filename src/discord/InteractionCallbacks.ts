import { setTimeout as sleep } from 'node:timers/promises';
import type { AutocompleteInteraction, BaseInteraction, MessageComponentInteraction, RepliableInteraction } from 'discord.js';
import {
  InteractionResponseType,
  MessageFlags,
  type APIApplicationCommandOptionChoice,
  type APIInteractionResponse,
  type APIInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import { CallbackClient } from './CallbackClient.js';

const RETRIES = 3;
/** The form Discord asks API clients to name themselves in. */
const USER_AGENT = 'DiscordBot (https://github.com/podcord/podcord, 0.1.0)';

/**
 * The three answers every interaction ends in (a reply, a page turned in place, autocomplete choices), POSTed straight
 * to the interaction's callback URL instead of through discord.js's REST queue. A callback takes no bot token and has
 * no rate-limit bucket to wait in, and on the bot's hottest path that queue's payload resolving, header building,
 * abort timers and response parsing cost more CPU than the request itself. Sets the interaction's flags (replied,
 * ephemeral, responded) as discord.js's own methods do, so deferReply, editReply and followUp keep working.
 */
export class InteractionCallbacks {
  readonly #http: CallbackClient;
  readonly #path: string;

  /** `apiUrl` as discord.js's `rest.api` (DISCORD_API_URL): without the version. */
  constructor(apiUrl: string) {
    const url = new URL(apiUrl);
    this.#http = new CallbackClient(url.origin, USER_AGENT);
    this.#path = `${url.pathname.replace(/\/+$/, '')}/v10/interactions`;
  }

  async reply(interaction: RepliableInteraction, data: APIInteractionResponseCallbackData): Promise<void> {
    await this.#send(interaction, { type: InteractionResponseType.ChannelMessageWithSource, data });
    interaction.ephemeral = ((data.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    interaction.replied = true;
  }

  async update(interaction: MessageComponentInteraction, data: APIInteractionResponseCallbackData): Promise<void> {
    await this.#send(interaction, { type: InteractionResponseType.UpdateMessage, data });
    interaction.replied = true;
  }

  async choices(interaction: AutocompleteInteraction, choices: APIApplicationCommandOptionChoice[]): Promise<void> {
    await this.#send(interaction, { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } });
    interaction.responded = true;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  async #send(interaction: BaseInteraction, body: APIInteractionResponse): Promise<void> {
    const path = `${this.#path}/${interaction.id}/${interaction.token}/callback`;
    const json = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      const response = await this.#http.post(path, json);
      if (response.status < 300) return;
      // Discord may still answer 429 (with Retry-After, in seconds) or fail for a moment: retry as discord.js would.
      const retryAfter = Number(response.headers['retry-after']);
      if ((response.status === 429 || response.status >= 500) && attempt < RETRIES) {
        await sleep(response.status === 429 && Number.isFinite(retryAfter) ? retryAfter * 1000 : 100 * 2 ** attempt);
        continue;
      }
      throw new Error(`Discord answered the interaction callback with ${response.status}: ${response.body.slice(0, 300)}`);
    }
  }
}
