import { sql } from 'kysely';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { Database, Queryable } from '../../platform/db/database.js';
import type { PersonTable } from '../../platform/db/schema.js';
import { birthDateIndexOf } from '../duplicates/store.js';

// The exact date of birth is encrypted like every personal field (birth_date_enc, through
// PERSON_FIELDS). Beside it, in plaintext, only what reads it in bulk needs: the year (the
// duplicate ranking) and the age at the encounter (the statistics), with a blind index of a date
// taken to the day for the ranking's equal-date test. They follow the date wherever it is written.

/**
 * Whole years from `birthDate` to the encounter at `occurredAt` (RFC 3339, UTC), as the
 * indicators count age: from the date as recorded whatever its precision (the engine's own
 * reading, case-facts' ageAt, gives a year-only date the benefit of the doubt instead). Null
 * without a date or an encounter.
 */
export function ageAtEncounter(birthDate: string | null | undefined, occurredAt: string | null | undefined): number | null {
  if (!birthDate || !occurredAt) return null;
  const years = Number(occurredAt.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return occurredAt.slice(5, 10) < birthDate.slice(5, 10) ? years - 1 : years;
}

export type BirthDateColumns = Pick<PersonTable, 'birth_year' | 'birth_date_index' | 'age_at_encounter'>;

/** The plaintext and keyed columns that follow a person's date of birth (the date itself is encrypted by encodePersonFields). */
export function birthDateColumns(
  cipher: FieldCipher,
  birthDate: string | null | undefined,
  precision: string | null | undefined,
  occurredAt: string | null | undefined,
): BirthDateColumns {
  return {
    birth_year: birthDate ? Number(birthDate.slice(0, 4)) : null,
    birth_date_index: birthDateIndexOf(cipher, birthDate, precision),
    age_at_encounter: ageAtEncounter(birthDate, occurredAt),
  };
}

/** The date of birth of a stored person, decrypted; null when none is recorded. */
export function birthDateOf(cipher: FieldCipher, row: Pick<PersonTable, 'id' | 'birth_date_enc'>): string | null {
  return cipher.decryptNullable(row.birth_date_enc, placeOf('persons', 'birth_date_enc', row.id));
}

/**
 * After an encounter's time changed: the age at the encounter of every person met in it, again.
 * Only the persons whose age moves are written, a statement per age.
 */
export async function restateAgesAtEncounter(q: Queryable, cipher: FieldCipher, encounterId: string, occurredAt: string): Promise<void> {
  const rows = await q
    .selectFrom('persons')
    .select(['id', 'birth_date_enc', 'age_at_encounter'])
    .where('encounter_id', '=', encounterId)
    .where('birth_date_enc', 'is not', null)
    .execute();
  const moved = new Map<number | null, string[]>();
  for (const row of rows) {
    const age = ageAtEncounter(birthDateOf(cipher, row), occurredAt);
    if (age === row.age_at_encounter) continue;
    moved.set(age, [...(moved.get(age) ?? []), row.id]);
  }
  for (const [age, ids] of moved) {
    for (let i = 0; i < ids.length; i += 500) {
      await q.updateTable('persons').set({ age_at_encounter: age }).where('id', 'in', ids.slice(i, i + 500)).execute();
    }
  }
}

/** Dates encrypted per transaction by the catch-up: a start cut short loses at most one batch's work, which the next start does again. */
const CATCH_UP_BATCH = 5000;
/** Rows per UPDATE statement of a batch: few enough parameters for any engine and for the statements a connection keeps prepared. */
const UPDATE_ROWS = 500;

export interface CatchUpOptions {
  batchSize?: number;
  /** Told once before the first batch, with how many dates are to be encrypted. */
  onStart?: (total: number) => void;
  /** Told after each batch. */
  progress?: (done: number, total: number) => void;
}

/**
 * Encrypts the plaintext dates of birth a database from before their encryption still holds
 * (migration 015 keeps them, having no key): each into birth_date_enc with its blind index, the
 * plaintext cleared, a batch per transaction. Idempotent, and safe with several processes starting
 * at once (on PostgreSQL a batch locks its rows; another process waits for them, finds them done,
 * and takes the next ones, so none serves before every date is encrypted). Then the space the
 * plaintext took is cleaned: on SQLite (secure_delete zeroed it in the pages) the log is
 * checkpointed and truncated, so no frame keeps an old page; on PostgreSQL the table is rewritten
 * (VACUUM FULL, once: a plain VACUUM leaves the bytes of dead row versions in the file).
 * PostgreSQL's own log keeps them until it recycles its segments.
 * Returns how many dates it encrypted.
 */
export async function encryptPlaintextBirthDates(database: Database, cipher: FieldCipher, options: CatchUpOptions = {}): Promise<number> {
  const { db, dialect } = database;
  const batchSize = options.batchSize ?? CATCH_UP_BATCH;
  // The migration's partial index holds exactly these rows: the question costs nothing once none is left.
  const pending = await db.selectFrom('persons').select('id').where('birth_date', 'is not', null).limit(1).executeTakeFirst();
  if (!pending) return 0;
  const total = Number((await db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).where('birth_date', 'is not', null).executeTakeFirstOrThrow()).n);
  options.onStart?.(total);
  let done = 0;
  for (;;) {
    const encrypted = await db.transaction().execute(async (trx) => {
      let batch = trx.selectFrom('persons').select(['id', 'birth_date', 'birth_date_precision']).where('birth_date', 'is not', null).orderBy('id').limit(batchSize);
      if (dialect === 'postgres') batch = batch.forUpdate();
      const rows = await batch.execute();
      for (let i = 0; i < rows.length; i += UPDATE_ROWS) {
        const values = rows.slice(i, i + UPDATE_ROWS).map(
          (row) =>
            sql`(cast(${row.id} as text), cast(${cipher.encrypt(row.birth_date!, placeOf('persons', 'birth_date_enc', row.id))} as text),
              cast(${birthDateIndexOf(cipher, row.birth_date, row.birth_date_precision)} as text))`,
        );
        await sql`with sealed (id, enc, idx) as (values ${sql.join(values)})
          update persons set birth_date_enc = sealed.enc, birth_date_index = sealed.idx, birth_date = null
          from sealed where persons.id = sealed.id`.execute(trx);
      }
      return rows.length;
    });
    if (encrypted === 0) break;
    done += encrypted;
    options.progress?.(Math.min(done, total), total);
  }
  if (dialect === 'sqlite' && database.sqlite) database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  if (dialect === 'postgres') await sql`vacuum full persons`.execute(db);
  return done;
}
