import { type AccessChange, type AccessChangeStatus, type Role } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { Queryable } from '../../platform/db/database.js';
import type { AccessChangeTable } from '../../platform/db/schema.js';
import { conflict, HttpProblem, notFound } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import { applyUserChanges } from './accounts.js';
import { accessChangeRows, accessChangeViews, decidePendingAccessChange, findAccessChange, findUser, latestAccessChangeRows } from './store.js';

// Four eyes: a change of an account's access to personal data that one administrator asked for
// (accounts.ts records it) takes effect only when a second administrator approves it.

const REASON_PLACE = (id: string) => placeOf('access_changes', 'refusal_reason_enc', id);

function reasonOpener(cipher: FieldCipher) {
  return (row: AccessChangeTable) => (row.refusal_reason_enc === null ? null : cipher.decrypt(row.refusal_reason_enc, REASON_PLACE(row.id)));
}

function secondAdministratorRequired(detail: string): HttpProblem {
  return new HttpProblem('second-administrator-required', detail);
}

/** The change, still pending, that the caller may decide: never its requester, never the account it changes. */
async function pendingToDecide(q: Queryable, id: string, deciderId: string): Promise<AccessChangeTable> {
  const change = await findAccessChange(q, id);
  if (!change) throw notFound('access change');
  if (change.status !== 'pending') throw conflict('access-change-decided', `This access change is already ${change.status}.`, { status: change.status });
  if (change.requested_by === deciderId) {
    throw secondAdministratorRequired('You requested this change: another administrator approves or refuses it (you may withdraw it).');
  }
  if (change.user_id === deciderId) throw secondAdministratorRequired('This change is to your own account: another administrator approves or refuses it.');
  return change;
}

/**
 * Ends a pending change, conditional on it still being pending: of two administrators deciding at
 * once, the second finds it decided (on PostgreSQL it waits for the first's row lock, then sees it).
 */
async function decide(q: Queryable, change: AccessChangeTable, status: Exclude<AccessChangeStatus, 'pending'>, deciderId: string, at: string, reasonEnc: string | null = null): Promise<void> {
  if (!(await decidePendingAccessChange(q, change.id, { status, decided_by: deciderId, decided_at: at, refusal_reason_enc: reasonEnc }))) {
    const now = await findAccessChange(q, change.id);
    throw conflict('access-change-decided', `This access change is already ${now?.status ?? 'decided'}.`, { status: now?.status });
  }
}

async function viewOf(q: Queryable, cipher: FieldCipher, id: string): Promise<AccessChange> {
  return (await accessChangeViews(q, [(await findAccessChange(q, id))!], reasonOpener(cipher)))[0]!;
}

/**
 * Applies an approved change in the approver's transaction, with the rules every change of an
 * account obeys (applyUserChanges). If the account changed since the request, its role and agency
 * must still be what the request started from: otherwise the approver would be approving a change
 * nobody asked for, and it is refused with 409 instead of applied.
 */
async function applyApproved(unit: ScopedUnit, change: AccessChangeTable, now: Date): Promise<void> {
  const account = await findUser(unit.db, change.user_id);
  if (!account) throw notFound('user');
  if (account.version !== change.user_version) {
    const expectedRole = change.kind === 'create' ? change.role_to : change.role_from;
    const expectedAgency = change.kind === 'create' ? change.agency_to : change.agency_from;
    if (account.role !== expectedRole || account.agency_id !== expectedAgency) {
      throw conflict(
        'access-change-outdated',
        `The account's role or agency changed since this was requested (it is now ${account.role}); refuse this change, or let its requester withdraw it and ask again.`,
        { accessChangeId: change.id },
      );
    }
  }
  if (change.kind === 'create') {
    await unit.updateVersioned({ table: 'users', id: account.id, version: account.version, set: { approved: 1 }, recordType: 'user', at: now.toISOString() });
    unit.record({ action: 'user.update', recordType: 'user', recordId: account.id, fields: ['approved'] });
    return;
  }
  await applyUserChanges(
    unit.db,
    (event) => unit.record(event),
    account,
    {
      ...(change.role_to !== change.role_from ? { role: change.role_to as Role } : {}),
      ...(change.agency_to !== change.agency_from ? { agencyId: change.agency_to } : {}),
      ...(change.password_hash !== null ? { passwordHash: change.password_hash } : {}),
      ...(change.reset_second_factor === 1 ? { resetSecondFactor: true } : {}),
    },
    now,
  );
}

/** A second administrator approves: the change takes effect now, in this transaction. */
export async function approveAccessChange(store: ScopedStore, id: string): Promise<AccessChange> {
  const now = store.platform.clock();
  return store.unit(async (unit) => {
    const change = await pendingToDecide(unit.db, id, unit.actor.userId);
    await decide(unit.db, change, 'approved', unit.actor.userId, now.toISOString());
    await applyApproved(unit, change, now);
    unit.record({ action: 'access_change.approved', recordType: 'access_change', recordId: id });
    return viewOf(unit.db, unit.platform.cipher, id);
  });
}

/** A second administrator refuses, in writing: nothing changes (an account created for it never signs in). */
export async function refuseAccessChange(store: ScopedStore, id: string, reason: string): Promise<AccessChange> {
  const { cipher } = store.platform;
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    const change = await pendingToDecide(unit.db, id, unit.actor.userId);
    await decide(unit.db, change, 'refused', unit.actor.userId, at, cipher.encrypt(reason, REASON_PLACE(id)));
    unit.record({ action: 'access_change.refused', recordType: 'access_change', recordId: id, fields: ['reason'] });
    return viewOf(unit.db, cipher, id);
  });
}

/** Its requester takes the request back: nothing changes. */
export async function withdrawAccessChange(store: ScopedStore, id: string): Promise<AccessChange> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    const change = await findAccessChange(unit.db, id);
    if (!change) throw notFound('access change');
    if (change.status !== 'pending') throw conflict('access-change-decided', `This access change is already ${change.status}.`, { status: change.status });
    if (change.requested_by !== unit.actor.userId) {
      throw new HttpProblem('not-the-requester', 'Only the administrator who requested this change may withdraw it; another administrator refuses it instead.');
    }
    await decide(unit.db, change, 'withdrawn', unit.actor.userId, at);
    unit.record({ action: 'access_change.withdrawn', recordType: 'access_change', recordId: id });
    return viewOf(unit.db, unit.platform.cipher, id);
  });
}

/** Access changes, pending first, then the latest decided: what administrators review. */
export async function listAccessChanges(store: ScopedStore, status: AccessChangeStatus | undefined, limit: number): Promise<AccessChange[]> {
  const { db } = store.platform.database;
  return accessChangeViews(db, await accessChangeRows(db, status, limit), reasonOpener(store.platform.cipher));
}

/**
 * Access changes for the oversight queue, latest first (by decision, or request while pending),
 * read in the caller's transaction: who asked, who decided, which account, from and to what.
 */
export async function accessChangesForOversight(q: Queryable, cipher: FieldCipher, limit: number): Promise<{ at: string; change: AccessChange }[]> {
  const rows = await latestAccessChangeRows(q, limit);
  return (await accessChangeViews(q, rows, reasonOpener(cipher))).map((change) => ({ at: change.decidedAt ?? change.requestedAt, change }));
}
