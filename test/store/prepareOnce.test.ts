import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareOnce } from '../../src/store/prepareOnce.js';

/** The SQLite store's statements are compiled once (a real in-memory database). */

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function database(): Database.Database {
  const db = new Database(':memory:');
  dbs.push(db);
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a'), ('b');`);
  prepareOnce(db);
  return db;
}

describe('prepareOnce', () => {
  it('hands back the statement prepared before for the same SQL', () => {
    const db = database();
    expect(db.prepare('SELECT name FROM t ORDER BY id')).toBe(db.prepare('SELECT name FROM t ORDER BY id'));
    expect(db.prepare('UPDATE t SET name = ? WHERE id = ?')).toBe(db.prepare('UPDATE t SET name = ? WHERE id = ?'));
  });

  it('hands it back in its default modes, whatever the last caller set', () => {
    const db = database();
    expect(db.prepare('SELECT name FROM t ORDER BY id').pluck().all()).toEqual(['a', 'b']);
    expect(db.prepare('SELECT name FROM t ORDER BY id').all()).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(db.prepare('SELECT name FROM t ORDER BY id').raw(true).all()).toEqual([['a'], ['b']]);
    expect(db.prepare('SELECT name FROM t ORDER BY id').get()).toEqual({ name: 'a' });
  });

  it('prepares a fresh one while the cached one is still being iterated', () => {
    const db = database();
    const names: string[] = [];
    for (const row of db.prepare('SELECT name FROM t ORDER BY id').iterate() as IterableIterator<{ name: string }>) {
      names.push(row.name, ...(db.prepare('SELECT name FROM t ORDER BY id').pluck().all() as string[]));
    }
    expect(names).toEqual(['a', 'a', 'b', 'b', 'a', 'b']);
  });
});
