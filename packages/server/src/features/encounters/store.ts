import type { EncounterInput, EncounterType, EncounterView } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { EncounterTable, PersonTable } from '../../platform/db/schema.js';
import type { Cursor } from '../../platform/http/pagination.js';
import type { ExpressionBuilder } from 'kysely';
import type { HavenSchema } from '../../platform/db/schema.js';
import type { StoreUnit } from '../../store/unit.js';
import { loadCaseFacts } from '../obligations/case-facts.js';
import { restateEncounterStats } from '../stats/rollup.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

export type { EncounterView } from '@haven/core';

/** `area`: the encounter's as given, else the registering agency's (handover rules match it). */
export function encounterRow(cipher: FieldCipher, id: string, input: EncounterInput, agencyId: string, userId: string, at: string, agencyArea: string | null = null): EncounterTable {
  return {
    id,
    type: input.type,
    occurred_at: new Date(input.occurredAt).toISOString(),
    place_name: input.place.name,
    latitude: input.place.latitude ?? null,
    longitude: input.place.longitude ?? null,
    agency_id: agencyId,
    vessel: input.vessel ?? null,
    area: input.area ?? agencyArea,
    people_on_board: input.peopleOnBoard ?? null,
    dead: input.dead,
    missing: input.missing,
    notes_enc: cipher.encryptNullable(input.notes, placeOf('encounters', 'notes_enc', id)),
    created_by: userId,
    version: 1,
    created_at: at,
    updated_at: at,
  };
}

export function encounterView(cipher: FieldCipher, row: EncounterTable, registeredPersons: number): EncounterView {
  return {
    id: row.id,
    type: row.type as EncounterType,
    occurredAt: row.occurred_at,
    place: {
      name: row.place_name,
      ...(row.latitude !== null ? { latitude: row.latitude } : {}),
      ...(row.longitude !== null ? { longitude: row.longitude } : {}),
    },
    agencyId: row.agency_id,
    vessel: row.vessel,
    area: row.area ?? null,
    peopleOnBoard: row.people_on_board,
    dead: row.dead,
    missing: row.missing,
    notes: cipher.decryptNullable(row.notes_enc, placeOf('encounters', 'notes_enc', row.id)),
    registeredPersons,
    version: row.version,
    createdAt: row.created_at,
  };
}

/** The encounter if the agency is responsible for it; otherwise undefined (answered as not found). */
export async function findOwnEncounter(unit: StoreUnit, id: string, agencyId: string): Promise<EncounterTable | undefined> {
  return unit.db.selectFrom('encounters').selectAll().where('id', '=', id).where('agency_id', '=', agencyId).executeTakeFirst();
}

/** The agency's area: an encounter recorded without one takes it. */
export async function agencyArea(unit: StoreUnit, agencyId: string): Promise<string | null> {
  const row = await unit.db.selectFrom('agencies').select('area').where('id', '=', agencyId).executeTakeFirst();
  return row?.area ?? null;
}

/**
 * An encounter the agency sees: its own, or one where persons whose case it works on were met
 * (a case handed over to it: the receiving agency sees the boat its persons came on).
 */
function visibleTo(agencyId: string) {
  return (eb: ExpressionBuilder<HavenSchema, 'encounters'>) =>
    eb.or([
      eb('encounters.agency_id', '=', agencyId),
      eb.exists(
        eb
          .selectFrom('persons')
          .innerJoin('cases', 'cases.person_id', 'persons.id')
          .select('persons.id')
          .whereRef('persons.encounter_id', '=', 'encounters.id')
          .where('cases.agency_id', '=', agencyId),
      ),
    ]);
}

/** The encounter if the agency is responsible for it or works on a case of someone met in it; otherwise undefined. */
export async function findVisibleEncounter(unit: StoreUnit, id: string, agencyId: string): Promise<EncounterTable | undefined> {
  return unit.db.selectFrom('encounters').selectAll().where('id', '=', id).where(visibleTo(agencyId)).executeTakeFirst();
}

