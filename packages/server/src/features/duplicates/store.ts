import { preparePerson, queryKeysOf, ROLES, storedKeysOf, type MatchPerson, type PreparedPerson } from '@haven/core';
import { ROLE_POLICIES, type Permission } from '../../platform/access/roles.js';
import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import type { FieldCipher } from '../../platform/crypto/cipher.js';
import type { Queryable } from '../../platform/db/database.js';
import type { LinkRequestTable, ObligationTable, PersonMergeTable, PersonTable } from '../../platform/db/schema.js';
import type { StoreUnit } from '../../store/unit.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

/** The purpose of the matcher's blind indexes: never equal to another kind of index. */
const MATCH_KEY_PURPOSE = 'person.match-key';
/** The purpose of the blind index of a date of birth taken to the day. */
const BIRTH_DATE_PURPOSE = 'person.birth-date';
/** Candidates fetched and decrypted per search: the likeliest by their keys and plain values. */
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

/**
 * Whether the ranking takes a stored date of birth to the day: its precision says so, or none was
 * given and the date is not 1 January (how a year alone is often written as a date).
 */
export function isDayOfBirth(birthDate: string, precision: string | null | undefined): boolean {
  return precision === 'day' || (precision == null && !birthDate.endsWith('-01-01'));
}

/**
 * The blind index of a date of birth the ranking takes to the day, or null: the equal-date and
 * swapped-date tests compare these, so the date itself is never stored in plaintext.
 */
export function birthDateIndexOf(cipher: FieldCipher, birthDate: string | null | undefined, precision: string | null | undefined): string | null {
  return birthDate && isDayOfBirth(birthDate, precision) ? cipher.blindIndex(BIRTH_DATE_PURPOSE, birthDate) : null;
}

function blindKeys(cipher: FieldCipher, keys: readonly string[]): string[] {
  return [...new Set(keys.map((key) => cipher.blindIndex(MATCH_KEY_PURPOSE, key)))];
}

/** The blind indexes a person is stored under (the matcher's blocking keys, keyed). */
export function storedMatchKeys(cipher: FieldCipher, person: PreparedPerson): string[] {
  return blindKeys(cipher, storedKeysOf(person));
}

/** The rows of person_match_keys a person is stored under: their blocking keys, keyed. */
export function matchKeyRows(cipher: FieldCipher, personId: string, fields: MatchFields): { key_index: string; person_id: string }[] {
  return storedMatchKeys(cipher, preparePerson(matchPersonOf(personId, fields))).map((key) => ({ key_index: key, person_id: personId }));
}

/** After a change of names, date, sex or nationality: the person's keys follow the record. */
export async function replaceMatchKeys(q: Queryable, cipher: FieldCipher, personId: string, fields: MatchFields): Promise<void> {
  await q.deleteFrom('person_match_keys').where('person_id', '=', personId).execute();
  const rows = matchKeyRows(cipher, personId, fields);
  if (rows.length > 0) await q.insertInto('person_match_keys').values(rows).execute();
}

/**
 * A blocking key shared by more persons than this is a name (and year) so common that it tells
 * nothing on its own: it is left out of the search, as the batch matcher leaves out oversized
 * blocks, and the person is found through the other keys. Bounding every key's rows bounds the
 * work of a search whatever the size of the register.
 */
export const MAX_KEY_BLOCK = 200;

/**
 * Persons within the scope taken, by their shared keys alone, to be weighed by their plain
 * values: six times the candidates kept. On the synthetic million, the other registrations of a
 * person the plain values lift into the 50 lie almost all within the best 300 by keys.
 */
export const RANKED_BY_KEYS = 300;

/**
 * Whose persons a search may return: those the agency's officers may read identity fields of, or
 * with `outside`, exactly the others: persons whose case another agency holds and that this agency
 * may not read (scored server-side only, never answered).
 */
export interface CandidateScope {
  agencyId: string;
  outside?: boolean;
  /** The instant a grant's end is compared with (a handover's access ends); absent: every unrevoked grant counts. */
  now?: string;
}

