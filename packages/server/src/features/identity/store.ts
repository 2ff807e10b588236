import { randomUUID } from 'node:crypto';
import type { AccessChange, AccessChangeStatus, AgencyType, AgencyView, NamedUser, Role, UserView } from '@haven/core';
import { sql } from 'kysely';
import type { Queryable } from '../../platform/db/database.js';
import type { AccessChangeTable, AgencyTable, ApiTokenTable, ConductAcceptanceTable, ConductVersionTable, SettingTable, UserTable } from '../../platform/db/schema.js';

export async function findUserByUsername(q: Queryable, username: string): Promise<UserTable | undefined> {
  return q.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findUser(q: Queryable, id: string): Promise<UserTable | undefined> {
  return q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAgency(q: Queryable, id: string): Promise<AgencyTable | undefined> {
  return q.selectFrom('agencies').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertAgency(q: Queryable, agency: AgencyTable): Promise<void> {
  await q.insertInto('agencies').values(agency).execute();
}

export async function insertUser(q: Queryable, user: UserTable): Promise<void> {
  await q.insertInto('users').values(user).execute();
}

export type { UserView } from '@haven/core';

/** The user as administrators see it, without its pending change (see withPendingChanges). */
export function userView(row: UserTable): UserView {
  return {
    id: row.id,
    agencyId: row.agency_id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    role: row.role as Role,
    totpEnabled: row.totp_enabled === 1,
    disabled: row.disabled === 1,
    approved: row.approved === 1,
    pendingChange: null,
    lockedUntil: row.locked_until,
    mustChangePassword: row.must_change_password === 1,
    version: row.version,
    createdAt: row.created_at,
  };
}

export type { AgencyView } from '@haven/core';

export function agencyView(row: AgencyTable): AgencyView {
  return { id: row.id, name: row.name, type: row.type as AgencyType, area: row.area, version: row.version, createdAt: row.created_at };
}

export async function insertAccessChange(q: Queryable, change: AccessChangeTable): Promise<void> {
  await q.insertInto('access_changes').values(change).execute();
}

export async function findAccessChange(q: Queryable, id: string): Promise<AccessChangeTable | undefined> {
  return q.selectFrom('access_changes').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The change of the account's access awaiting a second administrator (at most one). */
export async function findPendingAccessChange(q: Queryable, userId: string): Promise<AccessChangeTable | undefined> {
  return q.selectFrom('access_changes').selectAll().where('user_id', '=', userId).where('status', '=', 'pending').executeTakeFirst();
}

/**
 * Access changes as administrators and the oversight body see them: every account and agency by
 * name. `refusalReason` opens the stored reason (the callers that show it hold the cipher).
 */
export async function accessChangeViews(
  q: Queryable,
  rows: readonly AccessChangeTable[],
  refusalReason: (row: AccessChangeTable) => string | null = () => null,
): Promise<AccessChange[]> {
  if (rows.length === 0) return [];
  const userIds = [...new Set(rows.flatMap((r) => [r.user_id, r.requested_by, ...(r.decided_by ? [r.decided_by] : [])]))];
  const agencyIds = [...new Set(rows.flatMap((r) => [r.agency_to, ...(r.agency_from ? [r.agency_from] : [])]))];
  const users = new Map(
    (await q.selectFrom('users').select(['id', 'username', 'display_name']).where('id', 'in', userIds).execute()).map((u): [string, NamedUser] => [
      u.id,
      { id: u.id, username: u.username, displayName: u.display_name },
    ]),
  );
  const agencies = new Map((await q.selectFrom('agencies').select(['id', 'name']).where('id', 'in', agencyIds).execute()).map((a) => [a.id, { id: a.id, name: a.name }]));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as AccessChange['kind'],
    status: r.status as AccessChangeStatus,
    account: users.get(r.user_id)!,
    requestedBy: users.get(r.requested_by)!,
    requestedAt: r.requested_at,
    roleFrom: r.role_from as Role | null,
    roleTo: r.role_to as Role,
    agencyFrom: r.agency_from ? agencies.get(r.agency_from)! : null,
    agencyTo: agencies.get(r.agency_to)!,
    setsPassword: r.password_hash !== null,
    resetsSecondFactor: r.reset_second_factor === 1,
    decidedBy: r.decided_by ? users.get(r.decided_by)! : null,
    decidedAt: r.decided_at,
    refusalReason: r.status === 'refused' ? refusalReason(r) : null,
  }));
}

/** The users with the change of access each awaits, if any. */
export async function withPendingChanges(q: Queryable, users: readonly UserView[]): Promise<UserView[]> {
  if (users.length === 0) return [];
  let pending = q.selectFrom('access_changes').selectAll().where('status', '=', 'pending');
  // One account: its own pending change; a list: every pending change (few at any time).
  if (users.length === 1) pending = pending.where('user_id', '=', users[0]!.id);
  const byUser = new Map((await accessChangeViews(q, await pending.execute())).map((change) => [change.account.id, change]));
  return users.map((user) => ({ ...user, pendingChange: byUser.get(user.id) ?? null }));
}

export async function findSetting(q: Queryable, key: string): Promise<SettingTable | undefined> {
  return q.selectFrom('settings').selectAll().where('key', '=', key).executeTakeFirst();
}

/** Writes a setting over the version read (0: none yet); false when someone else wrote it meanwhile. */
export async function writeSetting(q: Queryable, row: Omit<SettingTable, 'version'>, readVersion: number): Promise<boolean> {
  if (readVersion === 0) {
    await q.insertInto('settings').values({ ...row, version: 1 }).execute();
    return true;
  }
  const { key, ...set } = row;
  const updated = await q.updateTable('settings').set({ ...set, version: readVersion + 1 }).where('key', '=', key).where('version', '=', readVersion).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function findConductVersion(q: Queryable, version: number): Promise<ConductVersionTable> {
  return q.selectFrom('conduct_versions').selectAll().where('version', '=', version).executeTakeFirstOrThrow();
}

export async function insertConductVersion(q: Queryable, row: ConductVersionTable): Promise<void> {
  await q.insertInto('conduct_versions').values(row).execute();
}

/** When the user accepted this version of the code of conduct, if they did. */
export async function findConductAcceptance(q: Queryable, userId: string, version: number): Promise<ConductAcceptanceTable | undefined> {
  return q.selectFrom('conduct_acceptances').selectAll().where('user_id', '=', userId).where('version', '=', version).executeTakeFirst();
}

export async function insertConductAcceptance(q: Queryable, row: ConductAcceptanceTable): Promise<void> {
  await q.insertInto('conduct_acceptances').values(row).execute();
}

export async function insertApiToken(q: Queryable, row: ApiTokenTable): Promise<void> {
  await q.insertInto('api_tokens').values(row).execute();
}

/** The user's API tokens, the latest first. */
export async function apiTokensOf(q: Queryable, userId: string): Promise<ApiTokenTable[]> {
  return q.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
}

/** Revokes one of the user's tokens still in force; false when the user has no such token. */
export async function revokeOwnApiToken(q: Queryable, userId: string, id: string, at: string): Promise<boolean> {
  const result = await q.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Ends a pending access change, conditional on it still being pending; false when another
 * administrator decided it first (on PostgreSQL this waits for their row lock, then sees it).
 */
export async function decidePendingAccessChange(
  q: Queryable,
  id: string,
  decision: Pick<AccessChangeTable, 'status' | 'decided_by' | 'decided_at' | 'refusal_reason_enc'>,
): Promise<boolean> {
  const result = await q.updateTable('access_changes').set(decision).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Access changes, pending first, then the latest requested. */
export async function accessChangeRows(q: Queryable, status: AccessChangeStatus | undefined, limit: number): Promise<AccessChangeTable[]> {
  let query = q.selectFrom('access_changes').selectAll();
  if (status) query = query.where('status', '=', status);
  return query
    .orderBy(sql`case when status = 'pending' then 0 else 1 end`)
    .orderBy('requested_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Access changes, latest first by decision (or request while pending). */
export async function latestAccessChangeRows(q: Queryable, limit: number): Promise<AccessChangeTable[]> {
  return q
    .selectFrom('access_changes')
    .selectAll()
    .orderBy(sql`coalesce(decided_at, requested_at)`, 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** How long an unknown user name's failures stay locked, if they are. */
export async function unknownNameLock(q: Queryable, key: string): Promise<{ locked_until: string | null } | undefined> {
  return q.selectFrom('unknown_login_attempts').select('locked_until').where('key', '=', key).executeTakeFirst();
}

/** The count a failure at `now` continues: the stored one, unless its last failure is older than `forgetBefore`. */
function continuedCount(table: 'users' | 'unknown_login_attempts', column: 'failed_attempts' | 'failures', forgetBefore: string) {
  return sql<number>`case when ${sql.ref(`${table}.last_failed_at`)} is null or ${sql.ref(`${table}.last_failed_at`)} <= ${forgetBefore} then 1 else ${sql.ref(`${table}.${column}`)} + 1 end`;
}

/**
 * Counts one failure against the account, in SQL so concurrent failures from several processes
 * all count; returns the count now.
 */
export async function addUserFailure(q: Queryable, userId: string, at: string, forgetBefore: string): Promise<number> {
  const after = await q
    .updateTable('users')
    .set({ failed_attempts: continuedCount('users', 'failed_attempts', forgetBefore), last_failed_at: at })
    .where('id', '=', userId)
    .returning('failed_attempts')
    .executeTakeFirstOrThrow();
  return after.failed_attempts;
}

export async function lockUser(q: Queryable, userId: string, until: string): Promise<void> {
  await q.updateTable('users').set({ failed_attempts: 0, locked_until: until }).where('id', '=', userId).execute();
}

/** Clears the account's failures unless it is locked at `at`; answers when it is locked until otherwise. */
export async function clearUserFailures(q: Queryable, userId: string, at: string): Promise<{ cleared: true } | { cleared: false; lockedUntil: string | null }> {
  const result = await q
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return { cleared: true };
  const row = await q.selectFrom('users').select('locked_until').where('id', '=', userId).executeTakeFirstOrThrow();
  return { cleared: false, lockedUntil: row.locked_until };
}

/** Counts one failure of an unknown user name as addUserFailure does for an account; returns the count now. */
export async function addUnknownNameFailure(q: Queryable, key: string, at: string, forgetBefore: string): Promise<number> {
  const after = await q
    .insertInto('unknown_login_attempts')
    .values({ key, failures: 1, locked_until: null, last_failed_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ failures: continuedCount('unknown_login_attempts', 'failures', forgetBefore), last_failed_at: at }))
    .returning('failures')
    .executeTakeFirstOrThrow();
  return after.failures;
}

export async function lockUnknownName(q: Queryable, key: string, until: string): Promise<void> {
  await q.updateTable('unknown_login_attempts').set({ failures: 0, locked_until: until }).where('key', '=', key).execute();
}

/** Deletes unknown-name counters whose failures are older than `forgetBefore` and whose lock ended by `at`. */
export async function forgetUnknownNames(q: Queryable, forgetBefore: string, at: string): Promise<void> {
  await q
    .deleteFrom('unknown_login_attempts')
    .where('last_failed_at', '<=', forgetBefore)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
    .execute();
}

export async function setTotpSecret(q: Queryable, userId: string, secretEnc: string): Promise<void> {
  await q.updateTable('users').set({ totp_secret_enc: secretEnc }).where('id', '=', userId).execute();
}

/** Records the step of an accepted code, conditional on the step read before, so two processes cannot both accept one code. */
export async function advanceTotpStep(q: Queryable, userId: string, previous: number | null, step: number): Promise<boolean> {
  const result = await q
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => (previous === null ? eb('totp_last_step', 'is', null) : eb('totp_last_step', '=', previous)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The second factor is enrolled: these recovery codes (hashed) replace any the account had. */
export async function enableTotp(q: Queryable, userId: string, codeHashes: readonly string[]): Promise<void> {
  await q.updateTable('users').set({ totp_enabled: 1 }).where('id', '=', userId).execute();
  await q.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await q
    .insertInto('recovery_codes')
    .values(codeHashes.map((hash) => ({ id: randomUUID(), user_id: userId, code_hash: hash, used_at: null })))
    .execute();
}

/** Spends one unused recovery code of the account; false when it has no such code. */
export async function spendRecoveryCode(q: Queryable, userId: string, codeHash: string, at: string): Promise<boolean> {
  const result = await q
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The user's own new password: a new version of the account, whatever version it had. */
export async function setOwnPassword(q: Queryable, userId: string, passwordHash: string, at: string): Promise<void> {
  await q
    .updateTable('users')
    .set((eb) => ({ password_hash: passwordHash, must_change_password: 0, version: eb('version', '+', 1), updated_at: at }))
    .where('id', '=', userId)
    .execute();
}

export async function findSession(q: Queryable, id: string): Promise<{ stage: string; csrf_token: string }> {
  return q.selectFrom('sessions').select(['stage', 'csrf_token']).where('id', '=', id).executeTakeFirstOrThrow();
}

export async function allAgencies(q: Queryable): Promise<AgencyTable[]> {
  return q.selectFrom('agencies').selectAll().orderBy('name').execute();
}

export async function allUsers(q: Queryable): Promise<UserTable[]> {
  return q.selectFrom('users').selectAll().orderBy('username').execute();
}
