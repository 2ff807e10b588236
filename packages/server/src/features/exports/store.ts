import { sql } from 'kysely';
import type { ExportJobTable } from '../../platform/db/schema.js';
import { notFound } from '../../platform/http/problem.js';
import type { ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

// Export jobs (claimed by one process at a time, progress in the row) and the rows of the
// personal-data exports.

// ---- jobs --------------------------------------------------------------------------------------

export async function insertJob(unit: StoreUnit, row: ExportJobTable): Promise<void> {
  await unit.db.insertInto('export_jobs').values(row).execute();
}

export async function findJob(unit: StoreUnit, id: string): Promise<ExportJobTable | undefined> {
  return unit.db.selectFrom('export_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A job of the caller's: only the requester sees a job; to anyone else it does not exist. */
export async function ownJob(unit: ScopedUnit, id: string): Promise<ExportJobTable> {
  const row = await findJob(unit, id);
  if (!row || row.requested_by !== unit.actor.userId) throw notFound('export');
  return row;
}

/** The caller's latest jobs. */
export async function ownJobs(unit: ScopedUnit, limit: number): Promise<ExportJobTable[]> {
  return unit.db.selectFrom('export_jobs').selectAll().where('requested_by', '=', unit.actor.userId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

/** Claims a queued job for a worker: one conditional update, so one process wins. */
export async function claimJob(unit: StoreUnit, id: string, worker: string, at: string): Promise<boolean> {
  const row = await unit.db.selectFrom('export_jobs').select(['attempts', 'version']).where('id', '=', id).executeTakeFirst();
  if (!row) return false;
  const result = await unit.db
    .updateTable('export_jobs')
    .set({ status: 'running', claimed_by: worker, claimed_at: at, attempts: row.attempts + 1, version: row.version + 1, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('version', '=', row.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The worker holding the claim says how far it got (and that it is still alive). */
export async function reportProgress(unit: StoreUnit, id: string, worker: string, percent: number, at: string): Promise<void> {
  await unit.db.updateTable('export_jobs').set({ progress: percent, claimed_at: at, updated_at: at }).where('id', '=', id).where('claimed_by', '=', worker).execute();
}

/** Stores the finished file, if the worker still holds the claim; false when it lost it. */
export async function finishJob(unit: StoreUnit, id: string, worker: string, set: Partial<ExportJobTable>): Promise<boolean> {
  const updated = await unit.db.updateTable('export_jobs').set(set).where('id', '=', id).where('claimed_by', '=', worker).where('status', '=', 'running').executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function failJob(unit: StoreUnit, id: string, worker: string, error: string, at: string): Promise<void> {
  await unit.db.updateTable('export_jobs').set({ status: 'failed', error, updated_at: at }).where('id', '=', id).where('claimed_by', '=', worker).execute();
}

/**
 * Jobs of processes that stopped (claims older than `stale`) are queued again, or failed after
 * `maxAttempts`; finished files past their time expire.
 */
export async function tidyJobs(unit: StoreUnit, now: string, stale: string, maxAttempts: number): Promise<void> {
  const { db } = unit;
  await db.updateTable('export_jobs').set({ status: 'queued', claimed_by: null, updated_at: now }).where('status', '=', 'running').where('claimed_at', '<', stale).where('attempts', '<', maxAttempts).execute();
  await db.updateTable('export_jobs').set({ status: 'failed', error: 'stopped too often', updated_at: now }).where('status', '=', 'running').where('claimed_at', '<', stale).where('attempts', '>=', maxAttempts).execute();
  await db.updateTable('export_jobs').set({ status: 'expired', result_enc: null, updated_at: now }).where('status', '=', 'done').where('expires_at', '<=', now).execute();
}

export async function queuedJobIds(unit: StoreUnit, limit: number): Promise<string[]> {
  return (await unit.db.selectFrom('export_jobs').select('id').where('status', '=', 'queued').orderBy('created_at').orderBy('id').limit(limit).execute()).map((r) => r.id);
}

// ---- the rows of the personal exports ------------------------------------------------------------

export async function countCases(unit: StoreUnit, agencyId: string): Promise<number> {
  return Number((await unit.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).where('agency_id', '=', agencyId).executeTakeFirstOrThrow()).n);
}

export interface CaseListRow {
  case_id: string;
  person_id: string;
  given_name_enc: string | null;
  family_name_enc: string | null;
  sex: string;
  birth_date_enc: string | null;
  age_claimed: number | null;
  nationality: string | null;
  accompaniment: string | null;
  stage: string;
  occurred_at: string | null;
  type: string | null;
  open: number | string;
  overdue: number | string;
}

/** One batch of an agency's cases, oldest first, with the person and the obligations open and overdue at `now`. */
export async function caseListRows(unit: StoreUnit, agencyId: string, now: string, offset: number, limit: number): Promise<CaseListRow[]> {
  const rows = await sql<CaseListRow>`select c.id as case_id, p.id as person_id, p.given_name_enc, p.family_name_enc, p.sex, p.birth_date_enc, p.age_claimed, p.nationality,
          p.accompaniment, c.stage, e.occurred_at, e.type,
          (select count(*) from obligations o where o.person_id = p.id and o.status = 'open') as open,
          (select count(*) from obligations o where o.person_id = p.id and o.status = 'open' and o.due_by < ${now}) as overdue
        from cases c join persons p on p.id = c.person_id left join encounters e on e.id = p.encounter_id
        where c.agency_id = ${agencyId}
        order by c.created_at, c.id
        limit ${limit} offset ${offset}`.execute(unit.db);
  return rows.rows;
}

/** The agency's sent anti-trafficking referrals (either side of them), with what the export shows of the person. */
export async function traffickingReferralRows(unit: StoreUnit, agencyId: string) {
  return unit.db
    .selectFrom('referrals as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .leftJoin('encounters as e', 'e.id', 'p.encounter_id')
    .select(['r.reference', 'r.person_id', 'r.status', 'r.sent_at', 'r.accepted_at', 'r.completed_at', 'p.sex', 'p.age_at_encounter', 'p.age_claimed', 'p.nationality', 'e.occurred_at'])
    .where('r.service_type', '=', 'anti_trafficking')
    .where('r.status', '<>', 'draft')
    .where((eb) => eb.or([eb('r.from_agency_id', '=', agencyId), eb('r.to_agency_id', '=', agencyId)]))
    .orderBy('r.sent_at')
    .orderBy('r.reference')
    .execute();
}

/** The indicators every screening of these persons recorded, per person. */
export async function screenedIndicators(unit: StoreUnit, personIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const indicators = new Map<string, Set<string>>();
  for (let i = 0; i < personIds.length; i += 500) {
    const screenings = await unit.db.selectFrom('screenings').select(['person_id', 'indicators']).where('person_id', 'in', personIds.slice(i, i + 500)).execute();
    for (const s of screenings) {
      const set = indicators.get(s.person_id) ?? new Set<string>();
      for (const code of JSON.parse(s.indicators) as string[]) set.add(code);
      indicators.set(s.person_id, set);
    }
  }
  return indicators;
}

/**
 * A purge: an export file may hold anyone, and which one holds the person cannot be told without
 * opening them all, so every finished export is destroyed and expired (the job record stays);
 * answers how many.
 */
export async function expireFinishedExports(unit: StoreUnit, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('export_jobs').select('id').where('result_enc', 'is not', null).execute()).map((row) => row.id);
  if (ids.length === 0) return 0;
  await destroyCiphertexts(unit, 'export_jobs', ids, columns);
  await unit.db.updateTable('export_jobs').set({ status: 'expired' }).where('id', 'in', ids).execute();
  return ids.length;
}
