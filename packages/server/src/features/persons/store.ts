import type { FieldGroup, PersonInput } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import { insertTogether } from '../../platform/db/insert-together.js';
import type {
  AgeChallengeTable,
  AgeAssessmentTable,
  CaseTable,
  FamilyLinkTable,
  IdentityDocumentTable,
  ObligationTable,
  PersonMatchKeyTable,
  PersonTable,
  ScreeningTable,
} from '../../platform/db/schema.js';
import type { Cursor } from '../../platform/http/pagination.js';
import { PERSON_FIELDS } from './fields.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';
import { ageAtEncounter } from './birth-date.js';

export type PersonValues = Partial<Record<string, unknown>>;

/** A person as the API shows it: only the fields of the groups the caller may see. */
export interface PersonRecord {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  fieldGroups: FieldGroup[];
  fields: PersonValues;
}

/** Normalised full name: case, width and word order folded, so "HASSAN Mohammed" finds "Mohammed Hassan". */
export function normaliseFullName(given: string | null | undefined, family: string | null | undefined): string | null {
  const words = `${given ?? ''} ${family ?? ''}`.normalize('NFKC').toLowerCase().split(/[\s\-‐.,]+/u).filter(Boolean);
  return words.length === 0 ? null : words.sort().join(' ');
}

export function nameIndexOf(cipher: FieldCipher, given: string | null | undefined, family: string | null | undefined): string | null {
  const normalised = normaliseFullName(given, family);
  return normalised === null ? null : cipher.blindIndex('person.full-name', normalised);
}

/** Column values for the given input fields (only those present), encrypted where the field is personal text. */
export function encodePersonFields(cipher: FieldCipher, personId: string, input: Partial<PersonInput>): Partial<PersonTable> {
  const out: Record<string, unknown> = {};
  for (const field of PERSON_FIELDS) {
    if (!(field.name in input)) continue;
    const value = (input as Record<string, unknown>)[field.name];
    if (value === undefined || value === null) {
      out[field.column] = field.column === 'languages' ? '[]' : field.encoding === 'flag' ? 0 : null;
      continue;
    }
    const stored = field.encoding === 'json' ? JSON.stringify(value) : field.encoding === 'flag' ? (value ? 1 : 0) : value;
    out[field.column] = field.encrypted ? cipher.encrypt(String(stored), placeOf('persons', field.column, personId)) : stored;
  }
  return out as Partial<PersonTable>;
}

export function decodePersonFields(cipher: FieldCipher, row: PersonTable, groups: ReadonlySet<FieldGroup>): PersonValues {
  const out: PersonValues = {};
  for (const field of PERSON_FIELDS) {
    if (!groups.has(field.group)) continue;
    const raw = row[field.column];
    if (raw === null || raw === undefined) continue;
    const plain = field.encrypted ? cipher.decrypt(String(raw), placeOf('persons', field.column, row.id)) : raw;
    out[field.name] = field.encoding === 'json' ? (JSON.parse(String(plain)) as unknown) : field.encoding === 'flag' ? plain === 1 || plain === '1' : plain;
  }
  return out;
}

export function toPersonRecord(cipher: FieldCipher, row: PersonTable, groups: ReadonlySet<FieldGroup>): PersonRecord {
  return {
    id: row.id,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    fieldGroups: [...groups],
    fields: decodePersonFields(cipher, row, groups),
  };
}

/**
 * The record of a person registered in this request, from the values just validated and stored:
 * the same as reading it back, without decrypting what was encrypted a moment ago.
 */
export function recordFromInput(row: PersonTable, input: Partial<PersonInput>, groups: ReadonlySet<FieldGroup>): PersonRecord {
  const fields: PersonValues = {};
  for (const field of PERSON_FIELDS) {
    const value = (input as Record<string, unknown>)[field.name];
    if (groups.has(field.group) && value !== undefined && value !== null) fields[field.name] = value;
  }
  if (groups.has('identity') && fields.languages === undefined) fields.languages = [];
  return { id: row.id, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at, fieldGroups: [...groups], fields };
}


