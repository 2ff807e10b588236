import { ROLES, type MeView, type Role } from '@haven/core';
import { ROLE_POLICIES, readsPersonalData } from '../../platform/access/roles.js';
import type { RecordAudit } from '../../platform/audit/recorder.js';
import { decoyPasswordHash, hashPassword, passwordWeakness, verifyPassword } from '../../platform/auth/passwords.js';
import { createSession, revokeSession, revokeUserApiTokens, revokeUserSessions, type SessionStage } from '../../platform/auth/sessions.js';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpUri, verifyTotp } from '../../platform/auth/totp.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { Actor, Platform } from '../../platform/context.js';
import type { Queryable } from '../../platform/db/database.js';
import type { UserTable } from '../../platform/db/schema.js';
import { conflict, forbidden, HttpProblem, tooManyRequests, unauthorized, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import { currentConduct } from './conduct.js';
import {
  addUnknownNameFailure,
  addUserFailure,
  advanceTotpStep,
  clearUserFailures,
  enableTotp,
  findSession,
  findSetting,
  findUser,
  findUserByUsername,
  forgetUnknownNames,
  lockUnknownName,
  lockUser,
  setOwnPassword,
  setTotpSecret,
  spendRecoveryCode,
  unknownNameLock,
} from './store.js';
import { saveSetting } from './settings.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
/** Failures followed by a quiet day are forgotten, for accounts and unknown names alike. */
export const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;
const MFA_SETTING = 'auth.mfaRoles';

/** Roles that must use a second factor: the configured list, always including every role that reads personal data. */
export async function mfaRequiredRoles(q: Queryable): Promise<Set<Role>> {
  const row = await findSetting(q, MFA_SETTING);
  const configured = row ? (JSON.parse(row.value) as Role[]) : ROLES.filter((r) => ROLE_POLICIES[r].mfaRequired);
  return new Set([...configured, ...ROLES.filter(readsPersonalData)]);
}

/** The roles that must use a second factor, sorted, as administrators read them. */
export async function readMfaRequiredRoles(store: ScopedStore): Promise<Role[]> {
  return [...(await mfaRequiredRoles(store.platform.database.db))].sort();
}

export async function setMfaRequiredRoles(store: ScopedStore, roles: Role[]): Promise<Role[]> {
  const at = store.platform.clock().toISOString();
  const effective = [...new Set([...roles, ...ROLES.filter(readsPersonalData)])].sort();
  await store.unit((unit) => saveSetting(unit, { key: MFA_SETTING, value: JSON.stringify(effective), at }));
  return effective;
}

export type NextStep = 'totp_enrol' | 'totp_verify' | 'change_password' | null;

export interface SignInState {
  stage: SessionStage;
  next: NextStep;
  csrfToken: string;
}

/** A new session: its cookie token and CSRF token, handed to the client once. */
export interface NewSession {
  token: string;
  csrfToken: string;
}

function nextStep(stage: SessionStage, totpEnabled: boolean, mustChangePassword: boolean): NextStep {
  if (stage === 'password') return totpEnabled ? 'totp_verify' : 'totp_enrol';
  return mustChangePassword ? 'change_password' : null;
}

const badCredentials = () => unauthorized('Wrong user name or password.');
const lockedOut = (seconds: number) => tooManyRequests(seconds, 'Too many failed sign-ins; the account is locked for a while.');

/** Whole seconds an account stays locked at `now`, or 0 when it is not locked. */
function lockSecondsLeft(lockedUntil: string | null, now: Date): number {
  const ms = lockedUntil ? Date.parse(lockedUntil) - now.getTime() : 0;
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/** Failures before this are forgotten: a failure at `now` after a quiet day starts the count again. */
function forgetBefore(now: Date): string {
  return new Date(now.getTime() - FAILURE_MEMORY_MS).toISOString();
}

/**
 * Counts one wrong proof (password, authenticator code or recovery code) against the account:
 * every factor feeds the same counter, so guessing the second factor locks the account exactly as
 * guessing the password does. The counter is incremented in SQL so concurrent failures from
 * several processes all count; the fifth locks the account. Returns whether it is now locked.
 */
async function countFailure(q: Queryable, record: RecordAudit, userId: string, action: 'auth.login_failed' | 'auth.totp_failed', now: Date): Promise<boolean> {
  const failures = await addUserFailure(q, userId, now.toISOString(), forgetBefore(now));
  record({ action, recordType: 'user', recordId: userId });
  if (failures < MAX_FAILED_LOGINS) return false;
  await lockUser(q, userId, new Date(now.getTime() + LOCKOUT_MS).toISOString());
  record({ action: 'auth.locked', recordType: 'user', recordId: userId });
  return true;
}

/**
 * Clears the failure count when a sign-in completes. Conditional on the account not being locked,
 * so a request that raced another one's fifth failure is refused rather than let through: the
 * caller throws and its transaction (a spent code, a new session) rolls back.
 */
async function clearFailures(q: Queryable, userId: string, now: Date): Promise<void> {
  const result = await clearUserFailures(q, userId, now.toISOString());
  if (!result.cleared) throw lockedOut(Math.max(1, lockSecondsLeft(result.lockedUntil, now)));
}

/**
 * A user name as it is looked up: accounts are made with lower-case ASCII names only, so "Alice"
 * typed on a phone that capitalises, or with a trailing space, is the account "alice". Unknown
 * names are counted under the same form, so two spellings of one name never behave apart.
 */
export function normaliseUsername(typed: string): string {
  return typed.normalize('NFKC').trim().toLowerCase();
}

/**
 * Failed sign-ins for user names that have no usable account (unknown or disabled). Real accounts
 * lock after five failures; if unknown names never did, a 429 would tell an attacker which names
 * exist. So unknown names lock the same way, with the same answers and Retry-After, counted in the
 * database like an account (every process, every restart), under a keyed hash of the name (people
 * type passwords into the name field), with the same audit events but no record id.
 */
function unknownNameKey(platform: Platform, username: string): string {
  return platform.cipher.mac('unknown-login', username);
}

/** Counts a failure of an unknown name as countFailure does for an account; returns whether it is now locked. */
async function countUnknownFailure(q: Queryable, record: RecordAudit, key: string, now: Date): Promise<boolean> {
  const failures = await addUnknownNameFailure(q, key, now.toISOString(), forgetBefore(now));
  record({ action: 'auth.login_failed', recordType: 'user', recordId: null });
  if (failures < MAX_FAILED_LOGINS) return false;
  await lockUnknownName(q, key, new Date(now.getTime() + LOCKOUT_MS).toISOString());
  record({ action: 'auth.locked', recordType: 'user', recordId: null });
  return true;
}

/** How often a process deletes the counters of unknown names that have nothing left to count. */
const FORGET_EVERY_MS = 60_000;
const lastForgotten = new WeakMap<Platform, number>();

/** Deletes unknown-name counters whose failures are forgotten and whose lock has ended. */
async function forgetQuietUnknownNames(platform: Platform, now: Date): Promise<void> {
  if (now.getTime() - (lastForgotten.get(platform) ?? 0) < FORGET_EVERY_MS) return;
  lastForgotten.set(platform, now.getTime());
  await forgetUnknownNames(platform.database.db, forgetBefore(now), now.toISOString());
}

/**
 * Password sign-in. Wrong credentials get one answer whichever part was wrong; five failures
 * lock the account for fifteen minutes (in the database, so every server process sees it), and
 * an unknown user name the same way, in the same steps: both lookups, the lock check, a password
 * hash verified (a decoy's for an unknown name), and the failure counted and audited in a unit of work.
 */
export async function login(store: ScopedStore, typed: string, password: string): Promise<SignInState & NewSession> {
  const { platform } = store;
  const now = platform.clock();
  const { db } = platform.database;
  const username = normaliseUsername(typed);
  const nameKey = unknownNameKey(platform, username);
  void forgetQuietUnknownNames(platform, now).catch(() => undefined);
  const [found, unknown] = await Promise.all([
    findUserByUsername(db, username),
    unknownNameLock(db, nameKey),
  ]);
  // An account awaiting a second administrator's approval does not exist yet, as far as signing in goes.
  const user = found && !found.disabled && found.approved ? found : undefined;
  const lockedFor = lockSecondsLeft(user ? user.locked_until : (unknown?.locked_until ?? null), now);
  if (lockedFor > 0) throw lockedOut(lockedFor);
  const verified = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), password);
  if (!user || !verified) {
    // Its own unit of work, committed although the request fails: the failure must count.
    const record = (unit: { record: RecordAudit }): RecordAudit => (event) => unit.record(event);
    const locked = user
      ? await store.unscoped((unit) => countFailure(unit.db, record(unit), user.id, 'auth.login_failed', now), { userId: user.id, agencyId: user.agency_id })
      : await store.unscoped((unit) => countUnknownFailure(unit.db, record(unit), nameKey, now));
    if (locked) throw lockedOut(LOCKOUT_MS / 1000);
    throw badCredentials();
  }
  const mfa = (await mfaRequiredRoles(db)).has(user.role as Role);
  const stage: SessionStage = mfa ? 'password' : 'full';
  return store.unscoped(
    async (unit) => {
      // With a second factor still to come the count stands until that step succeeds: were it
      // cleared here, whoever holds the password could sign in again after every four wrong codes
      // and guess codes for ever.
      if (stage === 'full') await clearFailures(unit.db, user.id, now);
      const session = await createSession(unit.db, user.id, stage, now);
      unit.record({ action: 'auth.login', recordType: 'user', recordId: user.id });
      return { token: session.token, stage, csrfToken: session.csrfToken, next: nextStep(stage, user.totp_enabled === 1, user.must_change_password === 1) };
    },
    { userId: user.id, agencyId: user.agency_id },
  );
}