/**
 * How much a shared key says, by its kind. A key with the birth year the person searched for has
 * (not one of the neighbouring years the tolerance adds) is twice as telling: the other
 * registrations of a person mostly carry the same year, a namesake born two years apart does not.
 */
function emphasisOf(key: string, person: PreparedPerson): number {
  return person.birth && (key.startsWith('q:') || key.startsWith('y:')) && key.endsWith(`|${person.birth.year}`) ? 2 : 1;
}

/**
 * How the record's own plaintext and keyed values agree with the person searched for, in the
 * units of the key weights (natural logs of rarity), roughly as likelihood ratios: a namesake
 * shares the exact day of birth about once in two thousand times, the same person nearly always
 * (a day and month swapped now and then), so an equal date outweighs any one key; a namesake has
 * the other sex half the time, the same person only through an entry error, so that weighs as
 * much against. A differing nationality is weaker (a second registration states another now and
 * then). Absent values say nothing. The dates are compared through their blind indexes (a record
 * has one when its date is taken to the day) and the plaintext year of birth.
 */
function agreementOf(cipher: FieldCipher, person: PreparedPerson) {
  const parts = [sql`0`];
  if (person.sex) parts.push(sql`case when p.sex in ('male', 'female') and p.sex <> ${person.sex} then -6 else 0 end`);
  const birth = person.birth;
  if (birth) {
    const sameYear = sql`case when p.birth_year = ${birth.year} then 1 else 0 end`;
    if (birth.precision === 'day') {
      const pad = (n: number): string => String(n).padStart(2, '0');
      const year = String(birth.year).padStart(4, '0');
      const date = cipher.blindIndex(BIRTH_DATE_PURPOSE, `${year}-${pad(birth.month)}-${pad(birth.day)}`);
      const swapped = cipher.blindIndex(BIRTH_DATE_PURPOSE, `${year}-${pad(birth.day)}-${pad(birth.month)}`);
      // A record's date of no precision on 1 January has no index and weighs as another day (-2),
      // as the ranking on plaintext dates weighed it (its test of the day came out unknown).
      parts.push(sql`case when p.birth_year is null then 0 when p.birth_date_index is null and p.birth_date_precision is not null then ${sameYear}
        when p.birth_date_index = ${date} then 6 when p.birth_date_index = ${swapped} then 4 else -2 end`);
    } else {
      parts.push(sql`case when p.birth_year is null then 0 else ${sameYear} end`);
    }
  }
  if (person.nationality) parts.push(sql`case when length(p.nationality) <> 2 then 0 when p.nationality = ${person.nationality} then 1 else -1.5 end`);
  return sql.join(parts, sql` + `);
}

/** Each key's rows, up to one past the block limit, with the size of the block each came from. */
type KeyHits = RawBuilder<{ person_id: string; weight: number; block_size: number }>;

function weightOf(emphasis: RawBuilder<unknown>, blockSize: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`${emphasis} * ln(${sql.lit(MAX_KEY_BLOCK + 1)} / cast(${blockSize} as double precision))`;
}

/** SQLite: one short subquery per key (it has no lateral joins); planning them costs little there. */
function keyHitsOnSqlite(keys: readonly (readonly [string, number])[]): KeyHits {
  return sql.join(
    keys.map(
      ([key, emphasis]) => sql`select person_id, ${weightOf(sql.lit(emphasis), sql`block_size`)} as weight, block_size from (
        select person_id, count(*) over () as block_size
        from (select person_id from person_match_keys where key_index = ${key} limit ${sql.lit(MAX_KEY_BLOCK + 1)}) as key_rows
      ) as block`,
    ),
    sql` union all `,
  ) as KeyHits;
}

/**
 * PostgreSQL: the keys as two arrays, each read through a lateral join with its limit. The same
 * short index ranges as the subqueries SQLite runs, but one small plan: planning forty subqueries
 * took a third of each search.
 */