export async function countPersons(unit: StoreUnit, encounterId: string): Promise<number> {
  const row = await unit.db.selectFrom('persons').select(({ fn }) => fn.countAll<number>().as('n')).where('encounter_id', '=', encounterId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Inserts an encounter; what the indicators count of it follows. */
export async function insertEncounter(unit: StoreUnit, row: EncounterTable): Promise<void> {
  await unit.db.insertInto('encounters').values(row).execute();
  await restateEncounterStats(unit.db, [row.id]);
}

/** After an encounter changed: what the indicators count of it (type, time, dead and missing) again. */
export async function encounterCountsChanged(unit: StoreUnit, id: string): Promise<void> {
  await restateEncounterStats(unit.db, [id]);
}

/** The agency's encounters and those of the persons whose case it works on, latest first. */
export async function listOwnEncounters(unit: StoreUnit, agencyId: string, cursor: Cursor | undefined, limit: number): Promise<EncounterTable[]> {
  let query = unit.db.selectFrom('encounters').selectAll().where(visibleTo(agencyId));
  if (cursor) query = query.where((eb) => eb.or([eb('occurred_at', '<', cursor.at), eb.and([eb('occurred_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  return query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Everyone met in the encounter (their case facts include it). */
export async function personIdsMetAt(unit: StoreUnit, encounterId: string): Promise<string[]> {
  return (await unit.db.selectFrom('persons').select('id').where('encounter_id', '=', encounterId).execute()).map((p) => p.id);
}

/**
 * The persons of a case the agency works on, or whose case it handed over and still holds
 * operational access to (until `now`): the first contact's triage and quick assistance.
 */
function worksOnOrHandedOver(agencyId: string, now: string) {
  return (eb: ExpressionBuilder<HavenSchema, 'persons' | 'cases'>) =>
    eb.or([
      eb('cases.agency_id', '=', agencyId),
      eb.exists(
        eb
          .selectFrom('access_grants')
          .select('access_grants.id')
          .whereRef('access_grants.person_id', '=', 'persons.id')
          .where('access_grants.agency_id', '=', agencyId)
          .where('access_grants.source_type', '=', 'handover')
          .where('access_grants.revoked_at', 'is', null)
          .where('access_grants.expires_at', '>', now),
      ),
    ]);
}

/** The persons met in the encounter whose case the agency works on (or handed over, while its access lasts), in the order registered. */
export async function personIdsMetAtWithCase(unit: StoreUnit, encounterId: string, agencyId: string, now: string): Promise<string[]> {
  const rows = await unit.db
    .selectFrom('persons')
    .innerJoin('cases', 'cases.person_id', 'persons.id')
    .select('persons.id')
    .where('persons.encounter_id', '=', encounterId)
    .where(worksOnOrHandedOver(agencyId, now))
    .orderBy('persons.created_at')
    .orderBy('persons.id')
    .execute();
  return rows.map((row) => row.id);
}

/** The triage list's persons: met in the encounter, in the agency's cases (or handed over, while its access lasts), not merged into another record. */
export async function triageRows(unit: StoreUnit, encounterId: string, agencyId: string, now: string): Promise<(PersonTable & { case_agency_id: string })[]> {
  return unit.db
    .selectFrom('persons')
    .innerJoin('cases', 'cases.person_id', 'persons.id')
    .selectAll('persons')
    .select('cases.agency_id as case_agency_id')
    .where('persons.encounter_id', '=', encounterId)
    .where(worksOnOrHandedOver(agencyId, now))
    // A record merged into another has no case of its own any more: the survivor holds it.
    .where('persons.merged_into', 'is', null)
    .orderBy('persons.created_at')
    .orderBy('persons.id')
    .execute();
}

/** The case facts of these persons, as the engine reads them (triage derives its flags from them). */
export function caseFactsOf(unit: StoreUnit, personIds: readonly string[]): ReturnType<typeof loadCaseFacts> {
  return loadCaseFacts(unit, personIds);
}

/**
 * A purge: an encounter's notes may name anyone on board, so they are destroyed once every person
 * of it is purged (this one last); answers how many rows had them.
 */
export async function eraseEncounterOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const person = await unit.db.selectFrom('persons').select('encounter_id').where('id', '=', personId).executeTakeFirst();
  if (!person?.encounter_id) return 0;
  const others = await unit.db
    .selectFrom('persons')
    .select('id')
    .where('encounter_id', '=', person.encounter_id)
    .where('id', '!=', personId)
    .where('purged_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  if (others) return 0;
  await destroyCiphertexts(unit, 'encounters', [person.encounter_id], columns);
  return 1;
}
