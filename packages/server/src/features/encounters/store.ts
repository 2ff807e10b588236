import type { EncounterInput, EncounterType, EncounterView } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { EncounterTable, PersonTable } from '../../platform/db/schema.js';
import type { Cursor } from '../../platform/http/pagination.js';
import type { StoreUnit } from '../../store/unit.js';
import { loadCaseFacts } from '../obligations/case-facts.js';
import { restateEncounterStats } from '../stats/rollup.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

export type { EncounterView } from '@haven/core';

export function encounterRow(cipher: FieldCipher, id: string, input: EncounterInput, agencyId: string, userId: string, at: string): EncounterTable {
  return {
    id,
    type: input.type,
    occurred_at: new Date(input.occurredAt).toISOString(),
    place_name: input.place.name,
    latitude: input.place.latitude ?? null,
    longitude: input.place.longitude ?? null,
    agency_id: agencyId,
    vessel: input.vessel ?? null,
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

/** The agency's encounters, latest first. */
export async function listOwnEncounters(unit: StoreUnit, agencyId: string, cursor: Cursor | undefined, limit: number): Promise<EncounterTable[]> {
  let query = unit.db.selectFrom('encounters').selectAll().where('agency_id', '=', agencyId);
  if (cursor) query = query.where((eb) => eb.or([eb('occurred_at', '<', cursor.at), eb.and([eb('occurred_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  return query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Everyone met in the encounter (their case facts include it). */
export async function personIdsMetAt(unit: StoreUnit, encounterId: string): Promise<string[]> {
  return (await unit.db.selectFrom('persons').select('id').where('encounter_id', '=', encounterId).execute()).map((p) => p.id);
}

/** The persons met in the encounter whose case the agency works on, in the order registered. */
export async function personIdsMetAtWithCase(unit: StoreUnit, encounterId: string, agencyId: string): Promise<string[]> {
  const rows = await unit.db
    .selectFrom('persons')
    .innerJoin('cases', 'cases.person_id', 'persons.id')
    .select('persons.id')
    .where('persons.encounter_id', '=', encounterId)
    .where('cases.agency_id', '=', agencyId)
    .execute();
  return rows.map((row) => row.id);
}

/** The triage list's persons: met in the encounter, in the agency's cases, not merged into another record. */
export async function triageRows(unit: StoreUnit, encounterId: string, agencyId: string): Promise<PersonTable[]> {
  return unit.db
    .selectFrom('persons')
    .innerJoin('cases', 'cases.person_id', 'persons.id')
    .selectAll('persons')
    .where('persons.encounter_id', '=', encounterId)
    .where('cases.agency_id', '=', agencyId)
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
