import type { Platform } from '../../platform/context.js';
import type { Queryable } from '../../platform/db/database.js';
import type { CaseActionTable, GuardOverrideTable, ObligationTable } from '../../platform/db/schema.js';
import type { ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

/**
 * What the case-file reader and the refresh use of a unit of work: its transaction and platform.
 * A unit is one; the unit itself reaches the refresh with its own transaction before it commits.
 */
export interface CaseFileUnit {
  readonly db: Queryable;
  readonly platform: Pick<Platform, 'cipher'>;
}

const CHUNK = 400;

/** Every record of these persons' case files the engine reads (ids at most CHUNK at a time). */
export async function caseFileRows(unit: CaseFileUnit, ids: readonly string[]) {
  const q = unit.db;
  const persons = await q
    .selectFrom('persons')
    .leftJoin('encounters', 'encounters.id', 'persons.encounter_id')
    .innerJoin('cases', 'cases.person_id', 'persons.id')
    .select([
      'persons.id',
      'persons.sex',
      'persons.birth_date_enc',
      'persons.birth_date_precision',
      'persons.age_claimed',
      'persons.age_disputed',
      'persons.accompaniment',
      'persons.nationality',
      'persons.languages',
      'persons.created_at',
      'encounters.type as encounter_type',
      'encounters.occurred_at',
      'cases.agency_id',
      'cases.consular_choice',
      'cases.asylum_claim',
      'cases.best_interests_determined',
    ])
    .where('persons.id', 'in', ids)
    // A merged-away record has no case of its own: its facts are the survivor's now.
    .where('persons.merged_into', 'is', null)
    .execute();
  const screenings = await q.selectFrom('screenings').select(['person_id', 'screening_version', 'indicators']).where('person_id', 'in', ids).execute();
  const assessments = await q.selectFrom('age_assessments').select(['id', 'person_id', 'min_age', 'created_at']).where('person_id', 'in', ids).orderBy('created_at').orderBy('id').execute();
  // Reviews and appeals of those assessments: one pending keeps the age disputed.
  const challenges = await q
    .selectFrom('age_challenges')
    .innerJoin('age_assessments', 'age_assessments.id', 'age_challenges.assessment_id')
    .select(['age_challenges.assessment_id', 'age_challenges.outcome', 'age_challenges.min_age'])
    .where('age_assessments.person_id', 'in', ids)
    .orderBy('age_challenges.created_at')
    .orderBy('age_challenges.id')
    .execute();
  const detentions = await q.selectFrom('detentions').select(['id', 'person_id', 'since', 'until']).where('person_id', 'in', ids).orderBy('since').execute();
  const assistance = await q.selectFrom('assistance').select(['id', 'person_id', 'type', 'language', 'given_at']).where('person_id', 'in', ids).execute();
  const notifications = await q.selectFrom('consular_notifications').select(['id', 'person_id', 'sent_at']).where('person_id', 'in', ids).execute();
  const referrals = await q
    .selectFrom('referrals')
    .select(['id', 'person_id', 'service_type', 'completed_at'])
    .where('person_id', 'in', ids)
    // Completed once is delivered, even if the referral was closed afterwards.
    .where('completed_at', 'is not', null)
    .execute();
  const links = await q.selectFrom('justice_links').select(['id', 'person_id', 'role', 'created_at']).where('person_id', 'in', ids).execute();
  const incidents = await q.selectFrom('incidents').select(['id', 'person_id', 'kind', 'created_at']).where('person_id', 'in', ids).execute();
  return { persons, screenings, assessments, challenges, detentions, assistance, notifications, referrals, links, incidents };
}

export type CaseFileRows = Awaited<ReturnType<typeof caseFileRows>>;

/** The stored obligations of these persons, every status. */
export async function obligationRowsOf(unit: CaseFileUnit, personIds: readonly string[]): Promise<ObligationTable[]> {
  const out: ObligationTable[] = [];
  for (let i = 0; i < personIds.length; i += CHUNK) {
    out.push(...(await unit.db.selectFrom('obligations').selectAll().where('person_id', 'in', personIds.slice(i, i + CHUNK)).execute()));
  }
  return out;
}

/**
 * Changes an obligation only as it was read: a concurrent waiver (or fulfilment) that committed
 * meanwhile is not overwritten with what was derived from the older row.
 */
export async function updateObligationAsRead(unit: CaseFileUnit, row: ObligationTable, change: Partial<ObligationTable>, at: string): Promise<void> {
  await unit.db
    .updateTable('obligations')
    .set({ ...change, version: row.version + 1, updated_at: at })
    .where('id', '=', row.id)
    .where('version', '=', row.version)
    .execute();
}

export async function insertObligations(unit: CaseFileUnit, rows: readonly ObligationTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await unit.db.insertInto('obligations').values(rows.slice(i, i + 200)).execute();
}

/** The record a person was merged into, if they were. */
export async function mergedInto(unit: CaseFileUnit, personId: string): Promise<string | null | undefined> {
  const row = await unit.db.selectFrom('persons').select('merged_into').where('id', '=', personId).executeTakeFirst();
  return row?.merged_into;
}

/** Open obligations of these persons, by person and due date (standing ones last). */
export async function openObligationsOf(unit: Pick<StoreUnit, 'db'>, personIds: readonly string[]): Promise<Pick<ObligationTable, 'person_id' | 'code' | 'due_by'>[]> {
  return unit.db
    .selectFrom('obligations')
    .select(['person_id', 'code', 'due_by'])
    .where('person_id', 'in', [...personIds])
    .where('status', '=', 'open')
    .orderBy('person_id')
    .orderBy('due_by')
    .orderBy('code')
    .execute();
}

export async function personObligationRows(unit: StoreUnit, personId: string): Promise<ObligationTable[]> {
  return unit.db.selectFrom('obligations').selectAll().where('person_id', '=', personId).execute();
}

export async function findObligation(unit: StoreUnit, id: string): Promise<ObligationTable | undefined> {
  return unit.db.selectFrom('obligations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The agency whose case the person's is. */
export async function caseAgency(unit: StoreUnit, personId: string): Promise<string> {
  const row = await unit.db.selectFrom('cases').select('agency_id').where('person_id', '=', personId).executeTakeFirstOrThrow();
  return row.agency_id;
}

export async function insertGuardOverride(unit: StoreUnit, row: GuardOverrideTable): Promise<void> {
  await unit.db.insertInto('guard_overrides').values(row).execute();
}

export async function insertCaseAction(unit: StoreUnit, row: CaseActionTable): Promise<void> {
  await unit.db.insertInto('case_actions').values(row).execute();
}

export interface QueueFilter {
  officerId?: string;
  agencyId?: string;
  /** Due before this instant (overdue). */
  dueBefore?: string;
  /** Due at or after this instant. */
  dueFrom?: string;
}

/** Open obligations with a deadline, by deadline, for a work queue. */
export async function queueRows(unit: ScopedUnit, filter: QueueFilter, limit: number): Promise<ObligationTable[]> {
  let query = unit.db
    .selectFrom('obligations')
    .innerJoin('cases', 'cases.person_id', 'obligations.person_id')
    .selectAll('obligations')
    .where('obligations.status', '=', 'open')
    .where('obligations.due_by', 'is not', null);
  if (filter.officerId) query = query.where('cases.officer_id', '=', filter.officerId);
  if (filter.agencyId) query = query.where('obligations.agency_id', '=', filter.agencyId);
  if (filter.dueFrom) query = query.where('obligations.due_by', '>=', filter.dueFrom);
  if (filter.dueBefore) query = query.where('obligations.due_by', '<', filter.dueBefore);
  return query.orderBy('obligations.due_by').limit(limit).execute();
}

/** Open obligations of the caller's agency among these codes, by person. */
export async function openAgencyObligations(unit: ScopedUnit, codes: readonly string[]): Promise<Pick<ObligationTable, 'person_id' | 'code'>[]> {
  if (codes.length === 0) return [];
  return unit.db
    .selectFrom('obligations')
    .select(['person_id', 'code'])
    .where('agency_id', '=', unit.actor.agencyId)
    .where('status', '=', 'open')
    .where('code', 'in', [...codes])
    .orderBy('person_id')
    .execute();
}

/** Waivers and guard overrides, latest first; of one agency when `agencyId` is given. */
export async function waiversAndOverrides(unit: ScopedUnit, agencyId: string | undefined, limit: number): Promise<{ waivers: ObligationTable[]; overrides: GuardOverrideTable[] }> {
  let waivers = unit.db.selectFrom('obligations').selectAll().where('status', '=', 'waived');
  let overrides = unit.db.selectFrom('guard_overrides').selectAll();
  if (agencyId !== undefined) {
    waivers = waivers.where('agency_id', '=', agencyId);
    overrides = overrides.where('agency_id', '=', agencyId);
  }
  return {
    waivers: await waivers.orderBy('waived_at', 'desc').limit(limit).execute(),
    overrides: await overrides.orderBy('created_at', 'desc').limit(limit).execute(),
  };
}

/** An obligation escalated to oversight, with its agency's name (no person). */
export interface EscalatedRow {
  id: string;
  agency_id: string;
  agency_name: string;
  code: string;
  due_by: string;
}

/**
 * Open obligations of these codes, on open cases, whose deadline is before `dueBefore` (overdue
 * beyond their escalation limit), the most recently escalated first; of one agency when given.
 */
export async function escalatedObligations(unit: StoreUnit, agencyId: string | undefined, codes: readonly string[], dueBefore: string, limit: number): Promise<EscalatedRow[]> {
  if (codes.length === 0) return [];
  let query = unit.db
    .selectFrom('obligations')
    .innerJoin('cases', 'cases.person_id', 'obligations.person_id')
    .innerJoin('agencies', 'agencies.id', 'obligations.agency_id')
    .select(['obligations.id', 'obligations.agency_id', 'agencies.name as agency_name', 'obligations.code', 'obligations.due_by'])
    .where('obligations.status', '=', 'open')
    .where('obligations.due_by', '<', dueBefore)
    .where('obligations.code', 'in', [...codes])
    // A closed case owes nothing more until it is reopened (as for reminders).
    .where('cases.stage', '!=', 'closed');
  if (agencyId !== undefined) query = query.where('obligations.agency_id', '=', agencyId);
  const rows = await query.orderBy('obligations.due_by', 'desc').orderBy('obligations.id').limit(limit).execute();
  return rows.map((row) => ({ ...row, due_by: row.due_by! }));
}

/** Open obligations due within a window whose reminder of this kind has not been sent, on open cases. */
export async function reminderCandidates(
  unit: StoreUnit,
  column: 'due_soon_notified_at' | 'overdue_notified_at',
  due: { from?: string; before: string },
  limit: number,
): Promise<Pick<ObligationTable, 'id' | 'person_id' | 'agency_id'>[]> {
  let query = unit.db
    .selectFrom('obligations')
    .innerJoin('cases', 'cases.person_id', 'obligations.person_id')
    .select(['obligations.id', 'obligations.person_id', 'obligations.agency_id'])
    .where('obligations.status', '=', 'open')
    // A closed case owes nothing more until it is reopened.
    .where('cases.stage', '!=', 'closed')
    .where(`obligations.${column}`, 'is', null)
    .where('obligations.due_by', '<', due.before);
  if (due.from !== undefined) query = query.where('obligations.due_by', '>=', due.from);
  return query.limit(limit).execute();
}

/** Claims a reminder: true for the one process whose conditional update marked it sent. */
export async function claimReminder(unit: StoreUnit, obligationId: string, column: 'due_soon_notified_at' | 'overdue_notified_at', at: string): Promise<boolean> {
  const claim = await unit.db.updateTable('obligations').set({ [column]: at }).where('id', '=', obligationId).where(column, 'is', null).executeTakeFirst();
  return Number(claim.numUpdatedRows) === 1;
}

/** The officer of the person's case, if one is assigned. */
export async function caseOfficer(unit: StoreUnit, personId: string): Promise<string | null> {
  const row = await unit.db.selectFrom('cases').select('officer_id').where('person_id', '=', personId).executeTakeFirst();
  return row?.officer_id ?? null;
}

/** The agency's supervisors whose accounts are active. */
export async function activeSupervisors(unit: StoreUnit, agencyId: string): Promise<string[]> {
  const rows = await unit.db.selectFrom('users').select('id').where('agency_id', '=', agencyId).where('role', '=', 'supervisor').where('disabled', '=', 0).execute();
  return rows.map((r) => r.id);
}

/** The e-mail addresses of those of these users who gave one. */
export async function emailsOf(unit: StoreUnit, userIds: readonly string[]): Promise<string[]> {
  const rows = await unit.db.selectFrom('users').select('email').where('id', 'in', [...userIds]).where('email', 'is not', null).execute();
  return rows.map((r) => r.email!);
}

/** Re-points these obligations to another person (a merge of duplicate records, or its undoing). */
export async function moveObligations(unit: StoreUnit, obligationIds: readonly string[], toPersonId: string): Promise<void> {
  if (obligationIds.length > 0) await unit.db.updateTable('obligations').set({ person_id: toPersonId }).where('id', 'in', [...obligationIds]).execute();
}

/** Sets obligations aside (a merge: the survivor already has one of the same code); restoreObligations brings them back. */
export async function setObligationsAside(unit: StoreUnit, obligationIds: readonly string[]): Promise<void> {
  if (obligationIds.length > 0) await unit.db.deleteFrom('obligations').where('id', 'in', [...obligationIds]).execute();
}

/** Brings back obligations set aside, exactly as they were. */
export async function restoreObligations(unit: StoreUnit, rows: readonly ObligationTable[]): Promise<void> {
  if (rows.length > 0) await unit.db.insertInto('obligations').values([...rows]).execute();
}

/** A purge: destroys these encrypted columns of the person's obligations; answers how many rows had them. */
export async function eraseObligationsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('obligations').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'obligations', ids, columns);
  return ids.length;
}

/** A purge: destroys these encrypted columns of the person's guard overrides; answers how many rows had them. */
export async function eraseGuardOverridesOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('guard_overrides').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'guard_overrides', ids, columns);
  return ids.length;
}

