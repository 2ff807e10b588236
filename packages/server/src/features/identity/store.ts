import type { AgencyType, Role } from '@haven/core';
import type { Queryable } from '../../platform/db/database.js';
import type { AgencyTable, UserTable } from '../../platform/db/schema.js';

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

/** A user as administrators see it: no secrets. */
export interface UserView {
  id: string;
  agencyId: string;
  username: string;
  displayName: string;
  email: string | null;
  role: Role;
  totpEnabled: boolean;
  disabled: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
  version: number;
  createdAt: string;
}

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
    lockedUntil: row.locked_until,
    mustChangePassword: row.must_change_password === 1,
    version: row.version,
    createdAt: row.created_at,
  };
}

export interface AgencyView {
  id: string;
  name: string;
  type: AgencyType;
  area: string | null;
  version: number;
  createdAt: string;
}

export function agencyView(row: AgencyTable): AgencyView {
  return { id: row.id, name: row.name, type: row.type as AgencyType, area: row.area, version: row.version, createdAt: row.created_at };
}
