import { randomUUID } from 'node:crypto';
import { ROLES, type AgencyType, type Role } from '@haven/core';
import { PostgresAdapter } from 'kysely';
import { needsSecondAdministrator, readsPersonalData } from '../../platform/access/roles.js';
import type { RecordAudit } from '../../platform/audit/recorder.js';
import { hashPassword, passwordWeakness } from '../../platform/auth/passwords.js';
import { revokeUserApiTokens, revokeUserSessions } from '../../platform/auth/sessions.js';
import type { Queryable } from '../../platform/db/database.js';
import { updateVersioned } from '../../platform/db/versioned-update.js';
import type { UserTable } from '../../platform/db/schema.js';
import { conflict, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import {
  agencyView,
  findAgency,
  findPendingAccessChange,
  findUser,
  insertAccessChange,
  insertAgency,
  insertUser,
  userView,
  withPendingChanges,
  type AgencyView,
  type UserView,
} from './store.js';

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
  /** Agency names the SOP profile's handover rules use: such an agency keeps its name. */
  namedByProfile: (name: string) => number | undefined = () => undefined,
): Promise<AgencyView> {
  const row = await findAgency(q, id);
  if (!row) throw notFound('agency');
  if (row.version !== version) throw staleVersion('agency', row.version);
  // A running server never drifts from its profile: the rules name agencies, and a renamed one
  // would silently stop handing cases over (or receiving them).
  const rule = changes.name !== undefined && changes.name !== row.name ? namedByProfile(row.name) : undefined;
  if (rule !== undefined) {
    throw conflict('agency-in-handover-rule', `The SOP profile's handover[${rule}] names "${row.name}": change the profile and restart the server before renaming the agency.`);
  }
  // Screens name agencies, not ids: two of one name could not be told apart.
  if (changes.name !== undefined) {
    const taken = await q.selectFrom('agencies').select('id').where('name', '=', changes.name).where('id', '!=', id).executeTakeFirst();
    if (taken) throw conflict('agency-exists', `An agency named "${changes.name}" already exists.`);
  }
  await updateVersioned(q, { table: 'agencies', id, version, set: changes, recordType: 'agency', at: now.toISOString() });
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
  /**
   * The administrator creating the account. Absent when the system itself creates it (the demo
   * seed, `haven user create` on the server), which no second administrator needs to approve.
   */
  requestedBy?: string | undefined;
}

/**
 * Creates a user. An account an administrator creates in a role a single administrator may not
 * grant (needsSecondAdministrator) cannot sign in until a second administrator approves it.
 */
