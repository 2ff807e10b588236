import type { Kysely } from 'kysely';
import { placeOf, type FieldCipher } from '../crypto/cipher.js';
import type { Queryable } from './database.js';
import type { HavenSchema } from './schema.js';

/** Encrypted columns that may not be null are overwritten with this text, freshly encrypted, so readers still open them. */
export const DESTROYED_TEXT = '[destroyed under the retention policy]';

/** The tables whose rows have an `id` (every ciphertext is bound to `table.column.id`). */
export type RowTable = {
  [T in keyof HavenSchema]: HavenSchema[T] extends { id: string } ? T : never;
}[keyof HavenSchema];

/** The encrypted columns a purge destroys in one table, from the registry of encrypted columns. */
export interface DestroyedColumns {
  /** Set to null. */
  nulled: readonly string[];
  /** May not be null: overwritten with DESTROYED_TEXT, encrypted for each row. */
  overwritten: readonly string[];
}

/** Rows changed per statement: well under the bound parameters of either database. */
const CHUNK = 500;

/**
 * Destroys these encrypted columns of these rows, the one way. The feature that owns the table
 * calls it from its store with the table named in the call, so the lint rule on writes to another
 * feature's tables sees whose table it is.
 */
export async function destroyCiphertexts(
  unit: { db: Queryable; platform: { cipher: FieldCipher } },
  table: RowTable,
  ids: readonly string[],
  columns: DestroyedColumns,
): Promise<void> {
  // Kysely's builder cannot follow a table chosen by a parameter: the table is checked by the
  // signature, the columns come from the registry of encrypted columns.
  const db = unit.db as unknown as Kysely<Record<string, { id: string }>>;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    if (columns.nulled.length > 0) {
      await db
        .updateTable(table)
        .set(Object.fromEntries(columns.nulled.map((c) => [c, null])) as never)
        .where('id', 'in', chunk)
        .execute();
    }
    for (const id of columns.overwritten.length > 0 ? chunk : []) {
      await db
        .updateTable(table)
        .set(Object.fromEntries(columns.overwritten.map((c) => [c, unit.platform.cipher.encrypt(DESTROYED_TEXT, placeOf(table, c, id))])) as never)
        .where('id', '=', id)
        .execute();
    }
  }
}
