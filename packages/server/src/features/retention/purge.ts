import { sql } from 'kysely';
import type { Platform } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import { type Queryable } from '../../platform/db/database.js';
import type { HavenSchema } from '../../platform/db/schema.js';
import { ENCRYPTED_COLUMNS } from '../encrypted-columns.js';
import { ageAtEncounter } from '../persons/birth-date.js';
import type { StoreUnit } from '../../store/unit.js';

// Destroying a person's personal data (retention past closure, or an erasure request). What is
// encrypted comes from the one registry of encrypted columns; this file only says how the rows of
// each table belong to a person. What counts — sex, nationality, age, indicators, obligations and
// their deadlines, referrals by service, detentions, incidents by kind — stays, so statistics and
// the self-assessment still add up. The audit trail is untouched: it names fields, never values,
// so it stays whole and verifiable over a purged record.

/** How the rows of a table with encrypted columns belong to a person. */
type Ownership = { column: 'id' | 'person_id' } | { columns: readonly string[] } | { viaJusticeLink: true } | { encounter: true } | { anyExport: true };

export const PERSON_ROWS: Readonly<Record<string, Ownership>> = {
  persons: { column: 'id' },
  cases: { column: 'person_id' },
  screenings: { column: 'person_id' },
  assistance: { column: 'person_id' },
  identity_documents: { column: 'person_id' },
  obligations: { column: 'person_id' },
  guard_overrides: { column: 'person_id' },
  case_actions: { column: 'person_id' },
  referrals: { column: 'person_id' },
  incidents: { column: 'person_id' },
  allegations: { column: 'person_id' },
  legal_holds: { column: 'person_id' },
  erasure_requests: { column: 'person_id' },
  protection_measures: { viaJusticeLink: true },
  // An encounter's notes may name anyone on board: destroyed once every person of it is purged.
  encounters: { encounter: true },
  person_merges: { columns: ['survivor_id', 'merged_id'] },
  // An export file may hold anyone; which one holds the person cannot be told without opening them
  // all, so every finished export is expired (the job record stays). Exports are short-lived anyway.
  export_jobs: { anyExport: true },
};

/** Tables with encrypted columns that are not a migrant's record, and why. */
export const NOT_PERSONAL_RECORDS: Readonly<Record<string, string>> = {
  users: "staff sign-in secrets, not a migrant's record",
  access_changes: "why an administrator refused a change of staff access, not a migrant's record",
};

/** Encrypted columns that may not be null: overwritten with this text, freshly encrypted, so readers still open them. */
export const DESTROYED_TEXT = '[destroyed under the retention policy]';
export const REQUIRED_CIPHERTEXTS: ReadonlySet<string> = new Set(['guard_overrides.reason_enc', 'allegations.description_enc']);

/** Rows deleted outright: nothing in them counts once the person is gone. */
const DELETED_ROWS = ['identity_documents', 'family_links', 'notifications'] as const;

/** Tables a purge may change; VACUUM goes over these afterwards. */
export const TOUCHED_TABLES: readonly string[] = [
  ...new Set([...Object.keys(PERSON_ROWS), ...DELETED_ROWS, 'access_grants', 'idempotency_keys']),
];

export interface PurgeSummary {
  /** `table.column` of every value destroyed (names only, never values: this goes to the audit trail). */
  fields: string[];
  rowsDeleted: number;
}

/**
 * Tables of keyed derived values per person (match keys, blind indexes of another feature) that
 * exist in this database: their rows for the person are deleted. Found by name so a feature that
 * adds one (`person_match_keys`) is covered without editing this file. Read through the caller's
 * transaction: on SQLite the one connection is held by it.
 */
