import type { AssistanceType, EncounterInput, RegistrationPersonInput, TriageEntry } from '@haven/core';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { EncounterTable } from '../../platform/db/schema.js';
import { newRecordId } from '../../platform/db/record-id.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { notFound, staleVersion } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import { assertNotFuture, recordAssistance } from '../assistance/service.js';
import { restateAgesAtEncounter } from '../persons/birth-date.js';
import { FIRST_CONTACT_GROUPS } from '../handover/service.js';
import { registerPersons } from '../persons/registration.js';
import { toPersonRecord, type PersonRecord } from '../persons/service.js';
import {
  agencyArea,
  caseFactsOf,
  countPersons,
  encounterCountsChanged,
  encounterRow,
  encounterView,
  findOwnEncounter,
  findVisibleEncounter,
  insertEncounter,
  listOwnEncounters,
  personIdsMetAt,
  personIdsMetAtWithCase,
  triageRows,
  type EncounterView,
} from './store.js';
import { compareTriage, triageCategories, triageFlags } from './triage.js';

export async function createEncounter(store: ScopedStore, input: EncounterInput): Promise<EncounterView> {
  const { platform, actor } = store;
  // An encounter is a fact that happened: a time after now (beyond clock skew) is refused.
  assertNotFuture(platform, 'occurredAt', input.occurredAt);
  const id = newRecordId();
  return store.unit(async (unit) => {
    const row = encounterRow(platform.cipher, id, input, actor.agencyId, actor.userId, platform.clock().toISOString(), await agencyArea(unit, actor.agencyId));
    await insertEncounter(unit, row);
    unit.record({ action: 'encounter.create', recordType: 'encounter', recordId: id, fields: Object.keys(input) });
    return encounterView(platform.cipher, row, 0);
  });
}

/** The encounter if the caller's agency is responsible for it, else 404. */
async function ownEncounterOrThrow(unit: ScopedUnit, id: string): Promise<EncounterTable> {
  const row = await findOwnEncounter(unit, id, unit.actor.agencyId);
  if (!row) throw notFound('encounter');
  return row;
}

/** The encounter if the caller's agency is responsible for it or works on the case of someone met in it (handed over to it), else 404. */
async function visibleEncounterOrThrow(unit: ScopedUnit, id: string): Promise<EncounterTable> {
  const row = await findVisibleEncounter(unit, id, unit.actor.agencyId);
  if (!row) throw notFound('encounter');
  return row;
}

export async function readEncounter(store: ScopedStore, id: string): Promise<EncounterView> {
  return store.unit(async (unit) => {
    const row = await visibleEncounterOrThrow(unit, id);
    unit.readDone({ recordType: 'encounter', recordId: id }, row.notes_enc ? ['notes'] : []);
    return encounterView(store.platform.cipher, row, await countPersons(unit, id));
  });
}

export async function updateEncounter(store: ScopedStore, id: string, version: number, changes: Partial<EncounterInput>): Promise<EncounterView> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  if (changes.occurredAt !== undefined) assertNotFuture(platform, 'occurredAt', changes.occurredAt);
  return store.unit(async (unit) => {
    const row = await ownEncounterOrThrow(unit, id);
    if (row.version !== version) throw staleVersion('encounter', row.version);
    const set: Partial<EncounterTable> = {};
    if (changes.type !== undefined) set.type = changes.type;
    if (changes.occurredAt !== undefined) set.occurred_at = new Date(changes.occurredAt).toISOString();
    if (changes.place !== undefined) Object.assign(set, { place_name: changes.place.name, latitude: changes.place.latitude ?? null, longitude: changes.place.longitude ?? null });
    if (changes.vessel !== undefined) set.vessel = changes.vessel;
    if (changes.area !== undefined) set.area = changes.area;
    if (changes.peopleOnBoard !== undefined) set.people_on_board = changes.peopleOnBoard;
    if (changes.dead !== undefined) set.dead = changes.dead;
    if (changes.missing !== undefined) set.missing = changes.missing;
    if (changes.notes !== undefined) set.notes_enc = platform.cipher.encrypt(changes.notes, placeOf('encounters', 'notes_enc', id));
    await unit.updateVersioned({ table: 'encounters', id, version, set, recordType: 'encounter', at });
    unit.record({ action: 'encounter.update', recordType: 'encounter', recordId: id, fields: Object.keys(changes) });
    // The age at the encounter the indicators count follows its time.
    if (set.occurred_at !== undefined) await restateAgesAtEncounter(unit, id, set.occurred_at);
    // Its type and time are facts of every person's case: a rescue at sea makes everyone endangered.
    if (changes.type !== undefined || changes.occurredAt !== undefined) unit.factsChanged(await personIdsMetAt(unit, id));
    await encounterCountsChanged(unit, id);
    const updated = await ownEncounterOrThrow(unit, id);
    return encounterView(platform.cipher, updated, await countPersons(unit, id));
  });
}