/** A purge: destroys these encrypted columns of the person's case actions; answers how many rows had them. */
export async function eraseCaseActionsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('case_actions').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'case_actions', ids, columns);
  return ids.length;
}

/** A merge: the person's case actions and guard overrides follow them to `toPersonId`; answers the ids that moved, per table. */
export async function moveActionRecords(unit: StoreUnit, fromPersonId: string, toPersonId: string): Promise<{ case_actions: string[]; guard_overrides: string[] }> {
  const caseActions = (await unit.db.selectFrom('case_actions').select('id').where('person_id', '=', fromPersonId).execute()).map((row) => row.id);
  if (caseActions.length > 0) await unit.db.updateTable('case_actions').set({ person_id: toPersonId }).where('id', 'in', caseActions).execute();
  const guardOverrides = (await unit.db.selectFrom('guard_overrides').select('id').where('person_id', '=', fromPersonId).execute()).map((row) => row.id);
  if (guardOverrides.length > 0) await unit.db.updateTable('guard_overrides').set({ person_id: toPersonId }).where('id', 'in', guardOverrides).execute();
  return { case_actions: caseActions, guard_overrides: guardOverrides };
}

/** An unmerge: these case actions and guard overrides go back to `toPersonId`. */
export async function returnActionRecords(unit: StoreUnit, moved: { case_actions?: readonly string[]; guard_overrides?: readonly string[] }, toPersonId: string): Promise<void> {
  if (moved.case_actions && moved.case_actions.length > 0) await unit.db.updateTable('case_actions').set({ person_id: toPersonId }).where('id', 'in', [...moved.case_actions]).execute();
  if (moved.guard_overrides && moved.guard_overrides.length > 0) await unit.db.updateTable('guard_overrides').set({ person_id: toPersonId }).where('id', 'in', [...moved.guard_overrides]).execute();
}
