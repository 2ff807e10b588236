import type { AccessChange, AccessChangeStatus, AgencyType, AgencyView, NamedUser, Role, UserView } from '@haven/core';
import type { Queryable } from '../../platform/db/database.js';
import type { AccessChangeTable, AgencyTable, SettingTable, UserTable } from '../../platform/db/schema.js';

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