/** Starts TOTP enrolment: a new secret, shown once as an otpauth:// URI for the authenticator app. */
export async function beginTotpEnrolment(store: ScopedStore): Promise<{ secret: string; uri: string }> {
  return store.unit(async (unit) => {
    const user = (await findUser(unit.db, unit.actor.userId))!;
    if (user.totp_enabled) throw conflict('totp-already-enrolled', 'A second factor is already enrolled; an administrator can reset it.');
    const secret = newTotpSecret();
    await setTotpSecret(unit.db, user.id, unit.platform.cipher.encrypt(secret, placeOf('users', 'totp_secret_enc', user.id)));
    return { secret, uri: totpUri(secret, user.username) };
  });
}

type CodeField = 'code' | 'recoveryCode';

const wrongCode = (field: CodeField) =>
  new HttpProblem('wrong-code', 'The code is wrong or was already used.', { errors: [{ field, message: 'wrong or already used' }] });

async function acceptTotpCode(platform: Platform, q: Queryable, user: UserTable, code: string, now: Date): Promise<boolean> {
  if (!user.totp_secret_enc) return false;
  const secret = platform.cipher.decrypt(user.totp_secret_enc, placeOf('users', 'totp_secret_enc', user.id));
  const step = verifyTotp(secret, code, now);
  if (step === undefined || (user.totp_last_step !== null && step <= user.totp_last_step)) return false;
  // Conditional on the previous step, so two processes cannot both accept the same code.
  return advanceTotpStep(q, user.id, user.totp_last_step, step);
}

