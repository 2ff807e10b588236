import type { FieldGroup, PersonInput } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { Queryable } from '../../platform/db/database.js';
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

export async function insertPerson(q: Queryable, row: PersonTable): Promise<void> {
  await q.insertInto('persons').values(row).execute();
}

export async function findPersonRow(q: Queryable, id: string): Promise<PersonTable | undefined> {
  return q.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Applies a change only if the row is still at `expectedVersion`; returns false when it was not. */
export async function updatePersonRow(
  q: Queryable,
  id: string,
  expectedVersion: number,
  changes: Partial<PersonTable>,
  at: string,
): Promise<boolean> {
  const result = await q
    .updateTable('persons')
    .set({ ...changes, version: expectedVersion + 1, updated_at: at })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Persons an agency may see: its own cases and live access grants, newest first. */
export async function listVisiblePersonRows(q: Queryable, agencyId: string, cursor: Cursor | undefined, limit: number): Promise<PersonTable[]> {
  let query = q
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
