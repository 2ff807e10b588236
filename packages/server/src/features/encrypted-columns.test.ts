import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import type { Platform } from '../platform/context.js';
import { ENCRYPTED_COLUMNS } from './encrypted-columns.js';

describe('the encrypted-column registry', () => {
  let database: TestDatabase;
  let platform: Platform;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    platform = await database.open();
  });
  afterAll(async () => {
    await platform.database.close();
    await database.destroy();
  });

  it('lists every *_enc column of the schema, so key rotation re-encrypts them all', async () => {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(platform.database.db);
    const found: string[] = [];
    for (const { name } of tables.rows) {
      const columns = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(platform.database.db);
      for (const column of columns.rows) if (column.name.endsWith('_enc')) found.push(`${name}.${column.name}`);
    }
    const registered = ENCRYPTED_COLUMNS.flatMap((t) => t.columns.map((c) => `${t.table}.${c}`));
    // idempotency_keys answers expire within a day and are keyed by (user, key), not id.
    expect(found.filter((c) => c !== 'idempotency_keys.response_enc').sort()).toEqual([...registered].sort());
  });
});
