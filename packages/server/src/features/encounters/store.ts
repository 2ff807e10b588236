import type { EncounterInput, EncounterType, EncounterView } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { Queryable } from '../../platform/db/database.js';
import type { EncounterTable } from '../../platform/db/schema.js';

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
export async function findOwnEncounter(q: Queryable, id: string, agencyId: string): Promise<EncounterTable | undefined> {
  return q.selectFrom('encounters').selectAll().where('id', '=', id).where('agency_id', '=', agencyId).executeTakeFirst();
}

export async function countPersons(q: Queryable, encounterId: string): Promise<number> {
  const row = await q.selectFrom('persons').select(({ fn }) => fn.countAll<number>().as('n')).where('encounter_id', '=', encounterId).executeTakeFirst();
  return Number(row?.n ?? 0);
}
