import { randomUUID } from 'node:crypto';
import type { CaseStage } from '@haven/core';
import type { CaseTable, ConsularNotificationTable, DetentionTable, PersonTable } from '../../platform/db/schema.js';
import type { Cursor } from '../../platform/http/pagination.js';
import type { StoreUnit } from '../../store/unit.js';
import { obligationSummaries, type ObligationSummary } from '../obligations/summary.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

/**
 * Locks the person's case row until the transaction ends (PostgreSQL; SQLite admits one writer at
 * a time): writes that check the case file before changing it (one open detention, the next
 * screening version) then take their turn per person instead of both passing the check.
 */
export async function lockCaseRow(unit: Pick<StoreUnit, 'platform' | 'db'>, personId: string): Promise<void> {
  if (unit.platform.database.dialect === 'postgres') await unit.db.selectFrom('cases').select('id').where('person_id', '=', personId).forUpdate().execute();
}

export async function findCaseOfPerson(unit: StoreUnit, personId: string): Promise<CaseTable | undefined> {
  return unit.db.selectFrom('cases').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

export async function findCase(unit: StoreUnit, caseId: string): Promise<CaseTable | undefined> {
  return unit.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
}

/** The agency, role and state of a user a case may be assigned to. */
export async function officerOf(unit: StoreUnit, userId: string): Promise<{ agency_id: string; role: string; disabled: number } | undefined> {
  return unit.db.selectFrom('users').select(['agency_id', 'role', 'disabled']).where('id', '=', userId).executeTakeFirst();
}

/** Roles a case may be assigned to: those who manage cases. */
export const ASSIGNABLE_ROLES = ['protection_officer', 'supervisor'] as const;

/** The agency's active users a case may be assigned to, by name, with the open cases each carries. */
export async function assignableOfficers(unit: StoreUnit, agencyId: string): Promise<{ id: string; display_name: string; role: string; open_cases: number | string }[]> {
  return unit.db
    .selectFrom('users')
    .leftJoin('cases', (join) => join.onRef('cases.officer_id', '=', 'users.id').on('cases.stage', '<>', 'closed'))
    .select(({ fn }) => ['users.id', 'users.display_name', 'users.role', fn.count<number | string>('cases.id').as('open_cases')])
    .where('users.agency_id', '=', agencyId)
    .where('users.disabled', '=', 0)
    .where('users.role', 'in', [...ASSIGNABLE_ROLES])
    .groupBy(['users.id', 'users.display_name', 'users.role'])
    .orderBy('users.display_name')
    .orderBy('users.id')
    .execute();
}

/** A case waiting in the intake queue, with the person's row and where they were met. */
export type IntakeRow = PersonTable & {
  case_id: string;
  case_version: number;
  case_stage: string;
  encounter_type: string | null;
  encounter_place: string | null;
  encounter_occurred_at: string | null;
};

/** The agency's open cases no officer has yet (a record merged away has no case of its own). */
export async function intakeRows(unit: StoreUnit, agencyId: string): Promise<IntakeRow[]> {
  return unit.db
    .selectFrom('cases')
    .innerJoin('persons', 'persons.id', 'cases.person_id')
    .leftJoin('encounters', 'encounters.id', 'persons.encounter_id')
    .selectAll('persons')
    .select([
      'cases.id as case_id',
      'cases.version as case_version',
      'cases.stage as case_stage',
      'encounters.type as encounter_type',
      'encounters.place_name as encounter_place',
      'encounters.occurred_at as encounter_occurred_at',
    ])
    .where('cases.agency_id', '=', agencyId)
    .where('cases.officer_id', 'is', null)
    .where('cases.stage', '<>', 'closed')
    .where('persons.merged_into', 'is', null)
    .execute();
}

/**
 * The person's case moves to another agency (a take-over it accepted): unassigned there, as a new
 * version. Answers the case's id, or undefined when the person has none.
 */
export async function moveCaseToAgency(unit: StoreUnit, personId: string, agencyId: string, at: string): Promise<string | undefined> {
  const row = await unit.db.selectFrom('cases').select('id').where('person_id', '=', personId).executeTakeFirst();
  if (!row) return undefined;
  await unit.db
    .updateTable('cases')
    .set((eb) => ({ agency_id: agencyId, officer_id: null, version: eb('version', '+', 1), updated_at: at }))
    .where('id', '=', row.id)
    .execute();
  return row.id;
}

/** Moves the person's case to `stage` from any of `from`; with `newVersion`, an edit based on the version before is refused. */
export async function setCaseStageFrom(unit: StoreUnit, personId: string, stage: CaseStage, from: readonly CaseStage[], at: string, newVersion: boolean): Promise<void> {
  await unit.db
    .updateTable('cases')
    .set((eb) => ({ stage, updated_at: at, ...(newVersion ? { version: eb('version', '+', 1) } : {}) }))
    .where('person_id', '=', personId)
    .where('stage', 'in', [...from])
    .execute();
}

/** The person's consular choice, as a new version of the case (an edit based on the old one is refused). */
export async function setConsularChoice(unit: StoreUnit, personId: string, choice: CaseTable['consular_choice'], at: string): Promise<void> {
  await unit.db
    .updateTable('cases')
    .set((eb) => ({ consular_choice: choice, version: eb('version', '+', 1), updated_at: at }))
    .where('person_id', '=', personId)
    .execute();
}

export async function openDetentionOf(unit: StoreUnit, personId: string): Promise<{ id: string } | undefined> {
  return unit.db.selectFrom('detentions').select('id').where('person_id', '=', personId).where('until', 'is', null).executeTakeFirst();
}

export async function insertDetention(unit: StoreUnit, row: DetentionTable): Promise<void> {
  await unit.db.insertInto('detentions').values(row).execute();
}

export async function findDetention(unit: StoreUnit, personId: string, detentionId: string): Promise<DetentionTable | undefined> {
  return unit.db.selectFrom('detentions').selectAll().where('id', '=', detentionId).where('person_id', '=', personId).executeTakeFirst();
}

/** The person's detentions, the current one first, then the latest first. */
export async function detentionsOf(unit: StoreUnit, personId: string): Promise<DetentionTable[]> {
  const rows = await unit.db.selectFrom('detentions').selectAll().where('person_id', '=', personId).orderBy('since', 'desc').execute();
  return [...rows.filter((row) => row.until === null), ...rows.filter((row) => row.until !== null)];
}

/** The notifications sent to the person's consular post, the latest first. */
export async function consularNotificationsOf(unit: StoreUnit, personId: string): Promise<ConsularNotificationTable[]> {
  return unit.db.selectFrom('consular_notifications').selectAll().where('person_id', '=', personId).orderBy('sent_at', 'desc').execute();
}

export async function insertConsularNotification(unit: StoreUnit, row: ConsularNotificationTable): Promise<void> {
  await unit.db.insertInto('consular_notifications').values(row).execute();
}

/** A case of the list, with the person's row and the officer's name. */
export type CaseListRow = PersonTable & {
  case_id: string;
  case_stage: string;
  case_officer_id: string | null;
  case_risk_level: string | null;
  case_created_at: string;
  case_updated_at: string;
  officer_name: string | null;
};

/** The agency's cases, newest first: one stage, or every case not closed; assigned to a user, or to nobody. */
export async function caseListRows(
  unit: StoreUnit,
  agencyId: string,
  filter: { stage?: CaseStage | undefined; officer?: string | null | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<CaseListRow[]> {
  let query = unit.db
    .selectFrom('cases')
    .innerJoin('persons', 'persons.id', 'cases.person_id')
    .leftJoin('users', 'users.id', 'cases.officer_id')
    .selectAll('persons')
    .select([
      'cases.id as case_id',
      'cases.stage as case_stage',
      'cases.officer_id as case_officer_id',
      'cases.risk_level as case_risk_level',
      'cases.created_at as case_created_at',
      'cases.updated_at as case_updated_at',
      'users.display_name as officer_name',
    ])
    .where('cases.agency_id', '=', agencyId)
    .where('persons.merged_into', 'is', null);
  query = filter.stage ? query.where('cases.stage', '=', filter.stage) : query.where('cases.stage', '<>', 'closed');
  if (filter.officer === null) query = query.where('cases.officer_id', 'is', null);
  else if (filter.officer !== undefined) query = query.where('cases.officer_id', '=', filter.officer);
  if (cursor) {
    query = query.where((eb) =>
      eb.or([eb('cases.created_at', '<', cursor.at), eb.and([eb('cases.created_at', '=', cursor.at), eb('cases.id', '<', cursor.id)])]),
    );
  }
  return query.orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc').limit(limit).execute();
}

/** Where each case stands against its obligations (open, overdue, next deadline). */
export function obligationSummariesOf(unit: StoreUnit, personIds: readonly string[]): Promise<Map<string, ObligationSummary>> {
  return obligationSummaries(unit, personIds, unit.platform.clock());
}

/** Whether the person is detained now (a detention without an end). */
export async function isDetained(unit: StoreUnit, personId: string): Promise<boolean> {
  const open = await unit.db.selectFrom('detentions').select('id').where('person_id', '=', personId).where('until', 'is', null).executeTakeFirst();
  return open !== undefined;
}

/**
 * Opens the detention a guarded action decided once its guard cleared (the caller checked that
 * none is open): audited, and the case's obligations follow before the commit.
 */
export async function openDetention(unit: StoreUnit & { actor: { userId: string } }, personId: string, detention: { place: string; since: string; legalBasis: string }, at: string): Promise<string> {
  const id = randomUUID();
  await unit.db
    .insertInto('detentions')
    .values({
      id,
      person_id: personId,
      place: detention.place,
      since: new Date(detention.since).toISOString(),
      until: null,
      legal_basis: detention.legalBasis,
      recorded_by: unit.actor.userId,
      version: 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
  unit.record({ action: 'detention.create', recordType: 'detention', recordId: id, fields: ['place', 'since', 'legalBasis'] });
  unit.factsChanged([personId]);
  return id;
}

/** Closes every case (the retention benchmark's closed case files). */
export async function closeEveryCase(unit: StoreUnit): Promise<void> {
  await unit.db.updateTable('cases').set({ stage: 'closed' }).execute();
}

/** A purge: destroys these encrypted columns of the person's cases; answers how many rows had them. */
export async function eraseCasesOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('cases').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'cases', ids, columns);
  return ids.length;
}

/** A merge: the person's detentions and consular notifications follow them to `toPersonId`; answers the ids that moved, per table. */
export async function moveDetentionRecords(unit: StoreUnit, fromPersonId: string, toPersonId: string): Promise<{ detentions: string[]; consular_notifications: string[] }> {
  const detentions = (await unit.db.selectFrom('detentions').select('id').where('person_id', '=', fromPersonId).execute()).map((row) => row.id);
  if (detentions.length > 0) await unit.db.updateTable('detentions').set({ person_id: toPersonId }).where('id', 'in', detentions).execute();
  const consularNotifications = (await unit.db.selectFrom('consular_notifications').select('id').where('person_id', '=', fromPersonId).execute()).map((row) => row.id);
  if (consularNotifications.length > 0) await unit.db.updateTable('consular_notifications').set({ person_id: toPersonId }).where('id', 'in', consularNotifications).execute();
  return { detentions, consular_notifications: consularNotifications };
}

/** An unmerge: these detentions and consular notifications go back to `toPersonId`. */
export async function returnDetentionRecords(unit: StoreUnit, moved: { detentions?: readonly string[]; consular_notifications?: readonly string[] }, toPersonId: string): Promise<void> {
  if (moved.detentions && moved.detentions.length > 0) await unit.db.updateTable('detentions').set({ person_id: toPersonId }).where('id', 'in', [...moved.detentions]).execute();
  if (moved.consular_notifications && moved.consular_notifications.length > 0) await unit.db.updateTable('consular_notifications').set({ person_id: toPersonId }).where('id', 'in', [...moved.consular_notifications]).execute();
}

/** What a case history is built from, besides its handovers: the registration, screenings and the case's own changes. */
export interface CaseHistorySources {
  registered: { at: string; agencyId: string; userId: string } | undefined;
  screenings: { at: string; userId: string }[];
  changes: { at: string; userId: string | null; agencyId: string | null; fields: string[] }[];
}

export async function caseHistorySources(unit: StoreUnit, personId: string, caseId: string): Promise<CaseHistorySources> {
  const person = await unit.db.selectFrom('persons').select(['created_at', 'registering_agency_id', 'created_by']).where('id', '=', personId).executeTakeFirst();
  const screenings = await unit.db.selectFrom('screenings').select(['screened_at', 'screened_by']).where('person_id', '=', personId).orderBy('screened_at').execute();
  // The trail names the fields a change touched, never their values: enough to say what moved when.
  const events = await unit.db
    .selectFrom('audit_events')
    .select(['at', 'actor_user_id', 'actor_agency_id', 'fields'])
    .where('record_type', '=', 'case')
    .where('record_id', '=', caseId)
    .where('action', '=', 'case.update')
    .orderBy('seq')
    .execute();
  return {
    registered: person && { at: person.created_at, agencyId: person.registering_agency_id, userId: person.created_by },
    screenings: screenings.map((s) => ({ at: s.screened_at, userId: s.screened_by })),
    changes: events.map((e) => ({ at: e.at, userId: e.actor_user_id, agencyId: e.actor_agency_id, fields: JSON.parse(e.fields) as string[] })),
  };
}

/** Display names of users and names of agencies, by id. */
export async function namesById(unit: StoreUnit, userIds: readonly string[], agencyIds: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const users = [...new Set(userIds)];
  const agencies = [...new Set(agencyIds)];
  if (users.length > 0) for (const u of await unit.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', users).execute()) names.set(u.id, u.display_name);
  if (agencies.length > 0) for (const a of await unit.db.selectFrom('agencies').select(['id', 'name']).where('id', 'in', agencies).execute()) names.set(a.id, a.name);
  return names;
}
