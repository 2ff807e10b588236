import type { AssistanceType, AssistanceView } from '@haven/core';
import { randomUUID } from 'node:crypto';
import type { Platform } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { AssistanceTable } from '../../platform/db/schema.js';
import { forbidden, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import { assistanceRows, insertAssistanceRows } from './store.js';

/** Clock skew tolerated for times given by field devices. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** Refuses a time in the future (beyond clock skew), naming the field. */
export function assertNotFuture(platform: Platform, field: string, iso: string): void {
  if (Date.parse(iso) > platform.clock().getTime() + FUTURE_TOLERANCE_MS) throw unprocessable(field, 'is in the future');
}

export interface AssistanceGiven {
  type: AssistanceType;
  givenAt: string;
  place?: string | undefined;
  language?: string | undefined;
  notes?: string | undefined;
  encounterId?: string | undefined;
}

/** Records assistance given to these persons and lets it discharge their obligations, in the caller's unit of work. */
export async function recordAssistance(unit: ScopedUnit, personIds: readonly string[], given: AssistanceGiven): Promise<AssistanceTable[]> {
  const { platform } = unit;
  assertNotFuture(platform, 'givenAt', given.givenAt);
  const at = platform.clock().toISOString();
  const rows: AssistanceTable[] = personIds.map((personId) => {
    const id = randomUUID();
    return {
      id,
      person_id: personId,
      encounter_id: given.encounterId ?? null,
      type: given.type,
      given_at: new Date(given.givenAt).toISOString(),
      given_by: unit.actor.userId,
      place: given.place ?? null,
      language: given.language ?? null,
      notes_enc: platform.cipher.encryptNullable(given.notes, placeOf('assistance', 'notes_enc', id)),
      created_at: at,
    };
  });
  await insertAssistanceRows(unit, rows);
  for (const row of rows) {
    unit.record({ action: 'assistance.create', recordType: 'assistance', recordId: row.id, fields: ['type', 'givenAt', ...(given.notes ? ['notes'] : [])] });
  }
  unit.factsChanged(personIds);
  return rows;
}

export type { AssistanceView } from '@haven/core';

function view(platform: Platform, row: AssistanceTable): AssistanceView {
  return {
    id: row.id,
    type: row.type,
    givenAt: row.given_at,
    givenBy: row.given_by,
    place: row.place,
    language: row.language,
    notes: platform.cipher.decryptNullable(row.notes_enc, placeOf('assistance', 'notes_enc', row.id)),
    encounterId: row.encounter_id,
  };
}

export async function assistPerson(store: ScopedStore, personId: string, given: AssistanceGiven): Promise<AssistanceView> {
  return store.unit(async (unit) => {
    await unit.assistanceGroups(personId);
    const [row] = await recordAssistance(unit, [personId], given);
    return view(store.platform, row!);
  });
}

/** The assistance log of a person (protection field group). */
export async function assistanceLog(store: ScopedStore, personId: string): Promise<AssistanceView[]> {
  return store.unit((unit) =>
    unit.read(
      { personId, recordType: 'person', recordId: personId, action: 'assistance.read' },
      async (groups) => {
        if (!groups.has('protection')) throw forbidden('The assistance log is not among the fields shared with you.');
        return (await assistanceRows(unit, personId)).map((row) => view(store.platform, row));
      },
      () => ['assistance'],
    ),
  );
}

/**
 * Each time the person was informed of their consular rights (the assistance that fulfils
 * consular.inform_rights), oldest first: when, in which language, and by which user (an id, for the
 * caller to name). Read inside the caller's unit, which checks scope and records the read.
 */
export async function consularRightsExplained(unit: ScopedUnit, personId: string): Promise<{ at: string; language: string | null; userId: string }[]> {
  return (await assistanceRows(unit, personId)).filter((row) => row.type === 'consular_rights_information').map((row) => ({ at: row.given_at, language: row.language, userId: row.given_by }));
}

/** What a purge and a merge ask of the assistance records. */
export { eraseAssistanceOf, moveAssistanceRecords, returnAssistanceRecords } from './store.js';