export async function derivedValueTables(q: Queryable, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select m.name as name from sqlite_master m join pragma_table_info(m.name) c where m.type = 'table' and c.name = 'person_id'`.execute(q)
      : await sql<{ name: string }>`select table_name as name from information_schema.columns where table_schema = current_schema() and column_name = 'person_id'`.execute(q);
  return rows.rows.map((r) => r.name).filter((name) => /match_key|blind_index/.test(name));
}

type AnyTable = keyof HavenSchema;

async function rowIdsOf(q: Queryable, table: string, ownership: Ownership, personId: string): Promise<string[]> {
  if ('column' in ownership) {
    const rows = await q.selectFrom(table as AnyTable).select(sql<string>`id`.as('id')).where(sql.ref(ownership.column), '=', personId).execute();
    return rows.map((r) => r.id);
  }
  if ('columns' in ownership) {
    const rows = await q
      .selectFrom(table as AnyTable)
      .select(sql<string>`id`.as('id'))
      .where((eb) => eb.or(ownership.columns.map((c) => eb(sql.ref(c), '=', personId))))
      .execute();
    return rows.map((r) => r.id);
  }
  if ('anyExport' in ownership) {
    const rows = await q.selectFrom(table as AnyTable).select(sql<string>`id`.as('id')).where(sql.ref('result_enc'), 'is not', null).execute();
    return rows.map((r) => r.id);
  }
  if ('viaJusticeLink' in ownership) {
    const rows = await q
      .selectFrom('protection_measures')
      .select('protection_measures.id')
      .where('justice_link_id', 'in', q.selectFrom('justice_links').select('id').where('person_id', '=', personId))
      .execute();
    return rows.map((r) => r.id);
  }
  // The person's encounter, once nobody of it keeps personal data.
  const person = await q.selectFrom('persons').select('encounter_id').where('id', '=', personId).executeTakeFirst();
  if (!person?.encounter_id) return [];
  const others = await q
    .selectFrom('persons')
    .select('id')
    .where('encounter_id', '=', person.encounter_id)
    .where('id', '!=', personId)
    .where('purged_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return others ? [] : [person.encounter_id];
}

/**
 * Destroys one person's personal data inside the caller's transaction. The person row stays, with
 * no name, contact, blind index or exact birth date (the year is kept for age statistics).
 */
export async function purgePerson(unit: StoreUnit, personId: string, at: string): Promise<PurgeSummary> {
  const { platform, db: q } = unit;
  const fields: string[] = [];
  let rowsDeleted = 0;

  // Rows deleted outright first, so their ciphertexts are not rewritten for nothing.
  rowsDeleted += Number((await q.deleteFrom('identity_documents').where('person_id', '=', personId).executeTakeFirst()).numDeletedRows);
  rowsDeleted += Number(
    (await q.deleteFrom('family_links').where((eb) => eb.or([eb('person_id', '=', personId), eb('related_person_id', '=', personId)])).executeTakeFirst()).numDeletedRows,
  );
  rowsDeleted += Number((await q.deleteFrom('notifications').where('person_id', '=', personId).executeTakeFirst()).numDeletedRows);
  for (const table of await derivedValueTables(q, platform.database.dialect)) {
    const result = await q.deleteFrom(table as AnyTable).where(sql.ref('person_id'), '=', personId).executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    rowsDeleted += deleted;
    if (deleted > 0) fields.push(`${table}.*`);
  }

  for (const { table, columns } of ENCRYPTED_COLUMNS) {
    const ownership = PERSON_ROWS[table];
    if (!ownership) continue;
    const ids = await rowIdsOf(q, table, ownership, personId);
    if (ids.length === 0) continue;
    const nullable = columns.filter((c) => !REQUIRED_CIPHERTEXTS.has(`${table}.${c}`));
    const required = columns.filter((c) => REQUIRED_CIPHERTEXTS.has(`${table}.${c}`));
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      if (nullable.length > 0) {
        await q
          .updateTable(table as AnyTable)
          .set(Object.fromEntries(nullable.map((c) => [c, null])) as never)
          .where(sql.ref('id'), 'in', chunk)
          .execute();
      }
      for (const id of required.length > 0 ? chunk : []) {
        await q
          .updateTable(table as AnyTable)
          .set(Object.fromEntries(required.map((c) => [c, platform.cipher.encrypt(DESTROYED_TEXT, placeOf(table, c, id))])) as never)
          .where(sql.ref('id'), '=', id)
          .execute();
      }
    }
    if ('anyExport' in ownership) await q.updateTable(table as AnyTable).set({ status: 'expired' } as never).where(sql.ref('id'), 'in', ids).execute();
    fields.push(...columns.map((c) => `${table}.${c}`));
  }

  // The date of birth becomes 1 January of its year (the year stays in plaintext anyway), still
  // encrypted so that every reader of the date reads it as before.
  const person = await q
    .selectFrom('persons')
    .leftJoin('encounters', 'encounters.id', 'persons.encounter_id')
    .select(['persons.birth_year', 'persons.version', 'encounters.occurred_at'])
    .where('persons.id', '=', personId)
    .executeTakeFirstOrThrow();
  const yearOnly = person.birth_year === null ? null : `${String(person.birth_year).padStart(4, '0')}-01-01`;
  await q
    .updateTable('persons')
    .set({
      name_index: null,
      birth_date_enc: platform.cipher.encryptNullable(yearOnly, placeOf('persons', 'birth_date_enc', personId)),
      birth_date_precision: yearOnly === null ? null : 'year',
      birth_date_index: null,
      age_at_encounter: ageAtEncounter(yearOnly, person.occurred_at),
      purged_at: at,
      version: person.version + 1,
      updated_at: at,
    })
    .where('id', '=', personId)
    .execute();
  fields.push('persons.name_index', 'persons.birth_date_index');
  // A birth date kept only to the year may move the person to another age band.
  unit.statsChanged([personId]);
  await q.updateTable('allegations').set({ findings_enc: null, remedy_enc: null, purged_at: at }).where('person_id', '=', personId).execute();

  // Nobody reads a purged record through a referral any more.
  await q.updateTable('access_grants').set({ revoked_at: at }).where('person_id', '=', personId).where('revoked_at', 'is', null).execute();
  rowsDeleted += await forgetIdempotentAnswers(platform, q, personId);
  return { fields: [...new Set(fields)].sort(), rowsDeleted };
}

/**
 * Stored answers of idempotent requests (kept about a day) may hold the person's record as it was
 * returned: those that mention the person are deleted.
 */
async function forgetIdempotentAnswers(platform: Platform, q: Queryable, personId: string): Promise<number> {
  const rows = await q.selectFrom('idempotency_keys').select(['user_id', 'key', 'response_enc']).execute();
  let deleted = 0;
  for (const row of rows) {
    let answer: string;
    try {
      answer = platform.cipher.decrypt(row.response_enc, placeOf('idempotency_keys', 'response_enc', `${row.user_id}:${row.key}`));
    } catch {
      // A reservation not yet answered (or unreadable): it holds no record to forget.
      continue;
    }
    if (!answer.includes(personId)) continue;
    await q.deleteFrom('idempotency_keys').where('user_id', '=', row.user_id).where('key', '=', row.key).execute();
    deleted += 1;
  }
  return deleted;
}

/** How long compactAfterPurge tries to truncate the log: up to 100 attempts, 20 ms apart. */
const CHECKPOINT_ATTEMPTS = 100;
const CHECKPOINT_RETRY_MS = 20;

/**
 * One attempt at checkpointing and truncating the log, answered at once: the connection's busy
 * timeout would otherwise hold the event loop while another connection reads.
 */
function truncateLog(sqlite: NonNullable<Platform['database']['sqlite']>): boolean {
  const patience = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 0');
  try {
    const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return result?.busy === 0;
  } finally {
    sqlite.pragma(`busy_timeout = ${patience}`);
  }
}

/**
 * Makes destroyed values unrecoverable from the database files. SQLite already zeroes freed space
 * (`secure_delete` is on for every connection); VACUUM rebuilds the file and the WAL is
 * checkpointed and truncated so no frame keeps an old page (a single erasure skips the VACUUM, which
 * would hold every writer for the whole file: secure_delete already zeroed the space). PostgreSQL: VACUUM removes the dead row
 * versions of the touched tables. On SQLite, a checkpoint under way (the checkpointer thread's) or
 * a read transaction of another connection holds the truncation back: it is tried again, without
 * blocking the event loop, for up to two seconds, then reported as not done.
 */
export async function compactAfterPurge(platform: Platform, options: { vacuum?: boolean } = {}): Promise<{ vacuumed: boolean; walTruncated: boolean | null }> {
  const { dialect, sqlite, db } = platform.database;
  const vacuum = options.vacuum ?? true;
  if (dialect === 'sqlite' && sqlite) {
    sqlite.pragma('secure_delete = ON');
    if (vacuum) sqlite.exec('VACUUM');
    // The checkpointer thread may be copying the log at this very moment, and a second checkpoint
    // then answers busy, leaving the destroyed values in the log and in the database file: wait
    // for it to finish rather than report the files clean.
    for (let attempt = 0; ; attempt++) {
      if (truncateLog(sqlite)) return { vacuumed: vacuum, walTruncated: true };
      if (attempt >= CHECKPOINT_ATTEMPTS) return { vacuumed: vacuum, walTruncated: false };
      await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_RETRY_MS));
    }
  }
  for (const table of [...TOUCHED_TABLES, ...(await derivedValueTables(db, dialect))]) {
    await sql`vacuum ${sql.table(table)}`.execute(db);
  }
  return { vacuumed: true, walTruncated: null };
}
