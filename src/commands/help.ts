import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { ok } from '../data/model.js';
import { BRAND_COLOUR } from '../messages/embeds.js';
import { stringsFor } from '../messages/strings.js';
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

type Definition = SlashCommand['data'];
type Option = NonNullable<Definition['options']>[number];

const localized = (sv: boolean, text: string, localizations: Partial<Record<string, string | null>> | null | undefined): string =>
  (sv && localizations?.['sv-SE']) || text;

/** One entry per command (per subcommand where it has them): its usage in bold, then what it does. */
function usage(sv: boolean, prefix: string, description: string, options: readonly Option[]): string[] {
  const subcommands = options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
  if (subcommands.length > 0) {
    return subcommands.flatMap((sub) =>
      usage(sv, `${prefix} ${localized(sv, sub.name, sub.name_localizations)}`, localized(sv, sub.description, sub.description_localizations), sub.options ?? []),
    );
  }
  const args = options.map((o) => {
    const name = localized(sv, o.name, o.name_localizations);
    return 'required' in o && o.required ? `${name}:` : `[${name}]`;
  });
  return [`**/${[prefix, ...args].join(' ')}**\n${description}`];
}

/**
 * /help describes the commands it is given, in the reader's language, so it can never fall out of date. The
 * server-management commands are listed only to people who may use them.
 */
export function helpCommand(listener: readonly SlashCommand[], admin: readonly SlashCommand[] = []): SlashCommand {
  return {
    data: helpData,
    needs: 'nothing',
    run(_options, invocation) {
      const sv = invocation.locale.toLowerCase().startsWith('sv');
      const describe = (commands: readonly SlashCommand[]): string =>
        commands
          .flatMap(({ data }) => usage(sv, localized(sv, data.name, data.name_localizations), localized(sv, data.description, data.description_localizations), data.options ?? []))
          .join('\n\n');
      const sections = [sv ? intro.sv : intro.en, describe(listener)];
      if (invocation.canManageGuild && admin.length > 0) sections.push(`__${stringsFor(invocation.locale).serverManagers}__\n\n${describe(admin)}`);
      return ok({ embeds: [{ title: 'Podcord', color: BRAND_COLOUR, description: sections.join('\n\n') }], ephemeral: true });
    },
  };
}