/**
 * The sign-in is complete: the failure count is cleared, and the password-stage session is
 * replaced by a new full one with a new token and CSRF token, so a token seen before the second
 * factor (a shoulder, a proxy log, a fixation attempt) is worthless after it.
 */
async function completeSignIn(q: Queryable, actor: Actor, userId: string, now: Date): Promise<NewSession> {
  await clearFailures(q, userId, now);
  if (actor.sessionId) await revokeSession(q, actor.sessionId, now);
  const session = await createSession(q, userId, 'full', now);
  return { token: session.token, csrfToken: session.csrfToken };
}

/** What a second-factor check settled in its transaction: done, or a failure to answer once committed. */
type SecondFactorOutcome<T> = { ok: true; value: T } | { ok: false; field: CodeField; locked: boolean };

/** Throws the refusal for a failure only after its transaction (count and audit) committed. */
function settled<T>(outcome: SecondFactorOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw outcome.locked ? lockedOut(LOCKOUT_MS / 1000) : wrongCode(outcome.field);
}

/** Confirms enrolment with a first code; returns the recovery codes, shown this once, and the new session. */
export async function confirmTotpEnrolment(store: ScopedStore, code: string): Promise<{ recoveryCodes: string[]; next: NextStep } & NewSession> {
  const { platform } = store;
  const now = platform.clock();
  const outcome = await store.unit(async (unit): Promise<SecondFactorOutcome<{ recoveryCodes: string[]; next: NextStep } & NewSession>> => {
    const { actor, db: trx } = unit;
    const record: RecordAudit = (event) => unit.record(event);
    const user = (await findUser(trx, actor.userId))!;
    if (user.totp_enabled) throw conflict('totp-already-enrolled', 'A second factor is already enrolled.');
    if (!user.totp_secret_enc) throw unprocessable('code', 'start enrolment first (POST /api/auth/totp/enrol)');
    const lockedFor = lockSecondsLeft(user.locked_until, now);
    if (lockedFor > 0) throw lockedOut(lockedFor);
    if (!(await acceptTotpCode(platform, trx, user, code, now))) {
      return { ok: false, field: 'code', locked: await countFailure(trx, record, user.id, 'auth.totp_failed', now) };
    }
    const codes = newRecoveryCodes();
    await enableTotp(trx, user.id, codes.map(hashRecoveryCode));
    const session = await completeSignIn(trx, actor, user.id, now);
    record({ action: 'auth.totp_enrolled', recordType: 'user', recordId: user.id });
    return { ok: true, value: { recoveryCodes: codes, next: nextStep('full', true, user.must_change_password === 1), ...session } };
  });
  return settled(outcome);
}

