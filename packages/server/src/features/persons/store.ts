import type { FieldGroup, PersonInput } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import type { PersonTable } from '../../platform/db/schema.js';
import type { Cursor } from '../../platform/http/pagination.js';
import { PERSON_FIELDS } from './fields.js';

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
  let query = unit.db
    .selectFrom('persons')
    .selectAll()
    .where('merged_into', 'is', null)
    .where((eb) =>
      eb.or([
        eb('id', 'in', eb.selectFrom('cases').select('person_id').where('agency_id', '=', agencyId)),
        eb('id', 'in', eb.selectFrom('access_grants').select('person_id').where('agency_id', '=', agencyId).where('revoked_at', 'is', null)),
      ]),
    );
  if (cursor) {
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', cursor.at), eb.and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Every person registered at the encounter where this person was (the person among them). */
export async function personsMetWith(unit: StoreUnit, personId: string): Promise<string[]> {
  const person = await unit.db.selectFrom('persons').select('encounter_id').where('id', '=', personId).executeTakeFirstOrThrow();
  const rows = await unit.db.selectFrom('persons').select('id').where('encounter_id', '=', person.encounter_id).execute();
  return rows.map((row) => row.id);
}