export async function createUser(q: Queryable, record: RecordAudit, input: NewUser, now: Date): Promise<UserView> {
  if (!USERNAME_PATTERN.test(input.username)) throw unprocessable('username', USERNAME_RULE);
  if (!ROLES.includes(input.role)) throw unprocessable('role', `unknown role ${input.role}`);
  const weakness = passwordWeakness(input.password, input.username);
  if (weakness) throw unprocessable('password', weakness, 'weak-password');
  if (!(await findAgency(q, input.agencyId))) throw unprocessable('agencyId', 'no such agency');
  const taken = await q.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  if (taken) throw conflict('username-taken', `The user name "${input.username}" is taken.`);
  const held = input.requestedBy !== undefined && needsSecondAdministrator(input.role);
  const at = now.toISOString();
  const row: UserTable = {
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
    approved: held ? 0 : 1,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await insertUser(q, row);
  record({ action: 'user.create', recordType: 'user', recordId: row.id, fields: ['agencyId', 'username', 'displayName', 'role', 'password', ...(input.email ? ['email'] : [])] });
  if (!held) return userView(row);
  await requestAccessChange(q, record, row, { kind: 'create', requestedBy: input.requestedBy!, roleFrom: null, agencyFrom: null, passwordHash: null, resetSecondFactor: false }, now);
  return (await withPendingChanges(q, [userView(row)]))[0]!;
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

/** The changes applied to an account: a temporary password may come as its hash (approved by a second administrator). */
type AppliedChanges = UserChanges & { passwordHash?: string | undefined };

/**
 * The ids of the active (not disabled) administrators. On PostgreSQL their rows are locked until
 * the transaction ends, so two administrators disabling or demoting each other at the same moment
 * cannot both pass the check below and leave nobody to administer the system; SQLite already
 * admits one writer at a time. An account whose creation awaits approval administers nothing yet.
 */
async function activeAdministrators(q: Queryable): Promise<string[]> {
  const query = q.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).where('approved', '=', 1).orderBy('id');
  const rows = await (q.getExecutor().adapter instanceof PostgresAdapter ? query.forUpdate() : query).execute();
  return rows.map((r) => r.id);
}

/** The system always keeps an active administrator. */
async function assertAdministratorRemains(q: Queryable, row: UserTable, changes: AppliedChanges): Promise<void> {
  const demoted = changes.role !== undefined && changes.role !== 'admin';
  if (row.role !== 'admin' || row.disabled !== 0 || row.approved !== 1 || !(changes.disabled || demoted)) return;
  const others = (await activeAdministrators(q)).filter((adminId) => adminId !== row.id);
  if (others.length > 0) return;
  throw changes.disabled
    ? unprocessable('disabled', 'this is the last active administrator; make another one first')
    : unprocessable('role', 'this is the last active administrator; make another one first');
}

/**
 * Applies changes to an account against the version read in `row`: the rules every change obeys
 * (an active administrator remains, the agency exists, the password is strong enough), and the
 * account's sessions and API tokens ended when who they are or what they may do changes.
 * Returns the account as stored after the change.
 */
export async function applyUserChanges(q: Queryable, record: RecordAudit, row: UserTable, changes: AppliedChanges, now: Date): Promise<UserTable> {
  const { id, version } = row;
  await assertAdministratorRemains(q, row, changes);
  const set: Record<string, unknown> = {};
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
  if (changes.passwordHash !== undefined) Object.assign(set, { password_hash: changes.passwordHash, must_change_password: 1 });
  if (changes.resetSecondFactor) Object.assign(set, { totp_secret_enc: null, totp_enabled: 0, totp_last_step: null });
  await updateVersioned(q, { table: 'users', id, version, set, recordType: 'user', at: now.toISOString() });
  const newPassword = changes.password !== undefined || changes.passwordHash !== undefined;
  // A change of who someone is or what they may do takes effect now, not at their next sign-in.
  const endsTrust = changes.disabled || newPassword || changes.agencyId !== undefined || changes.resetSecondFactor;
  if (endsTrust || changes.role !== undefined) await revokeUserSessions(q, id, now);
  // API tokens too, when the account's credentials or its agency were in question. A new role
  // alone leaves them: a token is always narrowed to its user's current role (authenticate.ts).
  if (endsTrust) {
    for (const tokenId of await revokeUserApiTokens(q, id, now)) record({ action: 'auth.token_revoked', recordType: 'api_token', recordId: tokenId });
  }
  if (changes.resetSecondFactor) await q.deleteFrom('recovery_codes').where('user_id', '=', id).execute();
  const fields = Object.keys(changes)
    .filter((k) => (changes as Record<string, unknown>)[k] !== undefined)
    .map((k) => (k === 'passwordHash' ? 'password' : k));
  record({ action: 'user.update', recordType: 'user', recordId: id, fields });
  return (await findUser(q, id))!;
}

/** The part of an administrator's change that waits for a second administrator. */
interface HeldChange {
  role?: Role | undefined;
  agencyId?: string | undefined;
  password?: string | undefined;
  resetSecondFactor?: boolean | undefined;
}

/**
 * Splits an administrator's change into what takes effect at once and what gives the account
 * access to personal data (or another administrator's powers), which waits for a second
 * administrator: a new role reading personal data, a move between agencies of an account whose
 * role (current or new) reads it, and a temporary password or a reset second factor, by which an
 * administrator could sign in as such an account. Removing access and harmless changes are not held.
 */
function separateHeld(row: UserTable, changes: UserChanges): { immediate: UserChanges; held: HeldChange | undefined } {
  const current = row.role as Role;
  const next = changes.role ?? current;
  const guarded = needsSecondAdministrator(current) || needsSecondAdministrator(next);
  const held: HeldChange = {};
  const immediate: UserChanges = { ...changes };
  if (changes.role !== undefined && changes.role !== current && needsSecondAdministrator(changes.role)) {
    held.role = changes.role;
    delete immediate.role;
  }
  if (changes.agencyId !== undefined && changes.agencyId !== row.agency_id && (readsPersonalData(current) || readsPersonalData(next))) {
    held.agencyId = changes.agencyId;
    delete immediate.agencyId;
  }
  if (changes.password !== undefined && guarded) {
    held.password = changes.password;
    delete immediate.password;
  }
  if (changes.resetSecondFactor && guarded) {
    held.resetSecondFactor = true;
    delete immediate.resetSecondFactor;
  }
  return { immediate, held: Object.keys(held).length > 0 ? held : undefined };
}

interface AccessRequest {
  kind: 'create' | 'update';
  requestedBy: string;
  roleFrom: Role | null;
  agencyFrom: string | null;
  passwordHash: string | null;
  resetSecondFactor: boolean;
}

/**
 * Records a change of an account's access that waits for a second administrator. `row` is the
 * account as stored with the request (its version marks what the approver will be approving), and
 * the role and agency it will have once approved.
 */
async function requestAccessChange(q: Queryable, record: RecordAudit, row: UserTable, request: AccessRequest, now: Date): Promise<void> {
  const id = randomUUID();
  await insertAccessChange(q, {
    id,
    user_id: row.id,
    kind: request.kind,
    requested_by: request.requestedBy,
    requested_at: now.toISOString(),
    user_version: row.version,
    role_from: request.roleFrom,
    role_to: row.role,
    agency_from: request.agencyFrom,
    agency_to: row.agency_id,
    password_hash: request.passwordHash,
    reset_second_factor: request.resetSecondFactor ? 1 : 0,
    status: 'pending',
    decided_by: null,
    decided_at: null,
    refusal_reason_enc: null,
  });
  const fields = [
    ...(request.kind === 'create' || request.roleFrom !== row.role ? ['role'] : []),
    ...(request.kind === 'create' || request.agencyFrom !== row.agency_id ? ['agencyId'] : []),
    ...(request.passwordHash ? ['password'] : []),
    ...(request.resetSecondFactor ? ['resetSecondFactor'] : []),
  ];
  record({ action: 'access_change.requested', recordType: 'access_change', recordId: id, fields });
}

export interface UserChangeOutcome {
  user: UserView;
  /** Part of the change waits for a second administrator (it is user.pendingChange). */
  held: boolean;
}

/**
 * Changes a user on an administrator's behalf (`actorUserId`, null for the system itself). The
 * system always keeps an active administrator; nobody disables their own account or changes their
 * own role or agency; and what would give an account access to personal data waits for a second
 * administrator (separateHeld), one such change per account at a time. The system is not held.
 */
export async function updateUser(
  q: Queryable,
  record: RecordAudit,
  id: string,
  version: number,
  changes: UserChanges,
  now: Date,
  actorUserId: string | null,
): Promise<UserChangeOutcome> {
  const row = await findUser(q, id);
  if (!row) throw notFound('user');
  if (row.version !== version) throw staleVersion('user', row.version);
  if (id === actorUserId) {
    // What an account may reach is never decided by the one who holds it.
    if (changes.role !== undefined) throw unprocessable('role', 'you cannot change your own role; ask another administrator');
    if (changes.agencyId !== undefined) throw unprocessable('agencyId', 'you cannot change your own agency; ask another administrator');
    if (changes.disabled) throw unprocessable('disabled', 'you cannot disable your own account; ask another administrator');
  }
  const { immediate, held } = actorUserId === null ? { immediate: changes, held: undefined } : separateHeld(row, changes);
  if (!held) return { user: (await withPendingChanges(q, [userView(await applyUserChanges(q, record, row, immediate, now))]))[0]!, held: false };

  const pending = await findPendingAccessChange(q, id);
  if (pending) {
    throw conflict('access-change-pending', `A change of this account's access already awaits a second administrator (access change ${pending.id}); it must be decided or withdrawn first.`, {
      accessChangeId: pending.id,
    });
  }
  // Checked now, so the requester hears of a bad value at once; approval checks again.
  if (held.agencyId !== undefined && !(await findAgency(q, held.agencyId))) throw unprocessable('agencyId', 'no such agency');
  if (held.password !== undefined) {
    const weakness = passwordWeakness(held.password, row.username);
    if (weakness) throw unprocessable('password', weakness, 'weak-password');
  }
  if (held.role !== undefined) await assertAdministratorRemains(q, row, { role: held.role });
  const passwordHash = held.password === undefined ? null : await hashPassword(held.password);

  const anyImmediate = Object.values(immediate).some((value) => value !== undefined);
  let stored: UserTable;
  if (anyImmediate) {
    stored = await applyUserChanges(q, record, row, immediate, now);
  } else {
    // The request itself is a new version of the account, so a concurrent change of it is stale.
    await updateVersioned(q, { table: 'users', id, version, set: {}, recordType: 'user', at: now.toISOString() });
    stored = (await findUser(q, id))!;
  }
  await requestAccessChange(
    q,
    record,
    { ...stored, role: held.role ?? stored.role, agency_id: held.agencyId ?? stored.agency_id },
    { kind: 'update', requestedBy: actorUserId!, roleFrom: stored.role as Role, agencyFrom: stored.agency_id, passwordHash, resetSecondFactor: held.resetSecondFactor === true },
    now,
  );
  return { user: (await withPendingChanges(q, [userView(stored)]))[0]!, held: true };
}