function keyHitsOnPostgres(keys: readonly (readonly [string, number])[]): KeyHits {
  const blockSize = sql`count(*) over (partition by k.key_index)`;
  return sql`select k.person_id, ${weightOf(sql`w.emphasis`, blockSize)} as weight, ${blockSize} as block_size
    from unnest(cast(${keys.map(([key]) => key)} as text[]), cast(${keys.map(([, emphasis]) => emphasis)} as integer[])) as w(key_index, emphasis)
    cross join lateral (
      select person_id, key_index from person_match_keys where key_index = w.key_index limit ${sql.lit(MAX_KEY_BLOCK + 1)}
    ) as k` as KeyHits;
}

/**
 * Persons within the scope sharing a blocking key with `person`, the likeliest first: found through
 * the blind indexes and the record's plaintext values (sex, year of birth, nationality) alone,
 * without decrypting anyone. Merged-away records are left out.
 *
 * Each key is read on its own with a limit (one short index range each), and a key whose block
 * overflows the limit is dropped. One `IN (…)` over all keys would read whole blocks of common
 * names (tens of thousands of rows for an undated "Mohamed Ahmed") before counting.
 *
 * A shared key weighs by its rarity, ln((MAX_KEY_BLOCK + 1) / block size), like an inverse
 * document frequency: sharing "Yonas Tesfay 1990" with 3 others says far more than sharing
 * "Mohamed Ahmed 1990" with 180, and a mere count of shared keys ranked the crowd of namesakes of
 * common names above the person's own other registrations (spelt differently, so sharing fewer
 * keys). The agreement of the plain values then tells the namesakes from the person.
 *
 * The scope (a case of the agency, or a live access grant that includes identity, as
 * `personFieldGroups` decides) is part of the choice, before the limit: persons the caller may
 * not read neither take places among the best nor show in the answer in any way.
 */
export async function candidatePersonIds(q: Queryable, cipher: FieldCipher, person: PreparedPerson, scope: CandidateScope, limit = MAX_CANDIDATES): Promise<string[]> {
  const keys = [...new Map(queryKeysOf(person).map((key) => [cipher.blindIndex(MATCH_KEY_PURPOSE, key), emphasisOf(key, person)] as const))];
  if (keys.length === 0) return [];
  const blocks = q.getExecutor().adapter instanceof PostgresAdapter ? keyHitsOnPostgres(keys) : keyHitsOnSqlite(keys);
  const readable = sql`(exists (select 1 from cases as c where c.person_id = shared.person_id and c.agency_id = ${scope.agencyId})
        or exists (select 1 from access_grants as g where g.person_id = shared.person_id and g.agency_id = ${scope.agencyId}
          and g.revoked_at is null and (g.expires_at is null or g.expires_at > ${scope.now ?? ''}) and g.field_groups like '%"identity"%'))`;
  // Only the best by their keys are read from persons for their plain values: a search for a
  // common name meets over a thousand persons, and a row read for each of them cost more than
  // all the key reads together. The scope comes first, so the places go to visible persons only;
  // the persons are checked in the order of their keys (a sorted subquery, its limit all of them)
  // so that the check stops once the best are found instead of running for every person met.
  const { rows } = await sql<{ person_id: string }>`
    select best.person_id from (
      select shared.person_id, shared.affinity from (
        select person_id, sum(weight) as affinity from (${blocks}) as hits
        where block_size <= ${sql.lit(MAX_KEY_BLOCK)} and person_id <> ${person.id}
        group by person_id
        order by affinity desc, person_id
        limit ${keys.length * (MAX_KEY_BLOCK + 1)}
      ) as shared
      where ${scope.outside ? sql`not (${readable}) and exists (select 1 from cases as c where c.person_id = shared.person_id and c.agency_id <> ${scope.agencyId})` : readable}
      order by shared.affinity desc, shared.person_id
      limit ${RANKED_BY_KEYS}
    ) as best
    inner join persons as p on p.id = best.person_id
    where p.merged_into is null
    order by best.affinity + ${agreementOf(cipher, person)} desc, best.person_id
    limit ${limit}`.execute(q);
  return rows.map((row) => row.person_id);
}