/** These persons' rows (a queue's, already scoped by the caller's agency). */
export async function personRowsByIds(unit: StoreUnit, ids: readonly string[]): Promise<PersonTable[]> {
  return ids.length === 0 ? [] : unit.db.selectFrom('persons').selectAll().where('id', 'in', [...ids]).execute();
}

export async function findPersonRow(unit: StoreUnit, id: string): Promise<PersonTable | undefined> {
  return unit.db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirst();
}

/** When the person's encounter took place (their age at it is kept beside the date of birth). */
export async function encounterTime(unit: StoreUnit, encounterId: string): Promise<string | undefined> {
  const encounter = await unit.db.selectFrom('encounters').select('occurred_at').where('id', '=', encounterId).executeTakeFirst();
  return encounter?.occurred_at;
}

/** Applies a change only if the row is still at `expectedVersion`, else 409 with the current version. */
export async function updatePersonRow(unit: StoreUnit, id: string, expectedVersion: number, changes: Partial<PersonTable>, at: string): Promise<void> {
  await unit.updateVersioned({ table: 'persons', id, version: expectedVersion, set: changes, recordType: 'person', at });
}

/** Persons the caller's agency may see: its own cases and live access grants, newest first. */
export async function listVisiblePersonRows(unit: ScopedUnit, cursor: Cursor | undefined, limit: number): Promise<PersonTable[]> {
  const { agencyId } = unit.actor;
  const now = unit.platform.clock().toISOString();
  let query = unit.db
    .selectFrom('persons')
    .selectAll()
    .where('merged_into', 'is', null)
    .where((eb) =>
      eb.or([
        eb('id', 'in', eb.selectFrom('cases').select('person_id').where('agency_id', '=', agencyId)),
        eb(
          'id',
          'in',
          eb
            .selectFrom('access_grants')
            .select('person_id')
            .where('agency_id', '=', agencyId)
            .where('revoked_at', 'is', null)
            .where((grant) => grant.or([grant('expires_at', 'is', null), grant('expires_at', '>', now)])),
        ),
      ]),
    );
  if (cursor) {
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', cursor.at), eb.and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

// ---- parts of the record beside the person row: age assessments, family links, documents ----

export async function insertAgeAssessment(unit: StoreUnit, row: AgeAssessmentTable): Promise<void> {
  await unit.db.insertInto('age_assessments').values(row).execute();
}

export async function ageAssessmentRows(unit: StoreUnit, personId: string): Promise<AgeAssessmentTable[]> {
  return unit.db.selectFrom('age_assessments').selectAll().where('person_id', '=', personId).orderBy('created_at').execute();
}

/** The person's assessment with this id, or none (another person's assessment is not theirs). */
export async function findAgeAssessment(unit: StoreUnit, personId: string, assessmentId: string): Promise<{ id: string; assessed_on: string } | undefined> {
  return unit.db.selectFrom('age_assessments').select(['id', 'assessed_on']).where('id', '=', assessmentId).where('person_id', '=', personId).executeTakeFirst();
}

/** The person's latest assessment (the one the determination reads). */
export async function latestAgeAssessmentId(unit: StoreUnit, personId: string): Promise<string | undefined> {
  const row = await unit.db.selectFrom('age_assessments').select('id').where('person_id', '=', personId).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  return row?.id;
}

export async function ageClaimedOf(unit: StoreUnit, personId: string): Promise<number | null> {
  const row = await unit.db.selectFrom('persons').select('age_claimed').where('id', '=', personId).executeTakeFirst();
  return row?.age_claimed ?? null;
}

export async function insertAgeChallenge(unit: StoreUnit, row: AgeChallengeTable): Promise<void> {
  await unit.db.insertInto('age_challenges').values(row).execute();
}

/** The challenges of these assessments, oldest first. */
export async function ageChallengeRows(unit: StoreUnit, assessmentIds: readonly string[]): Promise<AgeChallengeTable[]> {
  if (assessmentIds.length === 0) return [];
  return unit.db.selectFrom('age_challenges').selectAll().where('assessment_id', 'in', [...assessmentIds]).orderBy('created_at').orderBy('id').execute();
}

/** A challenge of one of the person's assessments, or none. */
export async function findAgeChallenge(unit: StoreUnit, personId: string, challengeId: string): Promise<AgeChallengeTable | undefined> {
  return unit.db
    .selectFrom('age_challenges')
    .innerJoin('age_assessments', 'age_assessments.id', 'age_challenges.assessment_id')
    .selectAll('age_challenges')
    .where('age_challenges.id', '=', challengeId)
    .where('age_assessments.person_id', '=', personId)
    .executeTakeFirst();
}

export async function familyLinkExists(unit: StoreUnit, personId: string, relatedPersonId: string, relation: string): Promise<boolean> {
  const row = await unit.db
    .selectFrom('family_links')
    .select('id')
    .where('person_id', '=', personId)
    .where('related_person_id', '=', relatedPersonId)
    .where('relation', '=', relation)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertFamilyLink(unit: StoreUnit, row: FamilyLinkTable): Promise<void> {
  await unit.db.insertInto('family_links').values(row).execute();
}

/** Links in both directions: a link recorded from the other person is the person's too. */
export async function familyLinkRows(unit: StoreUnit, personId: string): Promise<FamilyLinkTable[]> {
  return unit.db
    .selectFrom('family_links')
    .selectAll()
    .where((eb) => eb.or([eb('person_id', '=', personId), eb('related_person_id', '=', personId)]))
    .orderBy('created_at')
    .execute();
}

export async function insertIdentityDocument(unit: StoreUnit, row: IdentityDocumentTable): Promise<void> {
  await unit.db.insertInto('identity_documents').values(row).execute();
}

export async function identityDocumentRows(unit: StoreUnit, personId: string): Promise<IdentityDocumentTable[]> {
  return unit.db.selectFrom('identity_documents').selectAll().where('person_id', '=', personId).orderBy('created_at').execute();
}

// ---- the date of birth's companions ----------------------------------------------------------

/** The persons met in an encounter who have a date of birth, with the age at the encounter kept for them. */
export async function datedPersonsMetAt(unit: StoreUnit, encounterId: string): Promise<Pick<PersonTable, 'id' | 'birth_date_enc' | 'age_at_encounter'>[]> {
  return unit.db
    .selectFrom('persons')
    .select(['id', 'birth_date_enc', 'age_at_encounter'])
    .where('encounter_id', '=', encounterId)
    .where('birth_date_enc', 'is not', null)
    .execute();
}

/** Sets one age at the encounter for these persons, a statement per 500. */
export async function setAgeAtEncounter(unit: StoreUnit, age: number | null, personIds: readonly string[]): Promise<void> {
  for (let i = 0; i < personIds.length; i += 500) {
    await unit.db.updateTable('persons').set({ age_at_encounter: age }).where('id', 'in', personIds.slice(i, i + 500)).execute();
  }
}

/** How many dates of birth an older database still holds in plaintext (the migration's partial index holds exactly these rows). */
export async function plaintextBirthDateCount(unit: StoreUnit): Promise<number> {
  const pending = await unit.db.selectFrom('persons').select('id').where('birth_date', 'is not', null).limit(1).executeTakeFirst();
  if (!pending) return 0;
  return Number((await unit.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).where('birth_date', 'is not', null).executeTakeFirstOrThrow()).n);
}

/** Rows per UPDATE statement: few enough parameters for any engine and for the statements a connection keeps prepared. */
const UPDATE_ROWS = 500;

/**
 * Encrypts up to `batchSize` plaintext dates of birth into birth_date_enc with their blind index,
 * clearing the plaintext. On PostgreSQL the batch locks its rows, so a process starting at the same
 * time waits for them and finds them done. Returns how many it encrypted.
 */
export async function encryptBirthDateBatch(
  unit: StoreUnit,
  batchSize: number,
  sealed: (row: { id: string; birth_date: string; birth_date_precision: string | null }) => { enc: string; index: string | null },
): Promise<number> {
  let batch = unit.db.selectFrom('persons').select(['id', 'birth_date', 'birth_date_precision']).where('birth_date', 'is not', null).orderBy('id').limit(batchSize);
  if (unit.platform.database.dialect === 'postgres') batch = batch.forUpdate();
  const rows = await batch.execute();
  for (let i = 0; i < rows.length; i += UPDATE_ROWS) {
    const values = rows.slice(i, i + UPDATE_ROWS).map((row) => {
      const { enc, index } = sealed({ id: row.id, birth_date: row.birth_date!, birth_date_precision: row.birth_date_precision });
      return sql`(cast(${row.id} as text), cast(${enc} as text), cast(${index} as text))`;
    });
    await sql`with sealed (id, enc, idx) as (values ${sql.join(values)})
      update persons set birth_date_enc = sealed.enc, birth_date_index = sealed.idx, birth_date = null
      from sealed where persons.id = sealed.id`.execute(unit.db);
  }
  return rows.length;
}

/**
 * Cleans the space plaintext dates took, outside any transaction: on SQLite (secure_delete zeroed
 * them in the pages) the log is checkpointed and truncated, so no frame keeps an old page; on
 * PostgreSQL the table is rewritten (VACUUM FULL: a plain VACUUM leaves the bytes of dead row
 * versions in the file).
 */
export async function cleanPersonsSpace(database: Database): Promise<void> {
  if (database.dialect === 'sqlite' && database.sqlite) database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  if (database.dialect === 'postgres') await sql`vacuum full persons`.execute(database.db);
}

// ---- registration ----------------------------------------------------------------------------

/** The rows registrations write, each table's in one statement (insertTogether). */
export async function insertRegistrationRows(
  unit: StoreUnit,
  rows: { persons: PersonTable[]; cases: CaseTable[]; screenings: ScreeningTable[]; matchKeys: PersonMatchKeyTable[]; obligations: ObligationTable[] },
): Promise<void> {
  await insertTogether(unit.db, unit.platform.database.dialect, [
    { table: 'persons', rows: rows.persons },
    { table: 'cases', rows: rows.cases },
    { table: 'screenings', rows: rows.screenings },
    { table: 'person_match_keys', rows: rows.matchKeys },
    { table: 'obligations', rows: rows.obligations },
  ]);
}

/**
 * Whether a refusal of this person's record to the caller is one the oversight body is told of:
 * the caller's agency holds or held an access grant to the person and does not work on the case.
 */
export async function sharedOnlyByGrant(unit: ScopedUnit, personId: string): Promise<boolean> {
  if (await unit.worksOnCase(personId)) return false;
  const grant = await unit.db.selectFrom('access_grants').select('id').where('agency_id', '=', unit.actor.agencyId).where('person_id', '=', personId).executeTakeFirst();
  return grant !== undefined;
}

/** Marks a person's record as merged into another (null: standing on its own again). */
export async function setMergedInto(unit: StoreUnit, personId: string, survivorId: string | null, at: string): Promise<void> {
  await unit.db.updateTable('persons').set({ merged_into: survivorId, updated_at: at }).where('id', '=', personId).execute();
}

/** Every person registered at the encounter where this person was (the person among them). */
export async function personsMetWith(unit: StoreUnit, personId: string): Promise<string[]> {
  const person = await unit.db.selectFrom('persons').select('encounter_id').where('id', '=', personId).executeTakeFirstOrThrow();
  const rows = await unit.db.selectFrom('persons').select('id').where('encounter_id', '=', person.encounter_id).execute();
  return rows.map((row) => row.id);
}

/** A purge: destroys these encrypted columns of the person's record; answers how many rows had them. */
export async function erasePersonRecordOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('persons').select('id').where('id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'persons', ids, columns);
  return ids.length;
}

/** A purge: destroys these encrypted columns of the person's identity documents; answers how many rows had them. */
export async function eraseIdentityDocumentsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('identity_documents').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'identity_documents', ids, columns);
  return ids.length;
}

