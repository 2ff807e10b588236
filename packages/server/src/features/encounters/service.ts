import type { AssistanceType, EncounterInput, RegistrationPersonInput, TriageEntry } from '@haven/core';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { EncounterTable } from '../../platform/db/schema.js';
import { newRecordId } from '../../platform/db/record-id.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { notFound, staleVersion } from '../../platform/http/problem.js';
import { assertNotFuture, recordAssistance } from '../assistance/service.js';
import { loadCaseFacts } from '../obligations/case-facts.js';
import { refreshObligations } from '../obligations/refresh.js';
import { restateEncounterStats } from '../stats/rollup.js';
import { actorOf } from '../../platform/access/actor.js';
import { restateAgesAtEncounter } from '../persons/birth-date.js';
import { registerPersons } from '../persons/registration.js';
import { toPersonRecord, type PersonRecord } from '../persons/store.js';
import { countPersons, encounterRow, encounterView, findOwnEncounter, type EncounterView } from './store.js';
import { TRIAGE_CATEGORIES, triageCategory, triageFlags } from './triage.js';

export async function createEncounter(platform: Platform, ctx: RequestContext, input: EncounterInput): Promise<EncounterView> {
  const actor = actorOf(ctx);
  // An encounter is a fact that happened: a time after now (beyond clock skew) is refused.
  assertNotFuture(platform, 'occurredAt', input.occurredAt);
  const id = newRecordId();
  const row = encounterRow(platform.cipher, id, input, actor.agencyId, actor.userId, platform.clock().toISOString());
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await trx.insertInto('encounters').values(row).execute();
    await restateEncounterStats(trx, [id]);
    record({ action: 'encounter.create', recordType: 'encounter', recordId: id, fields: Object.keys(input) });
    return encounterView(platform.cipher, row, 0);
  });
}

export async function readEncounter(platform: Platform, ctx: RequestContext, id: string): Promise<EncounterView> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const row = await findOwnEncounter(trx, id, actor.agencyId);
    if (!row) throw notFound('encounter');
    record({ action: 'encounter.read', recordType: 'encounter', recordId: id, fields: row.notes_enc ? ['notes'] : [] });
    return encounterView(platform.cipher, row, await countPersons(trx, id));
  });
}

export async function updateEncounter(platform: Platform, ctx: RequestContext, id: string, version: number, changes: Partial<EncounterInput>): Promise<EncounterView> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  if (changes.occurredAt !== undefined) assertNotFuture(platform, 'occurredAt', changes.occurredAt);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const row = await findOwnEncounter(trx, id, actor.agencyId);
    if (!row) throw notFound('encounter');
    if (row.version !== version) throw staleVersion('encounter', row.version);
    const set: Partial<EncounterTable> = { version: version + 1, updated_at: at };
    if (changes.type !== undefined) set.type = changes.type;
    if (changes.occurredAt !== undefined) set.occurred_at = new Date(changes.occurredAt).toISOString();
    if (changes.place !== undefined) Object.assign(set, { place_name: changes.place.name, latitude: changes.place.latitude ?? null, longitude: changes.place.longitude ?? null });
    if (changes.vessel !== undefined) set.vessel = changes.vessel;
    if (changes.peopleOnBoard !== undefined) set.people_on_board = changes.peopleOnBoard;
    if (changes.dead !== undefined) set.dead = changes.dead;
    if (changes.missing !== undefined) set.missing = changes.missing;
    if (changes.notes !== undefined) set.notes_enc = platform.cipher.encrypt(changes.notes, placeOf('encounters', 'notes_enc', id));
    const result = await trx.updateTable('encounters').set(set).where('id', '=', id).where('version', '=', version).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw staleVersion('encounter', version + 1);
    record({ action: 'encounter.update', recordType: 'encounter', recordId: id, fields: Object.keys(changes) });
    // The age at the encounter the indicators count follows its time.
    if (set.occurred_at !== undefined) await restateAgesAtEncounter(trx, platform.cipher, id, set.occurred_at);
    // Its type and time are facts of every person's case: a rescue at sea makes everyone endangered.
    if (changes.type !== undefined || changes.occurredAt !== undefined) {
      const persons = await trx.selectFrom('persons').select('id').where('encounter_id', '=', id).execute();
      await refreshObligations(platform, trx, persons.map((p) => p.id));
    }
    await restateEncounterStats(trx, [id]);
    const updated = await findOwnEncounter(trx, id, actor.agencyId);
    return encounterView(platform.cipher, updated!, await countPersons(trx, id));
  });
}

