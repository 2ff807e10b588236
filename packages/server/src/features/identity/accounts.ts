import { randomUUID } from 'node:crypto';
import { ROLES, type AgencyType, type Role } from '@haven/core';
import { PostgresAdapter } from 'kysely';
import type { RecordAudit } from '../../platform/audit/recorder.js';
import { hashPassword, passwordWeakness } from '../../platform/auth/passwords.js';
import { revokeUserApiTokens, revokeUserSessions } from '../../platform/auth/sessions.js';
import type { Queryable } from '../../platform/db/database.js';
import { conflict, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import { agencyView, findAgency, findUser, insertAgency, insertUser, userView, type AgencyView, type UserView } from './store.js';

export interface NewAgency {
  name: string;
  type: AgencyType;
  area?: string | undefined;
}

export async function createAgency(q: Queryable, record: RecordAudit, input: NewAgency, now: Date): Promise<AgencyView> {
  const taken = await q.selectFrom('agencies').select('id').where('name', '=', input.name).executeTakeFirst();
  if (taken) throw conflict('agency-exists', `An agency named "${input.name}" already exists.`);
  const at = now.toISOString();
  const row = { id: randomUUID(), name: input.name, type: input.type, area: input.area ?? null, version: 1, created_at: at, updated_at: at };
  await insertAgency(q, row);
  record({ action: 'agency.create', recordType: 'agency', recordId: row.id, fields: Object.keys(input) });
  return agencyView(row);
}

export async function updateAgency(
  q: Queryable,
  record: RecordAudit,
  id: string,
  version: number,
  changes: Partial<NewAgency>,
  now: Date,
): Promise<AgencyView> {
  const row = await findAgency(q, id);
  if (!row) throw notFound('agency');
  if (row.version !== version) throw staleVersion('agency', row.version);
  const result = await q
    .updateTable('agencies')
    .set({ ...changes, version: version + 1, updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw staleVersion('agency', (await findAgency(q, id))?.version ?? version);
  record({ action: 'agency.update', recordType: 'agency', recordId: id, fields: Object.keys(changes) });
  return agencyView((await findAgency(q, id))!);
}

/**
 * The one rule for user names, applied by createUser whichever path creates the user (the API,
 * `haven user create`, the demo seed). The API's schema uses the same pattern so OpenAPI shows it.
 */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const USERNAME_RULE = 'lower-case letters, digits, dot, dash or underscore; 3 to 64 characters';

export interface NewUser {
  agencyId: string;
  username: string;
  displayName: string;
  /** Where reminders go by e-mail, when SMTP is configured. */
  email?: string | undefined;
  role: Role;
  password: string;
  /** A password someone else chose (an administrator, the demo seed) must be changed at first sign-in. */
  mustChangePassword: boolean;
}

export async function createUser(q: Queryable, record: RecordAudit, input: NewUser, now: Date): Promise<UserView> {
  if (!USERNAME_PATTERN.test(input.username)) throw unprocessable('username', USERNAME_RULE);
  if (!ROLES.includes(input.role)) throw unprocessable('role', `unknown role ${input.role}`);
  const weakness = passwordWeakness(input.password, input.username);
  if (weakness) throw unprocessable('password', weakness, 'weak-password');
  if (!(await findAgency(q, input.agencyId))) throw unprocessable('agencyId', 'no such agency');
  const taken = await q.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  if (taken) throw conflict('username-taken', `The user name "${input.username}" is taken.`);
  const at = now.toISOString();
  const row = {
    id: randomUUID(),
    agency_id: input.agencyId,
    username: input.username,
    display_name: input.displayName,
    email: input.email ?? null,
    role: input.role,
    password_hash: await hashPassword(input.password),
    must_change_password: input.mustChangePassword ? 1 : 0,
    totp_secret_enc: null,
    totp_enabled: 0,
    totp_last_step: null,
    failed_attempts: 0,
    locked_until: null,
    last_failed_at: null,
    disabled: 0,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await insertUser(q, row);
  record({ action: 'user.create', recordType: 'user', recordId: row.id, fields: ['agencyId', 'username', 'displayName', 'role', 'password', ...(input.email ? ['email'] : [])] });
  return userView(row);
}

export interface UserChanges {
  displayName?: string | undefined;
  email?: string | null | undefined;
  role?: Role | undefined;
  agencyId?: string | undefined;
  disabled?: boolean | undefined;
  /** Clears a lockout. */
  unlock?: boolean | undefined;
  /** Sets a temporary password the user must change; ends their sessions. */
  password?: string | undefined;
  /** Removes the second factor so the user enrols again (lost phone). */
  resetSecondFactor?: boolean | undefined;
}

/**
 * The ids of the active (not disabled) administrators. On PostgreSQL their rows are locked until
 * the transaction ends, so two administrators disabling or demoting each other at the same moment
 * cannot both pass the check below and leave nobody to administer the system; SQLite already
 * admits one writer at a time.
 */
async function activeAdministrators(q: Queryable): Promise<string[]> {
  const query = q.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).orderBy('id');
  const rows = await (q.getExecutor().adapter instanceof PostgresAdapter ? query.forUpdate() : query).execute();
  return rows.map((r) => r.id);
}

/**
 * Changes a user on an administrator's behalf (`actorUserId`, null for the system itself). The
 * system always keeps an active administrator, and nobody disables their own account.
 */
export async function updateUser(
  q: Queryable,
  record: RecordAudit,
  id: string,
  version: number,
  changes: UserChanges,
  now: Date,
  actorUserId: string | null,
): Promise<UserView> {
  const row = await findUser(q, id);
  if (!row) throw notFound('user');
  if (row.version !== version) throw staleVersion('user', row.version);
  if (changes.disabled && id === actorUserId) throw unprocessable('disabled', 'you cannot disable your own account; ask another administrator');
  const demoted = changes.role !== undefined && changes.role !== 'admin';
  if (row.role === 'admin' && row.disabled === 0 && (changes.disabled || demoted)) {
    const others = (await activeAdministrators(q)).filter((adminId) => adminId !== id);
    if (others.length === 0) {
      throw changes.disabled
        ? unprocessable('disabled', 'this is the last active administrator; make another one first')
        : unprocessable('role', 'this is the last active administrator; make another one first');
    }
  }
  const set: Record<string, unknown> = { version: version + 1, updated_at: now.toISOString() };
  if (changes.displayName !== undefined) set.display_name = changes.displayName;
  if (changes.email !== undefined) set.email = changes.email;
  if (changes.role !== undefined) set.role = changes.role;
  if (changes.agencyId !== undefined) {
    if (!(await findAgency(q, changes.agencyId))) throw unprocessable('agencyId', 'no such agency');
    set.agency_id = changes.agencyId;
  }
  if (changes.disabled !== undefined) set.disabled = changes.disabled ? 1 : 0;
  if (changes.unlock) Object.assign(set, { locked_until: null, failed_attempts: 0, last_failed_at: null });
  if (changes.password !== undefined) {
    const weakness = passwordWeakness(changes.password, row.username);
    if (weakness) throw unprocessable('password', weakness, 'weak-password');
    Object.assign(set, { password_hash: await hashPassword(changes.password), must_change_password: 1 });
  }
  if (changes.resetSecondFactor) Object.assign(set, { totp_secret_enc: null, totp_enabled: 0, totp_last_step: null });
  const result = await q.updateTable('users').set(set).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw staleVersion('user', (await findUser(q, id))?.version ?? version);
  // A change of who someone is or what they may do takes effect now, not at their next sign-in.
  const endsTrust = changes.disabled || changes.password !== undefined || changes.agencyId !== undefined || changes.resetSecondFactor;
  if (endsTrust || changes.role !== undefined) await revokeUserSessions(q, id, now);
  // API tokens too, when the account's credentials or its agency were in question. A new role
  // alone leaves them: a token is always narrowed to its user's current role (authenticate.ts).
  if (endsTrust) {
    for (const tokenId of await revokeUserApiTokens(q, id, now)) record({ action: 'auth.token_revoked', recordType: 'api_token', recordId: tokenId });
  }
  if (changes.resetSecondFactor) await q.deleteFrom('recovery_codes').where('user_id', '=', id).execute();
  record({ action: 'user.update', recordType: 'user', recordId: id, fields: Object.keys(changes).filter((k) => (changes as Record<string, unknown>)[k] !== undefined) });
  return userView((await findUser(q, id))!);
}
