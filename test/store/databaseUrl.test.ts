import { describe, expect, it } from 'vitest';
import { databaseKind, databaseUrlSecrets, maskDatabaseUrl } from '../../src/store/databaseUrl.js';

describe('databaseKind', () => {
  it('tells SQLite from PostgreSQL by the scheme, in any case', () => {
    expect(databaseKind('sqlite:data/podcord.db')).toBe('sqlite');
    expect(databaseKind('sqlite::memory:')).toBe('sqlite');
    expect(databaseKind('postgres://u:p@db/podcord')).toBe('postgres');
    expect(databaseKind('postgresql://db/podcord')).toBe('postgres');
    expect(databaseKind('PostgreSQL://db/podcord')).toBe('postgres');
    expect(databaseKind('mysql://u:p@db/podcord')).toBeUndefined();
    expect(databaseKind('data/podcord.db')).toBeUndefined();
  });
});

describe('maskDatabaseUrl', () => {
  it('hides the password of the userinfo and of query parameters, keeping the rest', () => {
    expect(maskDatabaseUrl('postgres://podcord:hunter2@db.internal:5432/podcord')).toBe('postgres://podcord:***@db.internal:5432/podcord');
    expect(maskDatabaseUrl('postgresql://podcord:p%40ss@db/podcord?sslmode=require&password=again')).toBe(
      'postgresql://podcord:***@db/podcord?sslmode=require&password=***',
    );
    expect(maskDatabaseUrl('postgres://db/podcord?sslpassword=keyphrase')).toBe('postgres://db/podcord?sslpassword=***');
  });

  it('leaves URLs without a password and sqlite: paths as they are', () => {
    expect(maskDatabaseUrl('postgres://podcord@db/podcord')).toBe('postgres://podcord@db/podcord');
    expect(maskDatabaseUrl('sqlite:data/podcord.db')).toBe('sqlite:data/podcord.db');
  });

  it('shows only the scheme of a value that does not parse, since its password cannot be found', () => {
    expect(maskDatabaseUrl('postgres://podcord:pa/ss@db/podcord')).toBe('postgres:(not a valid URL)');
    expect(maskDatabaseUrl('not a url at all')).toBe('(not a URL)');
  });
});

describe('databaseUrlSecrets', () => {
  it('lists every password as written and decoded, for the logger to scrub', () => {
    expect(databaseUrlSecrets('postgres://podcord:p%40ss-word@db/podcord?password=second')).toEqual(['p%40ss-word', 'second', 'p@ss-word']);
    expect(databaseUrlSecrets('postgres://podcord@db/podcord')).toEqual([]);
    expect(databaseUrlSecrets('sqlite:data/podcord.db')).toEqual([]);
  });
});