export async function listEncounters(store: ScopedStore, cursor: Cursor | undefined, limit: number): Promise<{ items: EncounterView[]; nextCursor: string | null }> {
  return store.unit(async (unit) => {
    const rows = await listOwnEncounters(unit, unit.actor.agencyId, cursor, limit + 1);
    const page = rows.slice(0, limit);
    const items = [];
    for (const row of page) items.push(encounterView(store.platform.cipher, row, await countPersons(unit, row.id)));
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.occurred_at, id: last.id }) : null };
  });
}

/** Mass registration: every person of the request, with case, first screening and obligations, in one transaction. */
export async function registerAtEncounter(
  store: ScopedStore,
  encounterId: string,
  persons: readonly RegistrationPersonInput[],
): Promise<{ encounterId: string; persons: PersonRecord[] }> {
  return store.unit(async (unit) => {
    const encounter = await ownEncounterOrThrow(unit, encounterId);
    return { encounterId, persons: await registerPersons(unit, unit.actor, persons, encounter) };
  });
}

export type { TriageEntry } from '@haven/core';

/** The encounter's triage list: medical emergencies, then children (unaccompanied first), pregnant women, others; each person with every category they fall in. */
export async function triageList(store: ScopedStore, encounterId: string): Promise<TriageEntry[]> {
  const { platform, actor } = store;
  return store.unit(async (unit) => {
    await visibleEncounterOrThrow(unit, encounterId);
    const rows = await triageRows(unit, encounterId, actor.agencyId, platform.clock().toISOString());
    const facts = await caseFactsOf(unit, rows.map((r) => r.id));
    const handedOverGroups = new Set([...actor.fieldGroups].filter((group) => (FIRST_CONTACT_GROUPS as readonly string[]).includes(group)));
    const entries = rows.map((row, index) => {
      const flags = triageFlags(facts.get(row.id)!.input);
      const categories = triageCategories(flags);
      // A person handed over to another agency: the first contact keeps their identity only.
      const groups = row.case_agency_id === actor.agencyId ? actor.fieldGroups : handedOverGroups;
      const person = toPersonRecord(platform.cipher, row, groups).fields;
      unit.readDone({ recordType: 'person', recordId: row.id }, Object.keys(person));
      return {
        index,
        entry: {
          personId: row.id,
          category: categories[0]!,
          categories,
          flags: [...flags].sort(),
          ...(typeof person.givenName === 'string' ? { givenName: person.givenName } : {}),
          ...(typeof person.familyName === 'string' ? { familyName: person.familyName } : {}),
          ...(typeof person.sex === 'string' ? { sex: person.sex } : {}),
          ...(typeof person.ageClaimed === 'number' ? { ageClaimed: person.ageClaimed } : {}),
        },
      };
    });
    entries.sort((a, b) => compareTriage(a.entry.categories, b.entry.categories) || a.index - b.index);
    return entries.map((e) => e.entry);
  });
}

/** Quick logging: the same assistance given to everyone registered at the encounter (water and blankets on the quay). */
export async function assistEveryone(
  store: ScopedStore,
  encounterId: string,
  assistance: { type: AssistanceType; givenAt: string; place?: string | undefined; language?: string | undefined },
): Promise<{ recorded: number }> {
  return store.unit(async (unit) => {
    await visibleEncounterOrThrow(unit, encounterId);
    const personIds = await personIdsMetAtWithCase(unit, encounterId, unit.actor.agencyId, store.platform.clock().toISOString());
    await recordAssistance(unit, personIds, { ...assistance, encounterId });
    return { recorded: personIds.length };
  });
}

/** What a purge asks of the encounters. */
export { eraseEncounterOf } from './store.js';
