import { sql } from 'kysely';
import type { Platform } from '../../platform/context.js';
import { type Queryable } from '../../platform/db/database.js';
import type { DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';
import { forgetAnswersMentioning } from '../../platform/http/idempotency.js';
import type { StoreUnit } from '../../store/unit.js';
import { eraseAssistanceOf } from '../assistance/service.js';
import { eraseCasesOf } from '../cases/service.js';
import { deleteMatchKeysOf, eraseLinkRequestsOf, eraseMergesOf } from '../duplicates/service.js';
import { ENCRYPTED_COLUMNS } from '../encrypted-columns.js';
import { eraseEncounterOf } from '../encounters/service.js';
import { expireFinishedExports } from '../exports/jobs.js';
import { eraseIncidentsOf, eraseJusticeLinksOf, eraseProtectionMeasuresOf } from '../justice/service.js';
import { forgetNotificationsOf } from '../notifications/service.js';
import { eraseCaseActionsOf, eraseGuardOverridesOf, eraseObligationsOf } from '../obligations/service.js';
import { eraseAllegationsOf, markAllegationsPurged } from '../oversight/service.js';
import { deleteFamilyLinksOf, deleteIdentityDocumentsOf, eraseIdentityDocumentsOf, erasePersonRecordOf, keepYearOfBirthOnly } from '../persons/service.js';
import { eraseReferralsOf, eraseServiceGapsOf, revokeGrantsOf } from '../referrals/service.js';
import { eraseScreeningsOf } from '../screening/service.js';
import { eraseErasureRequestsOf, eraseLegalHoldsOf } from './store.js';

// Destroying a person's personal data (retention past closure, or an erasure request). What is
// encrypted comes from the one registry of encrypted columns; each table's rows of the person are
// found and destroyed by the feature that owns the table. What counts — sex, nationality, age,
// indicators, obligations and their deadlines, referrals by service, detentions, incidents by
// kind — stays, so statistics and the self-assessment still add up. The audit trail is untouched:
// it names fields, never values, so it stays whole and verifiable over a purged record.

/** Destroys the given encrypted columns of a table's rows of the person; answers how many rows had them. */
type Eraser = (unit: StoreUnit, personId: string, columns: DestroyedColumns) => Promise<number>;

/** For each table with encrypted columns, the owning feature's function that destroys the person's rows of it. */
export const ERASERS: Readonly<Record<string, Eraser>> = {
  persons: erasePersonRecordOf,
  cases: eraseCasesOf,
  screenings: eraseScreeningsOf,
  assistance: eraseAssistanceOf,
  identity_documents: eraseIdentityDocumentsOf,
  obligations: eraseObligationsOf,
  guard_overrides: eraseGuardOverridesOf,
  case_actions: eraseCaseActionsOf,
  referrals: eraseReferralsOf,
  service_gaps: eraseServiceGapsOf,
  incidents: eraseIncidentsOf,
  allegations: eraseAllegationsOf,
  legal_holds: eraseLegalHoldsOf,
  erasure_requests: eraseErasureRequestsOf,
  // How to reach them for proceedings, and the measures protecting them.
  justice_links: eraseJusticeLinksOf,
  protection_measures: eraseProtectionMeasuresOf,
  // An encounter's notes may name anyone on board: destroyed once every person of it is purged.
  encounters: eraseEncounterOf,
  // Merges the person took part in, on either side.
  person_merges: eraseMergesOf,
  // Link requests across agencies about the person, on either side (the holder's refusal reason).
  link_requests: eraseLinkRequestsOf,
  // An export file may hold anyone; which one holds the person cannot be told without opening them
  // all, so every finished export is expired (the job record stays). Exports are short-lived anyway.
  export_jobs: (unit, _personId, columns) => expireFinishedExports(unit, columns),
};

/** Tables with encrypted columns that are not a migrant's record, and why. */
export const NOT_PERSONAL_RECORDS: Readonly<Record<string, string>> = {
  users: "staff sign-in secrets, not a migrant's record",
  access_changes: "why an administrator refused a change of staff access, not a migrant's record",
};

/** Encrypted columns that may not be null: overwritten with DESTROYED_TEXT, freshly encrypted, so readers still open them. */
export const REQUIRED_CIPHERTEXTS: ReadonlySet<string> = new Set(['guard_overrides.reason_enc', 'allegations.description_enc']);

/**
 * Tables of keyed derived values per person (match keys, blind indexes), each with the owning
 * feature's function that deletes the person's rows of it. A test checks that every such table of
 * the schema (found by name: `derivedValueTables`) is here.
 */
export const DERIVED_VALUES: Readonly<Record<string, (unit: StoreUnit, personId: string) => Promise<number>>> = {
  person_match_keys: deleteMatchKeysOf,
};

/** Rows deleted outright: nothing in them counts once the person is gone. */
const DELETED_ROWS = ['identity_documents', 'family_links', 'notifications'] as const;

/** Tables a purge may change; VACUUM goes over these afterwards. */
export const TOUCHED_TABLES: readonly string[] = [
  ...new Set([...Object.keys(ERASERS), ...DELETED_ROWS, 'access_grants', 'idempotency_keys']),
];

export interface PurgeSummary {
  /** `table.column` of every value destroyed (names only, never values: this goes to the audit trail). */
  fields: string[];
  rowsDeleted: number;
}

/**
 * Tables of keyed derived values per person (match keys, blind indexes of a feature) that exist in
 * this database, found by name. Read through the caller's connection: on SQLite the one connection
 * may be held by a transaction.
 */
export async function derivedValueTables(q: Queryable, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select m.name as name from sqlite_master m join pragma_table_info(m.name) c where m.type = 'table' and c.name = 'person_id'`.execute(q)
      : await sql<{ name: string }>`select table_name as name from information_schema.columns where table_schema = current_schema() and column_name = 'person_id'`.execute(q);
  return rows.rows.map((r) => r.name).filter((name) => /match_key|blind_index/.test(name));
}

/**
 * Destroys one person's personal data inside the caller's transaction. The person row stays, with
 * no name, contact, blind index or exact birth date (the year is kept for age statistics).
 */
export async function purgePerson(unit: StoreUnit, personId: string, at: string): Promise<PurgeSummary> {
  const fields: string[] = [];
  let rowsDeleted = 0;

  // Rows deleted outright first, so their ciphertexts are not rewritten for nothing.
  rowsDeleted += await deleteIdentityDocumentsOf(unit, personId);
  rowsDeleted += await deleteFamilyLinksOf(unit, personId);
  rowsDeleted += await forgetNotificationsOf(unit, personId);
  for (const [table, forget] of Object.entries(DERIVED_VALUES)) {
    const deleted = await forget(unit, personId);
    rowsDeleted += deleted;
    if (deleted > 0) fields.push(`${table}.*`);
  }

  for (const { table, columns } of ENCRYPTED_COLUMNS) {
    const erase = ERASERS[table];
    if (!erase) continue;
    const destroyed: DestroyedColumns = {
      nulled: columns.filter((c) => !REQUIRED_CIPHERTEXTS.has(`${table}.${c}`)),
      overwritten: columns.filter((c) => REQUIRED_CIPHERTEXTS.has(`${table}.${c}`)),
    };
    if ((await erase(unit, personId, destroyed)) > 0) fields.push(...columns.map((c) => `${table}.${c}`));
  }

  await keepYearOfBirthOnly(unit, personId, at);
  fields.push('persons.name_index', 'persons.birth_date_index');
  // A birth date kept only to the year may move the person to another age band.
  unit.statsChanged([personId]);
  await markAllegationsPurged(unit, personId, at);

  // Nobody reads a purged record through a referral any more.
  await revokeGrantsOf(unit, personId, at);
  rowsDeleted += await forgetAnswersMentioning(unit.db, unit.platform.cipher, personId);
  return { fields: [...new Set(fields)].sort(), rowsDeleted };
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
