import { randomUUID } from 'node:crypto';
import { ROLES, type FieldGroup, type ReferralLifecycleStatus } from '@haven/core';
import { sql } from 'kysely';
import type { Permission } from '../../platform/access/roles.js';
import { ROLE_POLICIES } from '../../platform/access/roles.js';
import { lockForChain, type Dialect, type Queryable, type Tx } from '../../platform/db/database.js';
import type { ConsentTable, ObligationTable, ReferralTable } from '../../platform/db/schema.js';
import { restatePersonStats } from '../stats/rollup.js';

// ---- referrals --------------------------------------------------------------------------------

export async function insertReferralRow(q: Queryable, row: ReferralTable): Promise<void> {
  await q.insertInto('referrals').values(row).execute();
  await restatePersonStats(q, [row.person_id]);
}

export async function findReferralRow(q: Queryable, id: string): Promise<ReferralTable | undefined> {
  return q.selectFrom('referrals').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Applies a change only if the row is still at `expectedVersion`; false when it was not. */
export async function updateReferralRow(q: Queryable, id: string, expectedVersion: number, changes: Partial<ReferralTable>, at: string): Promise<boolean> {
  const result = await q
    .updateTable('referrals')
    .set({ ...changes, version: expectedVersion + 1, updated_at: at })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  // Every step of a referral moves the indicators (status, times, the provider's load).
  const moved = await q.selectFrom('referrals').select('person_id').where('id', '=', id).executeTakeFirstOrThrow();
  await restatePersonStats(q, [moved.person_id]);
  return true;
}

/** Referrals to an agency in the given statuses, the earliest due first (no due date last). */
export async function inboxRows(q: Queryable, agencyId: string, statuses: readonly ReferralLifecycleStatus[], limit: number): Promise<ReferralTable[]> {
  return q
    .selectFrom('referrals')
    .selectAll()
    .where('to_agency_id', '=', agencyId)
    .where('status', 'in', [...statuses])
    .orderBy(sql`case when due_by is null then 1 else 0 end`)
    .orderBy('due_by')
    .orderBy('sent_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function referralRowsOfPerson(q: Queryable, personId: string): Promise<ReferralTable[]> {
  return q.selectFrom('referrals').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

/** Referrals sent on the person's consent to a recipient for a purpose, and not ended (vital-interest ones aside). */
export async function liveConsentedReferralRows(q: Queryable, personId: string, recipientAgencyId: string, purpose: string): Promise<ReferralTable[]> {
  return q
    .selectFrom('referrals')
    .selectAll()
    .where('person_id', '=', personId)
    .where('to_agency_id', '=', recipientAgencyId)
    .where('service_type', '=', purpose)
    .where('consent_id', 'is not', null)
    .where('status', 'in', ['sent', 'accepted', 'in_progress', 'completed'])
    .execute();
}

const REFERENCE_LOCK = 0x4856_4e52; // "HVNR": numbering referrals, one at a time

/**
 * The next reference of the year, `HVN-2026-00042`: numbered under a lock (PostgreSQL; SQLite
 * admits one writer) so two referrals never get the same one; the unique key backs it up.
 */
export async function nextReference(trx: Tx, dialect: Dialect, year: number): Promise<string> {
  await lockForChain(trx, dialect, REFERENCE_LOCK);
  const prefix = `HVN-${year}-`;
  const last = await trx
    .selectFrom('referrals')
    .select('reference')
    .where('reference', 'like', `${prefix}%`)
    .orderBy(sql`length(reference)`, 'desc')
    .orderBy('reference', 'desc')
    .limit(1)
    .executeTakeFirst();
  const number = last ? Number(last.reference.slice(prefix.length)) + 1 : 1;
  return `${prefix}${String(number).padStart(5, '0')}`;
}

// ---- access grants: what the recipient may read ------------------------------------------------

export async function grantAccess(q: Queryable, referral: ReferralTable, groups: readonly FieldGroup[], at: string): Promise<void> {
  await q
    .insertInto('access_grants')
    .values({
      id: randomUUID(),
      person_id: referral.person_id,
      agency_id: referral.to_agency_id,
      field_groups: JSON.stringify(groups),
      source_type: 'referral',
      source_id: referral.id,
      created_at: at,
      revoked_at: null,
    })
    .execute();
}

/** Ends the recipient's access through this referral; returns how many grants ended. */
export async function revokeAccess(q: Queryable, referralId: string, at: string): Promise<number> {
  const result = await q
    .updateTable('access_grants')
    .set({ revoked_at: at })
    .where('source_type', '=', 'referral')
    .where('source_id', '=', referralId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The groups this referral's live grant gives, or undefined when its access has ended. */
export async function liveGrantGroups(q: Queryable, referralId: string): Promise<FieldGroup[] | undefined> {
  const rows = await q
    .selectFrom('access_grants')
    .select('field_groups')
    .where('source_type', '=', 'referral')
    .where('source_id', '=', referralId)
    .where('revoked_at', 'is', null)
    .execute();
  if (rows.length === 0) return undefined;
  return [...new Set(rows.flatMap((r) => JSON.parse(r.field_groups) as FieldGroup[]))];
}

/** Whether an agency holds, or held, an access grant to a person (a referral or another sharing). */
export async function everGranted(q: Queryable, agencyId: string, personId: string): Promise<boolean> {
  const row = await q.selectFrom('access_grants').select('id').where('agency_id', '=', agencyId).where('person_id', '=', personId).executeTakeFirst();
  return row !== undefined;
}

// ---- consents ---------------------------------------------------------------------------------

export async function insertConsentRow(q: Queryable, row: ConsentTable): Promise<void> {
  await q.insertInto('consents').values(row).execute();
}

export async function findConsentRow(q: Queryable, id: string): Promise<ConsentTable | undefined> {
  return q.selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function consentRowsOfPerson(q: Queryable, personId: string): Promise<ConsentTable[]> {
  return q.selectFrom('consents').selectAll().where('person_id', '=', personId).orderBy('recorded_at').orderBy('id').execute();
}

const CAUTION: Readonly<Record<string, number>> = { withdrawn: 0, declined: 1, given: 2 };

/**
 * The person's latest decision for a recipient and purpose: it replaces every earlier one. Of two
 * recorded at the same instant, the more cautious (withdrawn, declined) wins.
 */
export async function latestConsentRow(q: Queryable, personId: string, recipientAgencyId: string, purpose: string, lock = false): Promise<ConsentTable | undefined> {
  return (await consentDecisionRows(q, personId, recipientAgencyId, purpose, lock))[0];
}

/**
 * Every decision of the person for a recipient and purpose, the latest first. `lock` (PostgreSQL)
 * holds them until the transaction ends, so a withdrawal waits for a send relying on them, or the
 * send sees the withdrawal.
 */
export async function consentDecisionRows(q: Queryable, personId: string, recipientAgencyId: string, purpose: string, lock = false): Promise<ConsentTable[]> {
  let query = q
    .selectFrom('consents')
    .selectAll()
    .where('person_id', '=', personId)
    .where('recipient_agency_id', '=', recipientAgencyId)
    .where('purpose', '=', purpose);
  if (lock) query = query.forUpdate();
  const rows = await query.execute();
  // A withdrawal counts from when it happened, not from when the consent was first recorded.
  const decidedAt = (c: ConsentTable) => c.withdrawn_at ?? c.recorded_at;
  return rows.sort((a, b) => (decidedAt(a) === decidedAt(b) ? (CAUTION[a.status] ?? 0) - (CAUTION[b.status] ?? 0) : decidedAt(a) > decidedAt(b) ? -1 : 1));
}

export async function withdrawConsentRow(q: Queryable, id: string, expectedVersion: number, at: string): Promise<boolean> {
  const result = await q
    .updateTable('consents')
    .set({ status: 'withdrawn', withdrawn_at: at, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('status', '=', 'given')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- what the referral serves -----------------------------------------------------------------

/** Open obligations of a person (overdue ones included: overdue is open past dueBy). */
export async function openObligationRows(q: Queryable, personId: string): Promise<Pick<ObligationTable, 'code' | 'due_by' | 'fulfilled_by'>[]> {
  return q.selectFrom('obligations').select(['code', 'due_by', 'fulfilled_by']).where('person_id', '=', personId).where('status', '=', 'open').orderBy('code').execute();
}

// ---- people to tell ---------------------------------------------------------------------------

/** Active users of an agency whose role has a permission. */
export async function agencyUsersWith(q: Queryable, agencyId: string, permission: Permission): Promise<string[]> {
  const roles = ROLES.filter((role) => ROLE_POLICIES[role].permissions.includes(permission));
  if (roles.length === 0) return [];
  const rows = await q.selectFrom('users').select('id').where('agency_id', '=', agencyId).where('role', 'in', roles).where('disabled', '=', 0).execute();
  return rows.map((r) => r.id);
}

export async function isActiveUser(q: Queryable, userId: string): Promise<boolean> {
  const row = await q.selectFrom('users').select('id').where('id', '=', userId).where('disabled', '=', 0).executeTakeFirst();
  return row !== undefined;
}

/** In-app notifications (the notifications table has no referral column: they name the person). */
export async function notify(q: Queryable, userIds: readonly string[], kind: string, personId: string, at: string): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await q
    .insertInto('notifications')
    .values(unique.map((userId) => ({ id: randomUUID(), user_id: userId, kind, obligation_id: null, person_id: personId, created_at: at, read_at: null })))
    .execute();
}

export async function agencyNames(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await q.selectFrom('agencies').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
