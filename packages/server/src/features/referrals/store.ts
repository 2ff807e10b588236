import { randomUUID } from 'node:crypto';
import { ROLES, type FieldGroup, type ReferralLifecycleStatus } from '@haven/core';
import { sql } from 'kysely';
import type { Permission } from '../../platform/access/roles.js';
import { ROLE_POLICIES } from '../../platform/access/roles.js';
import type { Actor } from '../../platform/context.js';
import { lockForChain, type Queryable } from '../../platform/db/database.js';
import type { ConsentTable, ObligationTable, ReferralTable, ServiceGapTable } from '../../platform/db/schema.js';
import { forbidden, HttpProblem, notFound } from '../../platform/http/problem.js';
import type { ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { sidesOf, type ReferralSide } from './lifecycle.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

// ---- referrals --------------------------------------------------------------------------------

export async function insertReferralRow(unit: StoreUnit, row: ReferralTable): Promise<void> {
  await unit.db.insertInto('referrals').values(row).execute();
  unit.statsChanged([row.person_id]);
}

async function findReferralRow(unit: StoreUnit, id: string): Promise<ReferralTable | undefined> {
  return unit.db.selectFrom('referrals').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The sides the caller takes on a referral: 404 when their agency is neither the sender nor the
 * recipient (a draft is the sender's alone), 403 when it is but their role works with no referral.
 */
function sidesOrThrow(actor: Actor, row: ReferralTable): Set<ReferralSide> {
  const involved = actor.agencyId === row.from_agency_id || (actor.agencyId === row.to_agency_id && row.status !== 'draft');
  if (!involved) throw notFound('referral');
  const sides = sidesOf(actor, row);
  if (sides.size === 0) throw forbidden('Your role does not work with referrals.');
  return sides;
}

export interface ScopedReferral {
  row: ReferralTable;
  /** The sides the caller takes on it (never empty). */
  sides: Set<ReferralSide>;
}

/**
 * A referral reached by its id, as the caller's agency takes part in it: the one way to it, so
 * its scope (the sending and the receiving agency, by role) cannot be skipped.
 */
export async function referralInScope(unit: ScopedUnit, id: string): Promise<ScopedReferral> {
  const row = await findReferralRow(unit, id);
  if (!row) throw notFound('referral');
  return { row, sides: sidesOrThrow(unit.actor, row) };
}

/** Applies a change if the referral is still at the version read (else 409); answers the changed row. */
export async function updateReferralRow(unit: StoreUnit, row: ReferralTable, changes: Partial<ReferralTable>, at: string): Promise<ReferralTable> {
  await unit.updateVersioned({ table: 'referrals', id: row.id, version: row.version, set: changes, recordType: 'referral', at });
  // Every step of a referral moves the indicators (status, times, the provider's load).
  unit.statsChanged([row.person_id]);
  return (await findReferralRow(unit, row.id))!;
}

/** Referrals to the caller's agency in the given statuses, the earliest due first (no due date last). */
export async function inboxRows(unit: ScopedUnit, statuses: readonly ReferralLifecycleStatus[], limit: number): Promise<ReferralTable[]> {
  return unit.db
    .selectFrom('referrals')
    .selectAll()
    .where('to_agency_id', '=', unit.actor.agencyId)
    .where('status', 'in', [...statuses])
    .orderBy(sql`case when due_by is null then 1 else 0 end`)
    .orderBy('due_by')
    .orderBy('sent_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Every referral of a person, for the agency working on the case (404/403 otherwise). */
export async function caseReferralRows(unit: ScopedUnit, personId: string): Promise<ReferralTable[]> {
  await unit.caseGroups(personId);
  return unit.db.selectFrom('referrals').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

/** Referrals sent on the person's consent to a recipient for a purpose, and not ended (vital-interest ones aside). */
export async function liveConsentedReferralRows(unit: StoreUnit, personId: string, recipientAgencyId: string, purpose: string): Promise<ReferralTable[]> {
  return unit.db
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
export async function nextReference(unit: StoreUnit, year: number): Promise<string> {
  await lockForChain(unit.db, unit.platform.database.dialect, REFERENCE_LOCK);
  const prefix = `HVN-${year}-`;
  const last = await unit.db
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

/** What an access grant gives: an agency, some field groups of a person, because of a record. */
export interface AccessGrant {
  personId: string;
  agencyId: string;
  groups: readonly FieldGroup[];
  /** What the grant rests on (`referral`, `justice_link`): it ends with it. */
  sourceType: 'referral' | 'justice_link' | 'handover';
  sourceId: string;
  at: string;
  /** When the grant ends by itself (a handover's operational access); absent: until revoked. */
  expiresAt?: string;
}

/** Stores an access grant; answers its id. */
export async function grantAccess(unit: StoreUnit, grant: AccessGrant): Promise<string> {
  const id = randomUUID();
  await unit.db
    .insertInto('access_grants')
    .values({
      id,
      person_id: grant.personId,
      agency_id: grant.agencyId,
      field_groups: JSON.stringify(grant.groups),
      source_type: grant.sourceType,
      source_id: grant.sourceId,
      created_at: grant.at,
      revoked_at: null,
      expires_at: grant.expiresAt ?? null,
    })
    .execute();
  return id;
}

/** Ends the recipient's access through this referral; returns how many grants ended. */
export async function revokeAccess(unit: StoreUnit, referralId: string, at: string): Promise<number> {
  const result = await unit.db
    .updateTable('access_grants')
    .set({ revoked_at: at })
    .where('source_type', '=', 'referral')
    .where('source_id', '=', referralId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The groups this referral's live grant gives, or undefined when its access has ended. */
export async function liveGrantGroups(unit: StoreUnit, referralId: string): Promise<FieldGroup[] | undefined> {
  const rows = await unit.db
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

export async function insertConsentRow(unit: StoreUnit, row: ConsentTable): Promise<void> {
  await unit.db.insertInto('consents').values(row).execute();
}

export async function findConsentRow(unit: StoreUnit, id: string): Promise<ConsentTable | undefined> {
  return unit.db.selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * A consent reached by its id, for the agency working on the person's case. Consents are read by
 * that agency alone: to one that only sees the person (or not even that) it does not exist.
 */
export async function consentInScope(unit: ScopedUnit, id: string): Promise<ConsentTable> {
  const row = await findConsentRow(unit, id);
  if (!row) throw notFound('consent');
  await unit.caseGroups(row.person_id, 'consent').catch((error: unknown) => {
    throw error instanceof HttpProblem && error.status === 403 ? notFound('consent') : error;
  });
  return row;
}

/** The person's consent decisions, oldest first, for the agency working on the case (404/403 otherwise). */
export async function caseConsentRows(unit: ScopedUnit, personId: string): Promise<ConsentTable[]> {
  await unit.caseGroups(personId);
  return unit.db.selectFrom('consents').selectAll().where('person_id', '=', personId).orderBy('recorded_at').orderBy('id').execute();
}

const CAUTION: Readonly<Record<string, number>> = { withdrawn: 0, declined: 1, given: 2 };

/**
 * The person's latest decision for a recipient and purpose: it replaces every earlier one. Of two
 * recorded at the same instant, the more cautious (withdrawn, declined) wins.
 */
export async function latestConsentRow(unit: StoreUnit, personId: string, recipientAgencyId: string, purpose: string, lock = false): Promise<ConsentTable | undefined> {
  return (await consentDecisionRows(unit, personId, recipientAgencyId, purpose, lock))[0];
}

/**
 * Every decision of the person for a recipient and purpose, the latest first. `lock` (PostgreSQL)
 * holds them until the transaction ends, so a withdrawal waits for a send relying on them, or the
 * send sees the withdrawal.
 */
export async function consentDecisionRows(unit: StoreUnit, personId: string, recipientAgencyId: string, purpose: string, lock = false): Promise<ConsentTable[]> {
  let query = unit.db
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

/** Withdraws a given consent if it is still at the version read (a consent changes only by its withdrawal), else 409. */
export async function withdrawConsentRow(unit: StoreUnit, row: Pick<ConsentTable, 'id' | 'version'>, at: string): Promise<void> {
  await unit.updateVersioned({ table: 'consents', id: row.id, version: row.version, set: { status: 'withdrawn', withdrawn_at: at }, recordType: 'consent' });
}

// ---- what the referral serves -----------------------------------------------------------------

/** Open obligations of a person (overdue ones included: overdue is open past dueBy). */
export async function openObligationRows(unit: StoreUnit, personId: string): Promise<Pick<ObligationTable, 'code' | 'due_by' | 'fulfilled_by'>[]> {
  return unit.db.selectFrom('obligations').select(['code', 'due_by', 'fulfilled_by']).where('person_id', '=', personId).where('status', '=', 'open').orderBy('code').execute();
}

// ---- agencies and people to tell --------------------------------------------------------------

/** Active users of an agency whose role has a permission. */
export async function agencyUsersWith(unit: StoreUnit, agencyId: string, permission: Permission): Promise<string[]> {
  const roles = ROLES.filter((role) => ROLE_POLICIES[role].permissions.includes(permission));
  if (roles.length === 0) return [];
  const rows = await unit.db.selectFrom('users').select('id').where('agency_id', '=', agencyId).where('role', 'in', roles).where('disabled', '=', 0).execute();
  return rows.map((r) => r.id);
}

export async function isActiveUser(unit: StoreUnit, userId: string): Promise<boolean> {
  const row = await unit.db.selectFrom('users').select('id').where('id', '=', userId).where('disabled', '=', 0).executeTakeFirst();
  return row !== undefined;
}

/** The e-mail addresses of these users, of those who have one. */
export async function emailsOf(unit: StoreUnit, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await unit.db.selectFrom('users').select('email').where('id', 'in', [...userIds]).where('email', 'is not', null).execute();
  return rows.map((r) => r.email!);
}

export async function agencyNames(unit: StoreUnit, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await unit.db.selectFrom('agencies').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function agencyExists(unit: StoreUnit, id: string): Promise<boolean> {
  return (await unit.db.selectFrom('agencies').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** The area an agency works in, if it has one. */
export async function agencyArea(unit: StoreUnit, id: string): Promise<string | undefined> {
  return (await unit.db.selectFrom('agencies').select('area').where('id', '=', id).executeTakeFirst())?.area ?? undefined;
}

/** A purge: destroys these encrypted columns of the person's referrals; answers how many rows had them. */
export async function eraseReferralsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('referrals').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'referrals', ids, columns);
  return ids.length;
}

/** Nobody reads a purged record through a referral any more: every live grant to the person ends. */
export async function revokeGrantsOf(unit: StoreUnit, personId: string, at: string): Promise<void> {
  await unit.db.updateTable('access_grants').set({ revoked_at: at }).where('person_id', '=', personId).where('revoked_at', 'is', null).execute();
}

/** A merge: the person's referrals and consents follow them to `toPersonId`; answers the ids that moved, per table. */
export async function moveReferralRecords(unit: StoreUnit, fromPersonId: string, toPersonId: string): Promise<{ referrals: string[]; consents: string[]; service_gaps: string[] }> {
  const referrals = (await unit.db.selectFrom('referrals').select('id').where('person_id', '=', fromPersonId).execute()).map((row) => row.id);
  if (referrals.length > 0) await unit.db.updateTable('referrals').set({ person_id: toPersonId }).where('id', 'in', referrals).execute();
  const consents = (await unit.db.selectFrom('consents').select('id').where('person_id', '=', fromPersonId).execute()).map((row) => row.id);
  if (consents.length > 0) await unit.db.updateTable('consents').set({ person_id: toPersonId }).where('id', 'in', consents).execute();
  const serviceGaps = (await unit.db.selectFrom('service_gaps').select('id').where('person_id', '=', fromPersonId).execute()).map((row) => row.id);
  if (serviceGaps.length > 0) await unit.db.updateTable('service_gaps').set({ person_id: toPersonId }).where('id', 'in', serviceGaps).execute();
  return { referrals, consents, service_gaps: serviceGaps };
}

/** An unmerge: these referrals and consents go back to `toPersonId`. */
export async function returnReferralRecords(unit: StoreUnit, moved: { referrals?: readonly string[]; consents?: readonly string[]; service_gaps?: readonly string[] }, toPersonId: string): Promise<void> {
  if (moved.referrals && moved.referrals.length > 0) await unit.db.updateTable('referrals').set({ person_id: toPersonId }).where('id', 'in', [...moved.referrals]).execute();
  if (moved.consents && moved.consents.length > 0) await unit.db.updateTable('consents').set({ person_id: toPersonId }).where('id', 'in', [...moved.consents]).execute();
  if (moved.service_gaps && moved.service_gaps.length > 0) await unit.db.updateTable('service_gaps').set({ person_id: toPersonId }).where('id', 'in', [...moved.service_gaps]).execute();
}

// ---- service gaps -----------------------------------------------------------------------------

export async function insertServiceGapRow(unit: StoreUnit, row: ServiceGapTable): Promise<void> {
  await unit.db.insertInto('service_gaps').values(row).execute();
}

/** A gap with the display name of the officer who recorded it. */
export type ServiceGapRow = ServiceGapTable & { recorded_by_name: string };

/** Gaps recorded by an agency, latest first, optionally of one person. */
export async function serviceGapRows(unit: StoreUnit, filter: { agencyId: string; personId?: string | undefined; limit: number }): Promise<ServiceGapRow[]> {
  let query = unit.db
    .selectFrom('service_gaps as g')
    .innerJoin('users as u', 'u.id', 'g.recorded_by')
    .selectAll('g')
    .select('u.display_name as recorded_by_name')
    .where('g.agency_id', '=', filter.agencyId);
  if (filter.personId !== undefined) query = query.where('g.person_id', '=', filter.personId);
  return query.orderBy('g.recorded_at', 'desc').orderBy('g.id').limit(filter.limit).execute();
}

/** A purge: destroys the notes of the person's service gaps (what was missing, where and when stays: it is counted). */
export async function eraseServiceGapsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('service_gaps').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'service_gaps', ids, columns);
  return ids.length;
}

export async function userDisplayName(unit: StoreUnit, userId: string): Promise<string | undefined> {
  return (await unit.db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirst())?.display_name;
}

/** Whether an area is one the jurisdiction knows: an agency's, a provider's or a pathway's. */
export async function isKnownArea(unit: StoreUnit, area: string): Promise<boolean> {
  const [agency, provider, pathway] = await Promise.all([
    unit.db.selectFrom('agencies').select('id').where('area', '=', area).limit(1).executeTakeFirst(),
    unit.db.selectFrom('service_providers').select('id').where('area', '=', area).limit(1).executeTakeFirst(),
    unit.db.selectFrom('referral_pathways').select('id').where('area', '=', area).limit(1).executeTakeFirst(),
  ]);
  return agency !== undefined || provider !== undefined || pathway !== undefined;
}