/** The second step of sign-in: a TOTP code or one unused recovery code. Returns the new session. */
export async function verifySecondFactor(store: ScopedStore, proof: { code?: string | undefined; recoveryCode?: string | undefined }): Promise<{ next: NextStep } & NewSession> {
  const { platform } = store;
  const now = platform.clock();
  const field: CodeField = proof.code === undefined ? 'recoveryCode' : 'code';
  const outcome = await store.unit(async (unit): Promise<SecondFactorOutcome<{ next: NextStep } & NewSession>> => {
    const { actor, db: trx } = unit;
    const record: RecordAudit = (event) => unit.record(event);
    const user = (await findUser(trx, actor.userId))!;
    if (!user.totp_enabled) throw unprocessable('code', 'no second factor enrolled; enrol first');
    // Refused while locked even with a right code, which is then not spent.
    const lockedFor = lockSecondsLeft(user.locked_until, now);
    if (lockedFor > 0) throw lockedOut(lockedFor);
    let ok = false;
    if (proof.code !== undefined) {
      ok = await acceptTotpCode(platform, trx, user, proof.code, now);
      if (ok) record({ action: 'auth.totp_verified', recordType: 'user', recordId: user.id });
    } else if (proof.recoveryCode !== undefined) {
      ok = await spendRecoveryCode(trx, user.id, hashRecoveryCode(proof.recoveryCode), now.toISOString());
      if (ok) record({ action: 'auth.recovery_code_used', recordType: 'user', recordId: user.id });
    }
    if (!ok) return { ok: false, field, locked: await countFailure(trx, record, user.id, 'auth.totp_failed', now) };
    const session = await completeSignIn(trx, actor, user.id, now);
    return { ok: true, value: { next: nextStep('full', true, user.must_change_password === 1), ...session } };
  });
  return settled(outcome);
}

/**
 * Changes the caller's password. Every session of theirs ends, this one included, and this one is
 * replaced by a new session (new token, new CSRF token); their API tokens are revoked too: a
 * password is often changed because it may have leaked, and whoever used it may have made tokens.
 */
export async function changePassword(store: ScopedStore, current: string, next: string): Promise<NewSession> {
  const { platform, actor } = store;
  const now = platform.clock();
  const sessionId = actor.sessionId;
  if (!sessionId) throw forbidden('This needs a signed-in browser session, not an API token.');
  const user = (await findUser(platform.database.db, actor.userId))!;
  if (!(await verifyPassword(user.password_hash, current))) {
    throw new HttpProblem('wrong-password', 'currentPassword: wrong password', { errors: [{ field: 'currentPassword', message: 'wrong password' }] });
  }
  const weakness = passwordWeakness(next, user.username);
  if (weakness) throw unprocessable('newPassword', weakness, 'weak-password');
  if (await verifyPassword(user.password_hash, next)) throw unprocessable('newPassword', 'must differ from the current password', 'weak-password');
  const hash = await hashPassword(next);
  return store.unit(async (unit) => {
    const trx = unit.db;
    const { stage } = await findSession(trx, sessionId);
    await setOwnPassword(trx, user.id, hash, now.toISOString());
    await revokeUserSessions(trx, user.id, now);
    for (const tokenId of await revokeUserApiTokens(trx, user.id, now)) unit.record({ action: 'auth.token_revoked', recordType: 'api_token', recordId: tokenId });
    const session = await createSession(trx, user.id, stage as SessionStage, now);
    unit.record({ action: 'auth.password_changed', recordType: 'user', recordId: user.id });
    return { token: session.token, csrfToken: session.csrfToken };
  });
}

export async function logout(store: ScopedStore, everywhere: boolean): Promise<number> {
  const now = store.platform.clock();
  return store.unit(async (unit) => {
    const { actor, db: trx } = unit;
    if (everywhere) {
      const ended = await revokeUserSessions(trx, actor.userId, now);
      unit.record({ action: 'auth.logout_all', recordType: 'user', recordId: actor.userId });
      return ended;
    }
    if (actor.sessionId) await revokeSession(trx, actor.sessionId, now);
    unit.record({ action: 'auth.logout', recordType: 'user', recordId: actor.userId });
    return 1;
  });
}

/** Who the caller is, what they may do, the sign-in step that remains and the code of conduct in force. */
export async function describeCaller(store: ScopedStore): Promise<MeView> {
  const { actor } = store;
  const user = (await findUser(store.platform.database.db, actor.userId))!;
  return {
    userId: actor.userId,
    username: actor.username,
    displayName: user.display_name,
    agencyId: actor.agencyId,
    role: actor.role,
    permissions: [...actor.permissions],
    fieldGroups: [...actor.fieldGroups],
    pending: actor.pending,
    conduct: (await currentConduct(store)) ?? null,
  };
}

/** The CSRF token of the caller's session. */
export async function sessionCsrfToken(store: ScopedStore): Promise<string> {
  return (await findSession(store.platform.database.db, store.actor.sessionId!)).csrf_token;
}