// ---- the person rows matching reads, and merges -------------------------------------------

export async function personRow(unit: StoreUnit, id: string): Promise<PersonTable | undefined> {
  return unit.db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function personRows(unit: StoreUnit, ids: readonly string[]): Promise<PersonTable[]> {
  return ids.length === 0 ? [] : unit.db.selectFrom('persons').selectAll().where('id', 'in', [...ids]).execute();
}

export async function latestIndicators(unit: StoreUnit, personId: string): Promise<string[]> {
  const row = await unit.db.selectFrom('screenings').select('indicators').where('person_id', '=', personId).orderBy('screening_version', 'desc').limit(1).executeTakeFirst();
  return row ? (JSON.parse(row.indicators) as string[]) : [];
}

export async function topScreeningVersion(unit: StoreUnit, personId: string): Promise<number> {
  const top = await unit.db.selectFrom('screenings').select('screening_version').where('person_id', '=', personId).orderBy('screening_version', 'desc').limit(1).executeTakeFirst();
  return top?.screening_version ?? 0;
}

export async function screeningVersionsOf(unit: StoreUnit, personId: string): Promise<{ id: string; screening_version: number }[]> {
  return unit.db.selectFrom('screenings').select(['id', 'screening_version']).where('person_id', '=', personId).orderBy('screening_version').execute();
}

export async function justiceLinksOf(unit: StoreUnit, personId: string): Promise<{ id: string; investigation_id: string; role: string }[]> {
  return unit.db.selectFrom('justice_links').select(['id', 'investigation_id', 'role']).where('person_id', '=', personId).execute();
}

export async function obligationsOf(unit: StoreUnit, personId: string): Promise<ObligationTable[]> {
  return unit.db.selectFrom('obligations').selectAll().where('person_id', '=', personId).execute();
}

/** Which of these obligations an allegation of failure to assist names. */
export async function allegedObligations(unit: StoreUnit, obligationIds: readonly string[]): Promise<Set<string>> {
  if (obligationIds.length === 0) return new Set();
  const rows = await unit.db.selectFrom('allegations').select('obligation_id').where('obligation_id', 'in', [...obligationIds]).execute();
  return new Set(rows.map((a) => a.obligation_id).filter((id): id is string => id !== null));
}

export async function insertMerge(unit: StoreUnit, row: PersonMergeTable): Promise<void> {
  await unit.db.insertInto('person_merges').values(row).execute();
}

export async function findMerge(unit: StoreUnit, id: string): Promise<PersonMergeTable | undefined> {
  return unit.db.selectFrom('person_merges').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The merge standing for a merged-away person. */
export async function standingMergeOf(unit: StoreUnit, mergedId: string): Promise<{ id: string } | undefined> {
  return unit.db.selectFrom('person_merges').select('id').where('merged_id', '=', mergedId).where('unmerged_at', 'is', null).executeTakeFirst();
}

/** Marks a merge undone if it is still at `version`; false when it changed meanwhile. */
export async function markUnmerged(unit: StoreUnit, merge: Pick<PersonMergeTable, 'id' | 'version'>, by: string, at: string): Promise<boolean> {
  const updated = await unit.db
    .updateTable('person_merges')
    .set({ unmerged_by: by, unmerged_at: at, version: merge.version + 1 })
    .where('id', '=', merge.id)
    .where('version', '=', merge.version)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** How many blocking keys are stored, every person's. */
export async function countMatchKeys(q: Queryable): Promise<number> {
  const row = await q.selectFrom('person_match_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A purge: destroys these encrypted columns of the merges the person took part in; answers how many rows had them. */
export async function eraseMergesOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const rows = await unit.db
    .selectFrom('person_merges')
    .select('id')
    .where((eb) => eb.or([eb('survivor_id', '=', personId), eb('merged_id', '=', personId)]))
    .execute();
  const ids = rows.map((row) => row.id);
  await destroyCiphertexts(unit, 'person_merges', ids, columns);
  return ids.length;
}

/** A purge: the person's blocking keys go; answers how many. */
export async function deleteMatchKeysOf(unit: StoreUnit, personId: string): Promise<number> {
  return Number((await unit.db.deleteFrom('person_match_keys').where('person_id', '=', personId).executeTakeFirst()).numDeletedRows);
}

// ---- duplicates across agencies -----------------------------------------------------------

/** The agency holding each person's case, with its name (a person has one case). */
export async function holdingAgencies(unit: StoreUnit, personIds: readonly string[]): Promise<Map<string, { id: string; name: string }>> {
  if (personIds.length === 0) return new Map();
  const rows = await unit.db
    .selectFrom('cases')
    .innerJoin('agencies', 'agencies.id', 'cases.agency_id')
    .select(['cases.person_id', 'agencies.id', 'agencies.name'])
    .where('cases.person_id', 'in', [...personIds])
    .execute();
  return new Map(rows.map((row) => [row.person_id, { id: row.id, name: row.name }]));
}

/** Active users of an agency whose role has a permission (those to tell of a request). */
export async function agencyUsersWith(unit: StoreUnit, agencyId: string, permission: Permission): Promise<string[]> {
  const roles = ROLES.filter((role) => ROLE_POLICIES[role].permissions.includes(permission));
  const rows = await unit.db.selectFrom('users').select('id').where('agency_id', '=', agencyId).where('role', 'in', roles).where('disabled', '=', 0).execute();
  return rows.map((row) => row.id);
}

export async function agencyNames(unit: StoreUnit, agencyIds: readonly string[]): Promise<Map<string, string>> {
  if (agencyIds.length === 0) return new Map();
  const rows = await unit.db.selectFrom('agencies').select(['id', 'name']).where('id', 'in', [...new Set(agencyIds)]).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

export async function insertLinkRequest(unit: StoreUnit, row: LinkRequestTable): Promise<void> {
  await unit.db.insertInto('link_requests').values(row).execute();
}

export async function findLinkRequest(unit: StoreUnit, id: string): Promise<LinkRequestTable | undefined> {
  return unit.db.selectFrom('link_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A request still waiting between the same two records, if any. */
export async function pendingLinkRequest(unit: StoreUnit, requesterPersonId: string, holderPersonId: string): Promise<{ id: string } | undefined> {
  return unit.db
    .selectFrom('link_requests')
    .select('id')
    .where('requester_person_id', '=', requesterPersonId)
    .where('holder_person_id', '=', holderPersonId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

/** The requests an agency made or holds, pending first, then the latest. */
export async function linkRequestsOfAgency(unit: StoreUnit, agencyId: string, limit: number): Promise<LinkRequestTable[]> {
  return unit.db
    .selectFrom('link_requests')
    .selectAll()
    .where((eb) => eb.or([eb('requester_agency_id', '=', agencyId), eb('holder_agency_id', '=', agencyId)]))
    .orderBy(sql`case when status = 'pending' then 0 else 1 end`)
    .orderBy('requested_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Records the decision if the request is still pending at `version`; false when it changed meanwhile. */
export async function decideLinkRequest(
  unit: StoreUnit,
  request: Pick<LinkRequestTable, 'id' | 'version'>,
  decision: Pick<LinkRequestTable, 'status' | 'decided_by' | 'decided_at' | 'refusal_reason_enc'>,
): Promise<boolean> {
  const updated = await unit.db
    .updateTable('link_requests')
    .set({ ...decision, version: request.version + 1 })
    .where('id', '=', request.id)
    .where('version', '=', request.version)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** A purge: destroys these encrypted columns of the link requests about the person, on either side; answers how many rows had them. */
export async function eraseLinkRequestsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const rows = await unit.db
    .selectFrom('link_requests')
    .select('id')
    .where((eb) => eb.or([eb('requester_person_id', '=', personId), eb('holder_person_id', '=', personId)]))
    .execute();
  const ids = rows.map((row) => row.id);
  await destroyCiphertexts(unit, 'link_requests', ids, columns);
  return ids.length;
}
