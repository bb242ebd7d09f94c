import type { ServerResponse } from 'node:http';
import type { REST } from '@discordjs/rest';
import {
  InteractionResponseType,
  MessageFlags,
  Routes,
  type APIInteractionResponse,
  type APIInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import type { Responder } from '../interactions/InteractionCore.js';

/**
 * How the HTTP endpoint answers: the first answer is the HTTP response to Discord's POST (a message, a page turned in
 * place, autocomplete choices, or "thinking…"); what follows a deferral (the edit of the original, a follow-up, the
 * placeholder removed) goes to the interaction's webhook through @discordjs/rest. The webhook takes the interaction's
 * token, not the bot's, so an interactions replica needs no bot token to answer.
 */
export class HttpResponder implements Responder {
  #answered = false;
  readonly #res: ServerResponse;
  readonly #rest: REST;
  readonly #applicationId: string;
  readonly #token: string;

  constructor(res: ServerResponse, rest: REST, interaction: { application_id: string; token: string }) {
    this.#res = res;
    this.#rest = rest;
    this.#applicationId = interaction.application_id;
    this.#token = interaction.token;
  }

  /** Whether the HTTP response has been written. */
  get answered(): boolean {
    return this.#answered;
  }

  reply(body: APIInteractionResponseCallbackData): Promise<void> {
    return this.#respond({ type: InteractionResponseType.ChannelMessageWithSource, data: body });
  }

  update(body: APIInteractionResponseCallbackData): Promise<void> {
    return this.#respond({ type: InteractionResponseType.UpdateMessage, data: body });
  }

  choices(choices: { name: string; value: string }[]): Promise<void> {
    return this.#respond({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } });
  }

  defer(ephemeral: boolean): Promise<void> {
    // As discord.js's deferReply sends it: the flags always present, 0 for a public "thinking…".
    const flags = (ephemeral ? MessageFlags.Ephemeral : 0) as MessageFlags;
    return this.#respond({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags } });
  }

  async editOriginal(body: APIInteractionResponseCallbackData): Promise<void> {
    await this.#rest.patch(Routes.webhookMessage(this.#applicationId, this.#token, '@original'), { body, auth: false });
  }

  async followUp(body: APIInteractionResponseCallbackData): Promise<void> {
    await this.#rest.post(Routes.webhook(this.#applicationId, this.#token), { body, auth: false });
  }

  async deleteOriginal(): Promise<void> {
    await this.#rest.delete(Routes.webhookMessage(this.#applicationId, this.#token, '@original'), { auth: false });
  }

  /** Writes the HTTP response; resolves once it has been handed to the socket, so a webhook edit cannot overtake it. */
  #respond(response: APIInteractionResponse): Promise<void> {
    if (this.#answered) return Promise.reject(new Error('the interaction was already answered in its HTTP response'));
    this.#answered = true;
    const res = this.#res;
    if (res.destroyed || res.writableEnded) return Promise.reject(new Error('the HTTP request closed before it was answered'));
    const json = JSON.stringify(response);
    return new Promise<void>((resolve, reject) => {
      res.once('close', () => (res.writableFinished ? resolve() : reject(new Error('the HTTP request closed before its answer was sent'))));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json, () => resolve());
    });
  }
}
