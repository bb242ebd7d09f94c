import type { Person } from '../model.js';
import { attr } from './attr.js';
import type { TagHandler } from './TagHandler.js';

/** More than any real cast list; a hostile feed stops here. */
export const MAX_PERSONS = 50;
/** The spec asks for at most 128 characters; a little slack for feeds that go over. */
const NAME_MAX = 256;

/** A draft that collects persons: the channel's or an item's. */
interface PersonDraft {
  persons?: Person[] | undefined;
  openPerson?: Person | undefined;
}

/**
 * `<podcast:person role group img href>Name</podcast:person>` (Podcasting 2.0): the attributes when it opens, the name
 * when it closes. One without a name is dropped (buildEpisode, buildPodcast).
 */
export function personTag<D extends PersonDraft>(): TagHandler<D> {
  return {
    spec: 'Podcasting 2.0',
    open: (d, a) => {
      d.openPerson = undefined;
      const persons = (d.persons ??= []);
      if (persons.length >= MAX_PERSONS) return;
      // Keys in PersonSchema order, as JSON output shows them. Built up from `{}`, not as a literal, as chapters are (see
      // itemTags.ts): persons are kept (they are the result), and V8 throws away the optimised code allocating a kept
      // literal's objects once it switches that literal to old-space allocation, which a fresh process then compiles again.
      const person = {} as Person;
      person.name = '';
      const role = attr(a, 'role');
      const group = attr(a, 'group');
      const img = attr(a, 'img');
      const href = attr(a, 'href');
      if (role !== undefined) person.role = role;
      if (group !== undefined) person.group = group;
      if (img !== undefined) person.img = img;
      if (href !== undefined) person.href = href;
      persons.push(person);
      d.openPerson = person;
    },
    text: {
      kind: 'plain',
      max: NAME_MAX,
      set: (d, t) => {
        if (d.openPerson !== undefined) d.openPerson.name = t;
        d.openPerson = undefined;
      },
    },
  };
}

/** The persons that have a name; undefined when none has. */
export function namedPersons(persons: readonly Person[] | undefined): Person[] | undefined {
  // Most items name nobody: no empty list made to find that out.
  if (persons === undefined || persons.length === 0) return undefined;
  const named = persons.filter((p) => p.name !== '');
  return named.length === 0 ? undefined : named;
}
