import { ApplicationCommandOptionType } from 'discord-api-types/v10';

/** Options shared by several commands, as data: English names, Swedish localisations. */

export const episodeOption = {
  type: ApplicationCommandOptionType.String,
  name: 'episode',
  name_localizations: { 'sv-SE': 'avsnitt' },
  description: 'Episode title, number or words from it (default: the latest)',
  description_localizations: { 'sv-SE': 'Avsnittets titel, nummer eller ord ur den (standard: det senaste)' },
  autocomplete: true,
  max_length: 100,
} as const;

export const podcastOption = {
  type: ApplicationCommandOptionType.String,
  name: 'podcast',
  name_localizations: { 'sv-SE': 'podd' },
  description: 'Which podcast (default: all of this server’s podcasts)',
  description_localizations: { 'sv-SE': 'Vilken podd (standard: alla serverns poddar)' },
  autocomplete: true,
  max_length: 100,
} as const;
