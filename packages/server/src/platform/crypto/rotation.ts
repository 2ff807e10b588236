import { sql } from 'kysely';
import type { Platform } from '../context.js';
import { FieldCipher, placeOf } from './cipher.js';

export interface EncryptedColumns {
  table: string;
  columns: readonly string[];
}

export interface RotationProgress {
  table: string;
  rewritten: number;
}

/**
 * Re-encrypts every value not under the active key, a batch per transaction, while the server
 * keeps running. Each row is rewritten only if it still holds the ciphertext read, so a
 * concurrent change is never overwritten; such a row is picked up by the next pass.
 */
export async function reencryptAll(
  platform: Platform,
  registry: readonly EncryptedColumns[],
  batchSize: number,
  onProgress: (progress: RotationProgress) => void = () => {},
): Promise<number> {
  const { db } = platform.database;
  const active = platform.keyring.activeKeyId();
  let total = 0;
  for (let pass = 0; pass < 5; pass += 1) {
    let rewrittenThisPass = 0;
    for (const { table, columns } of registry) {
      let after = '';
      for (;;) {
        // Dynamic table and column names come only from the fixed registry, never from input.
        const rows = (await db
          .selectFrom(sql.table(table).as('t') as never)
          .select([sql.ref('id').as('id'), ...columns.map((c) => sql.ref(c).as(c))] as never)
          .where(sql.ref('id') as never, '>', after as never)
          .orderBy(sql.ref('id') as never)
          .limit(batchSize)
          .execute()) as Record<string, string | null>[];
        if (rows.length === 0) break;
        let rewritten = 0;
        await db.transaction().execute(async (trx) => {
          for (const row of rows) {
            for (const column of columns) {
              const old = row[column];
              if (old == null || FieldCipher.keyIdOf(old) === active) continue;
              const place = placeOf(table, column, row.id!);
              const fresh = platform.cipher.encrypt(platform.cipher.decrypt(old, place), place);
              const result = await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${fresh} where id = ${row.id} and ${sql.ref(column)} = ${old}`.execute(trx);
              if (Number(result.numAffectedRows ?? 0) === 1) rewritten += 1;
            }
          }
        });
        total += rewritten;
        rewrittenThisPass += rewritten;
        onProgress({ table, rewritten });
        after = rows[rows.length - 1]!.id!;
      }
    }
    if (rewrittenThisPass === 0) break;
  }
  return total;
}

/** Values still under an old key (0 after a complete rotation). */
export async function countStale(platform: Platform, registry: readonly EncryptedColumns[]): Promise<number> {
  const active = platform.keyring.activeKeyId();
  let stale = 0;
  for (const { table, columns } of registry) {
    for (const column of columns) {
      const result = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} is not null and ${sql.ref(column)} not like ${`hv1.${active}.%`}`.execute(platform.database.db);
      stale += Number(result.rows[0]?.n ?? 0);
    }
  }
  return stale;
}
