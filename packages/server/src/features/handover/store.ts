import type { HandoverTable } from '../../platform/db/schema.js';
import type { Queryable } from '../../platform/db/database.js';
import type { StoreUnit } from '../../store/unit.js';

/** An agency as the handover rules name it. */
export interface AgencyByName {
  id: string;
  name: string;
  type: string;
  area: string | null;
}

/** Every agency (a short list): the rules name agencies, registrations are by id. */
export async function agencies(q: Queryable): Promise<AgencyByName[]> {
  return q.selectFrom('agencies').select(['id', 'name', 'type', 'area']).execute();
}

export async function insertHandovers(unit: StoreUnit, rows: readonly HandoverTable[]): Promise<void> {
  if (rows.length > 0) await unit.db.insertInto('handovers').values([...rows]).execute();
}

/** The person's handovers, oldest first. */
export async function handoversOf(unit: StoreUnit, personId: string): Promise<HandoverTable[]> {
  return unit.db.selectFrom('handovers').selectAll().where('person_id', '=', personId).orderBy('handed_over_at').orderBy('id').execute();
}

/** When each of these persons' handovers to the agency, not yet taken up, must be taken up. */
export async function pendingTakeUps(unit: StoreUnit, agencyId: string, personIds: readonly string[]): Promise<Map<string, string>> {
  const deadlines = new Map<string, string>();
  for (let at = 0; at < personIds.length; at += 500) {
    const rows = await unit.db
      .selectFrom('handovers')
      .select(['person_id', 'take_up_by'])
      .where('to_agency_id', '=', agencyId)
      .where('taken_up_at', 'is', null)
      .where('person_id', 'in', personIds.slice(at, at + 500))
      .execute();
    for (const row of rows) {
      const earlier = deadlines.get(row.person_id);
      if (earlier === undefined || row.take_up_by < earlier) deadlines.set(row.person_id, row.take_up_by);
    }
  }
  return deadlines;
}

/** Marks the person's handovers to this agency not yet taken up as taken up by the officer; answers how many. */
export async function markTakenUp(unit: StoreUnit, personId: string, agencyId: string, officerId: string, at: string): Promise<number> {
  const result = await unit.db
    .updateTable('handovers')
    .set({ taken_up_at: at, taken_up_by: officerId })
    .where('person_id', '=', personId)
    .where('to_agency_id', '=', agencyId)
    .where('taken_up_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Handovers past their take-up deadline, not taken up, whose receiving agency was not yet told. */
export async function overdueHandovers(unit: StoreUnit, now: string, limit: number): Promise<Pick<HandoverTable, 'id' | 'person_id' | 'to_agency_id'>[]> {
  return unit.db
    .selectFrom('handovers')
    .select(['id', 'person_id', 'to_agency_id'])
    .where('taken_up_at', 'is', null)
    .where('take_up_by', '<', now)
    .where('overdue_notified_at', 'is', null)
    .orderBy('take_up_by')
    .limit(limit)
    .execute();
}

/** Claims the overdue notice of a handover: true for exactly one process. */
export async function claimOverdueNotice(unit: StoreUnit, id: string, at: string): Promise<boolean> {
  const result = await unit.db
    .updateTable('handovers')
    .set({ overdue_notified_at: at })
    .where('id', '=', id)
    .where('overdue_notified_at', 'is', null)
    .where('taken_up_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The supervisors (active) of an agency. */
export async function activeSupervisorsOf(unit: StoreUnit, agencyId: string): Promise<string[]> {
  const rows = await unit.db.selectFrom('users').select('id').where('agency_id', '=', agencyId).where('role', '=', 'supervisor').where('disabled', '=', 0).execute();
  return rows.map((row) => row.id);
}

/** Names of users and agencies, for a history that shows names, not ids. */
export async function namesOf(unit: StoreUnit, userIds: readonly string[], agencyIds: readonly string[]): Promise<{ users: Map<string, string>; agencies: Map<string, string> }> {
  const users = userIds.length === 0 ? [] : await unit.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', [...new Set(userIds)]).execute();
  const agencyRows = agencyIds.length === 0 ? [] : await unit.db.selectFrom('agencies').select(['id', 'name']).where('id', 'in', [...new Set(agencyIds)]).execute();
  return { users: new Map(users.map((u) => [u.id, u.display_name])), agencies: new Map(agencyRows.map((a) => [a.id, a.name])) };
}
