import { preparePerson, queryKeysOf, storedKeysOf, type MatchPerson, type PreparedPerson } from '@haven/core';
import { sql } from 'kysely';
import type { FieldCipher } from '../../platform/crypto/cipher.js';
import type { Queryable } from '../../platform/db/database.js';
import type { PersonTable } from '../../platform/db/schema.js';

/** The purpose of the matcher's blind indexes: never equal to another kind of index. */
const MATCH_KEY_PURPOSE = 'person.match-key';
/** Rows per INSERT: two parameters each, well under SQLite's and PostgreSQL's limits. */
const INSERT_CHUNK = 1000;
/** Candidates fetched and decrypted per search: the best by number of shared keys. */
export const MAX_CANDIDATES = 50;

/** What the matcher needs of a person, from the values of the record (plaintext, in memory only). */
export interface MatchFields {
  givenName?: string | null;
  familyName?: string | null;
  otherNames?: readonly string[] | null;
  sex?: string | null;
  birthDate?: string | null;
  birthDatePrecision?: string | null;
  nationality?: string | null;
}

export function matchPersonOf(id: string, fields: MatchFields): MatchPerson {
  const person: MatchPerson = { id, givenName: fields.givenName ?? '', familyName: fields.familyName ?? '' };
  if (fields.otherNames && fields.otherNames.length > 0) person.otherNames = [...fields.otherNames];
  if (fields.sex === 'male' || fields.sex === 'female' || fields.sex === 'unknown') person.sex = fields.sex;
  if (fields.birthDate) person.birthDate = fields.birthDate;
  if (fields.birthDatePrecision === 'day' || fields.birthDatePrecision === 'year' || fields.birthDatePrecision === 'estimated') {
    person.birthDatePrecision = fields.birthDatePrecision;
  }
  // "stateless" and "unknown" say nothing about whether two records are one person.
  if (fields.nationality && /^[A-Z]{2}$/u.test(fields.nationality)) person.nationality = fields.nationality;
  return person;
}

function blindKeys(cipher: FieldCipher, keys: readonly string[]): string[] {
  return [...new Set(keys.map((key) => cipher.blindIndex(MATCH_KEY_PURPOSE, key)))];
}

/** The blind indexes a person is stored under (the matcher's blocking keys, keyed). */
export function storedMatchKeys(cipher: FieldCipher, person: PreparedPerson): string[] {
  return blindKeys(cipher, storedKeysOf(person));
}

/**
 * Stores the matching keys of persons just registered, in a few multi-row inserts: one small
 * call from batched registration. `persons[i]` was registered from `fields[i]`.
 */
export async function storeMatchKeys(q: Queryable, cipher: FieldCipher, persons: readonly Pick<PersonTable, 'id'>[], fields: readonly MatchFields[]): Promise<void> {
  const rows: { key_index: string; person_id: string }[] = [];
  persons.forEach((person, i) => {
    for (const key of storedMatchKeys(cipher, preparePerson(matchPersonOf(person.id, fields[i]!)))) rows.push({ key_index: key, person_id: person.id });
  });
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await q.insertInto('person_match_keys').values(rows.slice(i, i + INSERT_CHUNK)).execute();
}

/** After a change of names, date, sex or nationality: the person's keys follow the record. */
export async function replaceMatchKeys(q: Queryable, cipher: FieldCipher, personId: string, fields: MatchFields): Promise<void> {
  await q.deleteFrom('person_match_keys').where('person_id', '=', personId).execute();
  await storeMatchKeys(q, cipher, [{ id: personId }], [fields]);
}

/**
 * A blocking key shared by more persons than this is a name (and year) so common that it tells
 * nothing on its own: it is left out of the search, as the batch matcher leaves out oversized
 * blocks, and the person is found through the other keys. Bounding every key's rows bounds the
 * work of a search whatever the size of the register.
 */
export const MAX_KEY_BLOCK = 200;

/**
 * Persons sharing a blocking key with `person`, most shared keys first: found through the blind
 * indexes alone, without decrypting anyone. Merged-away records are left out.
 *
 * Each key is read on its own with a limit (one short index range each), and a key whose block
 * overflows the limit is dropped; only then are the rows counted per person and the persons
 * checked. One `IN (…)` over all keys would read whole blocks of common names (tens of
 * thousands of rows for an undated "Mohamed Ahmed") before counting.
 */
export async function candidatePersonIds(q: Queryable, cipher: FieldCipher, person: PreparedPerson, limit = MAX_CANDIDATES): Promise<string[]> {
  const keys = blindKeys(cipher, queryKeysOf(person));
  if (keys.length === 0) return [];
  const blocks = sql.join(
    keys.map(
      (key) => sql`select person_id from (
        select person_id, count(*) over () as block_size
        from (select person_id from person_match_keys where key_index = ${key} limit ${MAX_KEY_BLOCK + 1}) as key_rows
      ) as block where block_size <= ${MAX_KEY_BLOCK}`,
    ),
    sql` union all `,
  );
  // Ranked first and only the best looked up in persons (to leave out merged-away records): a
  // search touches a couple of thousand key rows but needs the persons of only a few dozen.
  const ranked = async (widened: number): Promise<{ person_id: string; merged_into: string | null }[]> => {
    const { rows } = await sql<{ person_id: string; merged_into: string | null }>`
      select ranked.person_id, p.merged_into from (
        select person_id, count(*) as shared from (${blocks}) as hits
        where person_id <> ${person.id}
        group by person_id order by shared desc, person_id limit ${widened}
      ) as ranked
      inner join persons as p on p.id = ranked.person_id
      order by ranked.shared desc, ranked.person_id`.execute(q);
    return rows;
  };
  const widened = limit * 2;
  let rows = await ranked(widened);
  // More than half of the best were merged away (a person merged many times over): rank them all.
  if (rows.length === widened && rows.filter((row) => row.merged_into === null).length < limit) rows = await ranked(keys.length * (MAX_KEY_BLOCK + 1));
  return rows
    .filter((row) => row.merged_into === null)
    .slice(0, limit)
    .map((row) => row.person_id);
}
