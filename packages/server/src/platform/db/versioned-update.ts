import type { Kysely, UpdateObject } from 'kysely';
import { staleVersion } from '../http/problem.js';
import type { Queryable } from './database.js';
import type { HavenSchema } from './schema.js';

/** The tables whose rows carry an optimistic-locking `version` (and an `id`). */
export type VersionedTable = {
  [T in keyof HavenSchema]: HavenSchema[T] extends { id: string; version: number } ? T : never;
}[keyof HavenSchema];

export interface VersionedUpdate<T extends VersionedTable> {
  table: T;
  id: string;
  /** The version the caller read; the update happens only if the row still has it. */
  version: number;
  set: UpdateObject<HavenSchema, T>;
  /** What a 409 calls the record (`person`, `case`, `referral`…). */
  recordType: string;
  /** Stamped as `updated_at` where the table has one. */
  at?: string;
}

/**
 * Optimistic locking, the one way: update the row whose id and version match, bump its version,
 * else answer 409 stale-version with the version the row has now (a missing row is the caller's
 * 404 to decide before). Returns the new version.
 */
export async function updateVersioned<T extends VersionedTable>(q: Queryable, change: VersionedUpdate<T>): Promise<number> {
  const next = change.version + 1;
  const set = { ...change.set, version: next, ...(change.at === undefined ? {} : { updated_at: change.at }) } as UpdateObject<HavenSchema, T>;
  // Kysely's builder cannot follow a table chosen by a type parameter: the table and its columns
  // are checked by the signature above, the statement by a loose view of the same connection.
  const db = q as unknown as Kysely<Record<string, { id: string; version: number }>>;
  const result = await db.updateTable(change.table as string).set(set as never).where('id', '=', change.id).where('version', '=', change.version).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return next;
  const current = await db.selectFrom(change.table as string).select('version').where('id', '=', change.id).executeTakeFirst();
  throw staleVersion(change.recordType, current?.version ?? change.version);
}
