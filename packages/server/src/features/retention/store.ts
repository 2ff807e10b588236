import type { ErasureRequestTable, LegalHoldTable } from '../../platform/db/schema.js';
import type { Cursor } from '../../platform/http/pagination.js';
import { unprocessable } from '../../platform/http/problem.js';
import type { ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import type { Hold } from './holds.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

// Legal holds, erasure requests, and what the retention run finds due.

export async function purgedAt(unit: StoreUnit, personId: string): Promise<string | null> {
  const row = await unit.db.selectFrom('persons').select('purged_at').where('id', '=', personId).executeTakeFirst();
  return row?.purged_at ?? null;
}

// ---- holds -------------------------------------------------------------------------------------

/** Every hold standing on one person now. */
export async function holdsOn(unit: StoreUnit, personId: string): Promise<Hold[]> {
  return (await holdsOnMany(unit, [personId])).get(personId) ?? [];
}

/** Holds per person, for a batch of persons (three queries, whatever the batch size). */
export async function holdsOnMany(unit: StoreUnit, personIds: readonly string[]): Promise<Map<string, Hold[]>> {
  const holds = new Map<string, Hold[]>();
  if (personIds.length === 0) return holds;
  const add = (personId: string, hold: Hold) => holds.set(personId, [...(holds.get(personId) ?? []), hold]);
  const ids = [...personIds];
  const recorded = await unit.db
    .selectFrom('legal_holds')
    .select(['id', 'person_id', 'placed_at', 'placed_by'])
    .where('person_id', 'in', ids)
    .where('released_at', 'is', null)
    .orderBy('placed_at')
    .execute();
  for (const row of recorded) add(row.person_id, { kind: 'recorded', holdId: row.id, placedAt: row.placed_at, placedBy: row.placed_by });
  const justice = await unit.db
    .selectFrom('justice_links')
    .innerJoin('investigations', 'investigations.id', 'justice_links.investigation_id')
    .select(['justice_links.person_id', 'justice_links.role', 'investigations.id', 'investigations.reference', 'investigations.status'])
    .where('justice_links.person_id', 'in', ids)
    .where('investigations.status', 'in', ['open', 'suspended'])
    .orderBy('investigations.created_at')
    .execute();
  for (const row of justice) add(row.person_id, { kind: 'investigation', investigationId: row.id, reference: row.reference, status: row.status, role: row.role });
  const allegations = await unit.db
    .selectFrom('allegations')
    .select(['id', 'person_id', 'status'])
    .where('person_id', 'in', ids)
    .where('status', '!=', 'closed')
    .orderBy('created_at')
    .execute();
  for (const row of allegations) if (row.person_id) add(row.person_id, { kind: 'allegation', allegationId: row.id, status: row.status });
  return holds;
}

/**
 * Recorded holds with what is shown beside them: the placing agency's name, the investigation a
 * hold was placed for, and the agency that may release it — that investigation's agency, or else
 * the agency that placed it (the oversight body may release any).
 */
function legalHoldRecords(unit: StoreUnit) {
  return unit.db
    .selectFrom('legal_holds')
    .innerJoin('agencies as placing', 'placing.id', 'legal_holds.agency_id')
    .leftJoin('investigations', 'investigations.id', 'legal_holds.investigation_id')
    .leftJoin('agencies as investigating', 'investigating.id', 'investigations.agency_id')
    .selectAll('legal_holds')
    .select(['placing.name as agency_name', 'investigations.reference as investigation_reference', 'investigations.agency_id as investigation_agency_id', 'investigating.name as investigation_agency_name']);
}

export type LegalHoldRecord = Awaited<ReturnType<ReturnType<typeof legalHoldRecords>['executeTakeFirstOrThrow']>>;

export async function legalHold(unit: StoreUnit, id: string): Promise<LegalHoldRecord | undefined> {
  return legalHoldRecords(unit).where('legal_holds.id', '=', id).executeTakeFirst();
}

export async function legalHoldsOfPerson(unit: StoreUnit, personId: string): Promise<LegalHoldRecord[]> {
  return legalHoldRecords(unit).where('legal_holds.person_id', '=', personId).orderBy('legal_holds.placed_at').orderBy('legal_holds.id').execute();
}

/** Every recorded hold, standing or released or both, newest first, after the cursor. */
export async function legalHoldsPage(unit: StoreUnit, status: 'standing' | 'released' | undefined, cursor: Cursor | undefined, limit: number): Promise<LegalHoldRecord[]> {
  let query = legalHoldRecords(unit);
  if (status === 'standing') query = query.where('legal_holds.released_at', 'is', null);
  if (status === 'released') query = query.where('legal_holds.released_at', 'is not', null);
  if (cursor) {
    query = query.where((eb) => eb.or([eb('legal_holds.placed_at', '<', cursor.at), eb.and([eb('legal_holds.placed_at', '=', cursor.at), eb('legal_holds.id', '<', cursor.id)])]));
  }
  return query.orderBy('legal_holds.placed_at', 'desc').orderBy('legal_holds.id', 'desc').limit(limit).execute();
}

export async function insertLegalHold(unit: StoreUnit, row: LegalHoldTable): Promise<void> {
  await unit.db.insertInto('legal_holds').values(row).execute();
}

export async function updateLegalHold(unit: StoreUnit, hold: Pick<LegalHoldTable, 'id' | 'version'>, set: Partial<LegalHoldTable>): Promise<number> {
  return unit.updateVersioned({ table: 'legal_holds', id: hold.id, version: hold.version, set, recordType: 'legal hold' });
}

/**
 * An investigation a hold may be placed for: one of the caller's agency, or one the person is
 * linked to while the caller's agency works on the case (it sees those links). Any other is
 * refused as one that does not exist.
 */
export async function investigationForHoldOrThrow(unit: ScopedUnit, personId: string, investigationId: string): Promise<void> {
  const investigation = await unit.db.selectFrom('investigations').select('agency_id').where('id', '=', investigationId).executeTakeFirst();
  if (investigation?.agency_id === unit.actor.agencyId) return;
  if (investigation && (await unit.worksOnCase(personId))) {
    const link = await unit.db.selectFrom('justice_links').select('id').where('investigation_id', '=', investigationId).where('person_id', '=', personId).executeTakeFirst();
    if (link) return;
  }
  throw unprocessable('investigationId', 'no such investigation');
}

// ---- erasure requests --------------------------------------------------------------------------

export async function insertErasureRequest(unit: StoreUnit, row: ErasureRequestTable): Promise<void> {
  await unit.db.insertInto('erasure_requests').values(row).execute();
}

export async function erasureRequestRows(unit: StoreUnit, personId: string): Promise<ErasureRequestTable[]> {
  return unit.db.selectFrom('erasure_requests').selectAll().where('person_id', '=', personId).orderBy('recorded_at').execute();
}

// ---- what the retention run finds due ----------------------------------------------------------

/** Persons not yet purged every case of whom was closed before the cut-off. */
function duePersons(unit: StoreUnit, cutoff: string) {
  return unit.db
    .selectFrom('persons')
    .where('persons.purged_at', 'is', null)
    .where((eb) =>
      eb.and([
        eb.exists(eb.selectFrom('cases').select('cases.id').whereRef('cases.person_id', '=', 'persons.id').where('cases.stage', '=', 'closed').where('cases.updated_at', '<', cutoff)),
        eb.not(
          eb.exists(
            eb
              .selectFrom('cases')
              .select('cases.id')
              .whereRef('cases.person_id', '=', 'persons.id')
              .where((c) => c.or([c('cases.stage', '!=', 'closed'), c('cases.updated_at', '>=', cutoff)])),
          ),
        ),
      ]),
    );
}

export async function countDuePersons(unit: StoreUnit, cutoff: string): Promise<number> {
  return Number((await duePersons(unit, cutoff).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

/** The next batch of due persons, by id after `after`. */
export async function duePersonIds(unit: StoreUnit, cutoff: string, after: string, batch: number): Promise<string[]> {
  return (await duePersons(unit, cutoff).select('persons.id').where('persons.id', '>', after).orderBy('persons.id').limit(batch).execute()).map((r) => r.id);
}

function dueAllegations(unit: StoreUnit, cutoff: string) {
  return unit.db.selectFrom('allegations').where('status', '=', 'closed').where('updated_at', '<', cutoff).where('purged_at', 'is', null);
}

export async function countDueAllegations(unit: StoreUnit, cutoff: string): Promise<number> {
  return Number((await dueAllegations(unit, cutoff).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

/** The next batch of due allegations (each purged one leaves the set). */
export async function dueAllegationIds(unit: StoreUnit, cutoff: string, batch: number): Promise<string[]> {
  return (await dueAllegations(unit, cutoff).select('id').orderBy('id').limit(batch).execute()).map((r) => r.id);
}

/** A purge: destroys these encrypted columns of the person's legal holds; answers how many rows had them. */
export async function eraseLegalHoldsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('legal_holds').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'legal_holds', ids, columns);
  return ids.length;
}

/** A purge: destroys these encrypted columns of the person's erasure requests; answers how many rows had them. */
export async function eraseErasureRequestsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('erasure_requests').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'erasure_requests', ids, columns);
  return ids.length;
}

// ---- the retention report's totals -------------------------------------------------------------

/** Counts only, nothing personal: standing recorded holds, erasure requests by decision, the last purge. */
export async function retentionTotals(unit: StoreUnit): Promise<{ standingHolds: number; erasureRequests: { carriedOut: number; refused: number }; lastPurgedAt: string | null }> {
  const holds = await unit.db.selectFrom('legal_holds').select((eb) => eb.fn.countAll().as('n')).where('released_at', 'is', null).executeTakeFirstOrThrow();
  const requests = await unit.db.selectFrom('erasure_requests').select(['status', (eb) => eb.fn.countAll().as('n')]).groupBy('status').execute();
  const last = await unit.db.selectFrom('persons').select((eb) => eb.fn.max('purged_at').as('at')).executeTakeFirst();
  const count = (status: string) => Number(requests.find((row) => row.status === status)?.n ?? 0);
  return { standingHolds: Number(holds.n), erasureRequests: { carriedOut: count('carried_out'), refused: count('refused') }, lastPurgedAt: (last?.at as string | null | undefined) ?? null };
}
