/**
 * Every limit Discord puts on what a bot sends, measured as Discord measures (code points: its API counts with
 * Python's len()), for tests that build messages by hand. Returns what is wrong, so a failure names the field.
 * The fake Discord refuses the same things; this checks a message without sending it.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Not Discord's documented limit: the bound Podcord keeps embed URLs to (LIMITS.url). */
const URL_MAX = 2048;

export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(problems: string[], where: string, value: unknown, max: number, min = 0): number {
  if (value === undefined) return 0;
  if (typeof value !== 'string') {
    problems.push(`${where} is not a string`);
    return 0;
  }
  if (LONE_SURROGATE.test(value)) problems.push(`${where} holds half of a surrogate pair`);
  const n = codePoints(value);
  if (n > max) problems.push(`${where} is ${n} characters, over ${max}`);
  if (n < min) problems.push(`${where} is ${n} characters, under ${min}`);
  return n;
}

/** A message body (REST create/edit, interaction callback data, forum starter message). */
export function messageProblems(body: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(body)) return ['not an object'];
  text(problems, 'content', body['content'], 2000);
  const embeds = Array.isArray(body['embeds']) ? body['embeds'] : [];
  if (embeds.length > 10) problems.push(`${embeds.length} embeds, over 10`);
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    if (!isObject(embed)) return void problems.push(`embeds.${i} is not an object`);
    total += text(problems, `embeds.${i}.title`, embed['title'], 256);
    total += text(problems, `embeds.${i}.description`, embed['description'], 4096);
    text(problems, `embeds.${i}.url`, embed['url'], URL_MAX);
    if (isObject(embed['footer'])) total += text(problems, `embeds.${i}.footer.text`, embed['footer']['text'], 2048);
    if (isObject(embed['author'])) {
      total += text(problems, `embeds.${i}.author.name`, embed['author']['name'], 256);
      text(problems, `embeds.${i}.author.url`, embed['author']['url'], URL_MAX);
    }
    if (isObject(embed['thumbnail'])) text(problems, `embeds.${i}.thumbnail.url`, embed['thumbnail']['url'], URL_MAX);
    const fields = Array.isArray(embed['fields']) ? embed['fields'] : [];
    if (fields.length > 25) problems.push(`embeds.${i}: ${fields.length} fields, over 25`);
    fields.forEach((field: unknown, j) => {
      if (!isObject(field)) return void problems.push(`embeds.${i}.fields.${j} is not an object`);
      total += text(problems, `embeds.${i}.fields.${j}.name`, field['name'], 256, 1);
      total += text(problems, `embeds.${i}.fields.${j}.value`, field['value'], 1024, 1);
    });
  });
  if (total > 6000) problems.push(`embeds total ${total} characters, over 6000`);
  const rows = Array.isArray(body['components']) ? body['components'] : [];
  if (rows.length > 5) problems.push(`${rows.length} component rows, over 5`);
  rows.forEach((row: unknown, i) => {
    const components = isObject(row) && Array.isArray(row['components']) ? row['components'] : [];
    if (components.length > 5) problems.push(`components.${i}: ${components.length} components, over 5`);
    components.forEach((c: unknown, j) => {
      if (!isObject(c)) return;
      text(problems, `components.${i}.${j}.label`, c['label'], 80);
      text(problems, `components.${i}.${j}.custom_id`, c['custom_id'], 100);
    });
  });
  return problems;
}

/** Autocomplete choices. */
export function choiceProblems(choices: readonly { name: string; value: string | number }[]): string[] {
  const problems: string[] = [];
  if (choices.length > 25) problems.push(`${choices.length} choices, over 25`);
  choices.forEach((c, i) => {
    text(problems, `choices.${i}.name`, c.name, 100, 1);
    if (typeof c.value === 'string') text(problems, `choices.${i}.value`, c.value, 100);
  });
  return problems;
}

/** A thread's (forum post's) name. */
export function threadNameProblems(name: string): string[] {
  const problems: string[] = [];
  text(problems, 'name', name, 100, 1);
  return problems;
}