export async function listEncounters(platform: Platform, ctx: RequestContext, cursor: Cursor | undefined, limit: number): Promise<{ items: EncounterView[]; nextCursor: string | null }> {
  const actor = actorOf(ctx);
  let query = platform.database.db.selectFrom('encounters').selectAll().where('agency_id', '=', actor.agencyId);
  if (cursor) query = query.where((eb) => eb.or([eb('occurred_at', '<', cursor.at), eb.and([eb('occurred_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  const rows = await query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const items = [];
  for (const row of page) items.push(encounterView(platform.cipher, row, await countPersons(platform.database.db, row.id)));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.occurred_at, id: last.id }) : null };
}

/** Mass registration: every person of the request, with case, first screening and obligations, in one transaction. */
export async function registerAtEncounter(
  platform: Platform,
  ctx: RequestContext,
  encounterId: string,
  persons: readonly RegistrationPersonInput[],
): Promise<{ encounterId: string; persons: PersonRecord[] }> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const encounter = await findOwnEncounter(trx, encounterId, actor.agencyId);
    if (!encounter) throw notFound('encounter');
    return { encounterId, persons: await registerPersons(platform, trx, record, actor, persons, encounter) };
  });
}

export type { TriageEntry } from '@haven/core';

/** The encounter's triage list: medical emergencies, then children (unaccompanied first), pregnant women, others. */
export async function triageList(platform: Platform, ctx: RequestContext, encounterId: string): Promise<TriageEntry[]> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const encounter = await findOwnEncounter(trx, encounterId, actor.agencyId);
    if (!encounter) throw notFound('encounter');
    const rows = await trx
      .selectFrom('persons')
      .innerJoin('cases', 'cases.person_id', 'persons.id')
      .selectAll('persons')
      .where('persons.encounter_id', '=', encounterId)
      .where('cases.agency_id', '=', actor.agencyId)
      // A record merged into another has no case of its own any more: the survivor holds it.
      .where('persons.merged_into', 'is', null)
      .orderBy('persons.created_at')
      .orderBy('persons.id')
      .execute();
    const facts = await loadCaseFacts(trx, platform.cipher, rows.map((r) => r.id));
    const entries = rows.map((row, index) => {
      const flags = triageFlags(facts.get(row.id)!.input);
      const person = toPersonRecord(platform.cipher, row, actor.fieldGroups).fields;
      record({ action: 'person.read', recordType: 'person', recordId: row.id, fields: Object.keys(person) });
      return {
        index,
        entry: {
          personId: row.id,
          category: triageCategory(flags),
          flags: [...flags].sort(),
          ...(typeof person.givenName === 'string' ? { givenName: person.givenName } : {}),
          ...(typeof person.familyName === 'string' ? { familyName: person.familyName } : {}),
          ...(typeof person.sex === 'string' ? { sex: person.sex } : {}),
          ...(typeof person.ageClaimed === 'number' ? { ageClaimed: person.ageClaimed } : {}),
        },
      };
    });
    entries.sort((a, b) => TRIAGE_CATEGORIES.indexOf(a.entry.category) - TRIAGE_CATEGORIES.indexOf(b.entry.category) || a.index - b.index);
    return entries.map((e) => e.entry);
  });
}

/** Quick logging: the same assistance given to everyone registered at the encounter (water and blankets on the quay). */
export async function assistEveryone(
  platform: Platform,
  ctx: RequestContext,
  encounterId: string,
  assistance: { type: AssistanceType; givenAt: string; place?: string | undefined; language?: string | undefined },
): Promise<{ recorded: number }> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const encounter = await findOwnEncounter(trx, encounterId, actor.agencyId);
    if (!encounter) throw notFound('encounter');
    const persons = await trx
      .selectFrom('persons')
      .innerJoin('cases', 'cases.person_id', 'persons.id')
      .select('persons.id')
      .where('persons.encounter_id', '=', encounterId)
      .where('cases.agency_id', '=', actor.agencyId)
      .execute();
    await recordAssistance(platform, trx, record, actor, persons.map((p) => p.id), { ...assistance, encounterId });
    return { recorded: persons.length };
  });
}
