import { ApplicationCommandType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { ok } from '../data/model.js';
import { BRAND_COLOUR } from '../discord/embeds.js';
import type { SlashCommand } from './command.js';

export const helpData = {
  type: ApplicationCommandType.ChatInput,
  name: 'help',
  name_localizations: { 'sv-SE': 'hjälp' },
  description: 'What Podcord does, and its commands',
  description_localizations: { 'sv-SE': 'Vad Podcord gör, och dess kommandon' },
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const intro = {
  en: 'Podcord knows every episode of this server’s podcasts and their chapters. Every timestamp is a link that opens the episode at that second.',
  sv: 'Podcord känner till varje avsnitt av serverns poddar och deras kapitel. Varje tidsstämpel är en länk som öppnar avsnittet på just den sekunden.',
};

/** /help describes the commands it is given, in the reader's language, so it can never fall out of date. */
export function helpCommand(others: readonly SlashCommand[]): SlashCommand {
  return {
    data: helpData,
    run(_options, invocation) {
      const sv = invocation.locale.toLowerCase().startsWith('sv');
      const lines = others.map(({ data }) => {
        const name = (sv && data.name_localizations?.['sv-SE']) || data.name;
        const description = (sv && data.description_localizations?.['sv-SE']) || data.description;
        const options = (data.options ?? []).map((o) => {
          const optionName = (sv && o.name_localizations?.['sv-SE']) || o.name;
          return o.required ? `${optionName}:` : `[${optionName}]`;
        });
        return `**/${[name, ...options].join(' ')}**\n${description}`;
      });
      return ok({
        embeds: [{ title: 'Podcord', color: BRAND_COLOUR, description: `${sv ? intro.sv : intro.en}\n\n${lines.join('\n\n')}` }],
        ephemeral: true,
      });
    },
  };
}
