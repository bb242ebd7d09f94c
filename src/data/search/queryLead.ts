/**
 * "episodes with Raffi Krikorian", "avsnitt med Raffi Krikorian": a request for a list, phrased around the name. The
 * lead says what to list, not what to find: "with" and "med" are stop words already, but "episodes" is a word of its
 * own that matches every "In this episode..." in the notes and would outrank the guest's name. It is not made a stop
 * word everywhere ("episode 3" and a title about episodes must still be found), only dropped as this lead.
 */
const LEAD = new RegExp(
  [
    // English: (all) (the) episodes / shows / podcasts with / featuring / feat. / ft.
    String.raw`^\s*(?:all\s+)?(?:the\s+)?(?:episodes?|shows?|podcasts?)\s+(?:with|featuring|feat\.?|ft\.?)\s+`,
    // Swedish: (alla) avsnitt / avsnitten / avsnittet / program / programmen med
    String.raw`^\s*(?:alla\s+)?(?:avsnitt(?:en|et)?|program(?:met|men)?|poddar?(?:na)?)\s+med\s+`,
  ].join('|'),
  'iu',
);

/** The query without a leading "episodes with" (or its Swedish), when something is left to search for. */
export function withoutListLead(query: string): string {
  const match = LEAD.exec(query);
  if (match === null) return query;
  const rest = query.slice(match[0].length).trim();
  return rest === '' ? query : rest;
}