/** A purge: the person's identity documents go outright; answers how many. */
export async function deleteIdentityDocumentsOf(unit: StoreUnit, personId: string): Promise<number> {
  return Number((await unit.db.deleteFrom('identity_documents').where('person_id', '=', personId).executeTakeFirst()).numDeletedRows);
}

/** A purge: the person's family links, either way, go outright; answers how many. */
export async function deleteFamilyLinksOf(unit: StoreUnit, personId: string): Promise<number> {
  const result = await unit.db
    .deleteFrom('family_links')
    .where((eb) => eb.or([eb('person_id', '=', personId), eb('related_person_id', '=', personId)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * A purge: the record keeps no blind index of the name, and its date of birth becomes 1 January
 * of its year (the year stays in plaintext anyway), still encrypted so that every reader of the
 * date reads it as before; the record is marked purged.
 */
export async function keepYearOfBirthOnly(unit: StoreUnit, personId: string, at: string): Promise<void> {
  const person = await unit.db
    .selectFrom('persons')
    .leftJoin('encounters', 'encounters.id', 'persons.encounter_id')
    .select(['persons.birth_year', 'persons.version', 'encounters.occurred_at'])
    .where('persons.id', '=', personId)
    .executeTakeFirstOrThrow();
  const yearOnly = person.birth_year === null ? null : `${String(person.birth_year).padStart(4, '0')}-01-01`;
  await unit.db
    .updateTable('persons')
    .set({
      name_index: null,
      birth_date_enc: unit.platform.cipher.encryptNullable(yearOnly, placeOf('persons', 'birth_date_enc', personId)),
      birth_date_precision: yearOnly === null ? null : 'year',
      birth_date_index: null,
      age_at_encounter: ageAtEncounter(yearOnly, person.occurred_at),
      purged_at: at,
      version: person.version + 1,
      updated_at: at,
    })
    .where('id', '=', personId)
    .execute();
}

/** A merge: the person's identity documents and age assessments follow them to `toPersonId`; answers the ids that moved, per table. */
export async function moveDocumentRecords(unit: StoreUnit, fromPersonId: string, toPersonId: string): Promise<{ identity_documents: string[]; age_assessments: string[] }> {
  const identityDocuments = (await unit.db.selectFrom('identity_documents').select('id').where('person_id', '=', fromPersonId).execute()).map((row) => row.id);
  if (identityDocuments.length > 0) await unit.db.updateTable('identity_documents').set({ person_id: toPersonId }).where('id', 'in', identityDocuments).execute();
  const ageAssessments = (await unit.db.selectFrom('age_assessments').select('id').where('person_id', '=', fromPersonId).execute()).map((row) => row.id);
  if (ageAssessments.length > 0) await unit.db.updateTable('age_assessments').set({ person_id: toPersonId }).where('id', 'in', ageAssessments).execute();
  return { identity_documents: identityDocuments, age_assessments: ageAssessments };
}

/** An unmerge: these identity documents and age assessments go back to `toPersonId`. */
export async function returnDocumentRecords(unit: StoreUnit, moved: { identity_documents?: readonly string[]; age_assessments?: readonly string[] }, toPersonId: string): Promise<void> {
  if (moved.identity_documents && moved.identity_documents.length > 0) await unit.db.updateTable('identity_documents').set({ person_id: toPersonId }).where('id', 'in', [...moved.identity_documents]).execute();
  if (moved.age_assessments && moved.age_assessments.length > 0) await unit.db.updateTable('age_assessments').set({ person_id: toPersonId }).where('id', 'in', [...moved.age_assessments]).execute();
}
