import { decodeProblem, mapProblemText, type Problem } from '../data/problems.js';
import { redactUrls } from '../data/redactUrl.js';
import { escapeInline, escapeMarkdown } from './markdown.js';
import { stringsFor, type Strings } from './strings.js';

/** A problem in the reader's language, what it echoes (a typed query, an address) escaped: shown as written, never a ping. */
export function problemText(problem: Problem, s: Strings): string {
  return s.problem(mapProblemText(problem, escapeInline));
}

/** The English wording, for the operator's log and the command line. */
export function describeProblem(problem: Problem): string {
  return stringsFor('en').problem(problem);
}

/**
 * A problem kept in the store (a feed's last error, a pause, a post's reason) in the reader's language; text stored
 * before problems were kept as data is shown as it was written, escaped.
 */
export function storedProblemText(stored: string, s: Strings): string {
  const problem = decodeProblem(stored);
  return problem ? problemText(mapProblemText(problem, redactUrls), s) : escapeMarkdown(redactUrls(stored));
}
