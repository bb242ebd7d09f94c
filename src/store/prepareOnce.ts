import type Database from 'better-sqlite3';

/**
 * Makes `db.prepare` hand back the statement it prepared before for the same SQL instead of compiling it again: the
 * store's calls run thousands of times a poll cycle (a 304 each), and compiling is most of a small statement's cost.
 * A statement's modes (pluck, raw, expand) are reset on every hand-out, as a fresh one has them; one still being
 * iterated is never shared: a fresh one is prepared then.
 */
export function prepareOnce(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    const cached = statements.get(sql);
    if (cached !== undefined && !cached.busy) {
      if (cached.reader) cached.raw(false).pluck(false).expand(false);
      return cached;
    }
    const statement = prepare(sql);
    if (cached === undefined) statements.set(sql, statement);
    return statement;
  }) as typeof db.prepare;
}
