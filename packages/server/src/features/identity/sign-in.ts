import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '@haven/core';
import { ROLE_POLICIES, readsPersonalData } from '../../platform/access/roles.js';
import { withAudit } from '../../platform/audit/recorder.js';
import { decoyPasswordHash, hashPassword, passwordWeakness, verifyPassword } from '../../platform/auth/passwords.js';
import { createSession, revokeSession, revokeUserSessions, setSessionStage, type SessionStage } from '../../platform/auth/sessions.js';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpUri, verifyTotp } from '../../platform/auth/totp.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { Actor, Platform, RequestContext } from '../../platform/context.js';
import type { Queryable } from '../../platform/db/database.js';
import { conflict, HttpProblem, tooManyRequests, unauthorized, unprocessable } from '../../platform/http/problem.js';
import { findUser, findUserByUsername } from './store.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
const MFA_SETTING = 'auth.mfaRoles';

/** Roles that must use a second factor: the configured list, always including every role that reads personal data. */
export async function mfaRequiredRoles(q: Queryable): Promise<Set<Role>> {
  const row = await q.selectFrom('settings').select('value').where('key', '=', MFA_SETTING).executeTakeFirst();
  const configured = row ? (JSON.parse(row.value) as Role[]) : ROLES.filter((r) => ROLE_POLICIES[r].mfaRequired);
  return new Set([...configured, ...ROLES.filter(readsPersonalData)]);
}

export async function setMfaRequiredRoles(platform: Platform, ctx: RequestContext, roles: Role[]): Promise<Role[]> {
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const effective = [...new Set([...roles, ...ROLES.filter(readsPersonalData)])].sort();
    const value = JSON.stringify(effective);
    const existing = await trx.selectFrom('settings').select('version').where('key', '=', MFA_SETTING).executeTakeFirst();
    if (existing) {
      await trx.updateTable('settings').set({ value, version: existing.version + 1, updated_at: at, updated_by: ctx.audit.actorUserId }).where('key', '=', MFA_SETTING).execute();
    } else {
      await trx.insertInto('settings').values({ key: MFA_SETTING, value, version: 1, updated_at: at, updated_by: ctx.audit.actorUserId }).execute();
    }
    record({ action: 'settings.update', recordType: 'setting', recordId: MFA_SETTING, fields: ['value'] });
    return effective;
  });
}

export type NextStep = 'totp_enrol' | 'totp_verify' | 'change_password' | null;

export interface SignInState {
  stage: SessionStage;
  next: NextStep;
  csrfToken: string;
}

function nextStep(stage: SessionStage, totpEnabled: boolean, mustChangePassword: boolean): NextStep {
  if (stage === 'password') return totpEnabled ? 'totp_verify' : 'totp_enrol';
  return mustChangePassword ? 'change_password' : null;
}

const badCredentials = () => unauthorized('Wrong user name or password.');

/**
 * Password sign-in. Wrong credentials get one answer whichever part was wrong; five failures
 * lock the account for fifteen minutes (in the database, so every server process sees it).
 */
export async function login(
  platform: Platform,
  ctx: RequestContext,
  username: string,
  password: string,
): Promise<SignInState & { token: string }> {
  const now = platform.clock();
  const { db } = platform.database;
  const user = await findUserByUsername(db, username);
  if (!user || user.disabled) {
    await verifyPassword(await decoyPasswordHash(), password);
    throw badCredentials();
  }
  const lockedFor = user.locked_until ? Date.parse(user.locked_until) - now.getTime() : 0;
  if (lockedFor > 0) throw tooManyRequests(Math.ceil(lockedFor / 1000), 'Too many failed sign-ins; the account is locked for a while.');
  const audit = { ...ctx.audit, actorUserId: user.id, actorAgencyId: user.agency_id };
  if (!(await verifyPassword(user.password_hash, password))) {
    // The counter is incremented in SQL so concurrent failures from several processes all count.
    const locked = await withAudit(platform, audit, async (trx, record) => {
      await trx.updateTable('users').set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) })).where('id', '=', user.id).execute();
      const after = await trx.selectFrom('users').select('failed_attempts').where('id', '=', user.id).executeTakeFirstOrThrow();
      record({ action: 'auth.login_failed', recordType: 'user', recordId: user.id });
      if (after.failed_attempts >= MAX_FAILED_LOGINS) {
        await trx
          .updateTable('users')
          .set({ failed_attempts: 0, locked_until: new Date(now.getTime() + LOCKOUT_MS).toISOString() })
          .where('id', '=', user.id)
          .execute();
        record({ action: 'auth.locked', recordType: 'user', recordId: user.id });
        return true;
      }
      return false;
    });
    if (locked) throw tooManyRequests(LOCKOUT_MS / 1000, 'Too many failed sign-ins; the account is locked for a while.');
    throw badCredentials();
  }
  const mfa = (await mfaRequiredRoles(db)).has(user.role as Role);
  const stage: SessionStage = mfa ? 'password' : 'full';
  return withAudit(platform, audit, async (trx, record) => {
    await trx.updateTable('users').set({ failed_attempts: 0, locked_until: null }).where('id', '=', user.id).execute();
    const session = await createSession(trx, user.id, stage, now);
    record({ action: 'auth.login', recordType: 'user', recordId: user.id });
    return { token: session.token, stage, csrfToken: session.csrfToken, next: nextStep(stage, user.totp_enabled === 1, user.must_change_password === 1) };
  });
}

/** Starts TOTP enrolment: a new secret, shown once as an otpauth:// URI for the authenticator app. */
export async function beginTotpEnrolment(platform: Platform, actor: Actor): Promise<{ secret: string; uri: string }> {
  const { db } = platform.database;
  const user = (await findUser(db, actor.userId))!;
  if (user.totp_enabled) throw conflict('totp-already-enrolled', 'A second factor is already enrolled; an administrator can reset it.');
  const secret = newTotpSecret();
  await db
    .updateTable('users')
    .set({ totp_secret_enc: platform.cipher.encrypt(secret, placeOf('users', 'totp_secret_enc', user.id)) })
    .where('id', '=', user.id)
    .execute();
  return { secret, uri: totpUri(secret, user.username) };
}

const wrongCode = (field: 'code' | 'recoveryCode' = 'code') =>
  new HttpProblem(401, 'wrong-code', 'Wrong code', 'The code is wrong or was already used.', [{ field, message: 'wrong or already used' }]);

async function acceptTotpCode(platform: Platform, q: Queryable, userId: string, code: string, now: Date): Promise<boolean> {
  const user = (await findUser(q, userId))!;
  if (!user.totp_secret_enc) return false;
  const secret = platform.cipher.decrypt(user.totp_secret_enc, placeOf('users', 'totp_secret_enc', user.id));
  const step = verifyTotp(secret, code, now);
  if (step === undefined || (user.totp_last_step !== null && step <= user.totp_last_step)) return false;
  // Conditional on the previous step, so two processes cannot both accept the same code.
  const result = await q
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => (user.totp_last_step === null ? eb('totp_last_step', 'is', null) : eb('totp_last_step', '=', user.totp_last_step)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Confirms enrolment with a first code; returns the recovery codes, shown this once. */
export async function confirmTotpEnrolment(platform: Platform, ctx: RequestContext, actor: Actor, code: string): Promise<{ recoveryCodes: string[]; next: NextStep }> {
  const now = platform.clock();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const user = (await findUser(trx, actor.userId))!;
    if (user.totp_enabled) throw conflict('totp-already-enrolled', 'A second factor is already enrolled.');
    if (!user.totp_secret_enc) throw unprocessable('code', 'start enrolment first (POST /api/auth/totp/enrol)');
    if (!(await acceptTotpCode(platform, trx, user.id, code, now))) throw wrongCode();
    const codes = newRecoveryCodes();
    await trx.updateTable('users').set({ totp_enabled: 1 }).where('id', '=', user.id).execute();
    await trx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
    await trx
      .insertInto('recovery_codes')
      .values(codes.map((c) => ({ id: randomUUID(), user_id: user.id, code_hash: hashRecoveryCode(c), used_at: null })))
      .execute();
    if (actor.sessionId) await setSessionStage(trx, actor.sessionId, 'full');
    record({ action: 'auth.totp_enrolled', recordType: 'user', recordId: user.id });
    return { recoveryCodes: codes, next: nextStep('full', true, user.must_change_password === 1) };
  });
}

/** The second step of sign-in: a TOTP code or one unused recovery code. */
export async function verifySecondFactor(
  platform: Platform,
  ctx: RequestContext,
  actor: Actor,
  proof: { code?: string | undefined; recoveryCode?: string | undefined },
): Promise<{ next: NextStep }> {
  const now = platform.clock();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const user = (await findUser(trx, actor.userId))!;
    if (!user.totp_enabled) throw unprocessable('code', 'no second factor enrolled; enrol first');
    let ok = false;
    if (proof.code !== undefined) {
      ok = await acceptTotpCode(platform, trx, user.id, proof.code, now);
      if (ok) record({ action: 'auth.totp_verified', recordType: 'user', recordId: user.id });
    } else if (proof.recoveryCode !== undefined) {
      const result = await trx
        .updateTable('recovery_codes')
        .set({ used_at: now.toISOString() })
        .where('user_id', '=', user.id)
        .where('code_hash', '=', hashRecoveryCode(proof.recoveryCode))
        .where('used_at', 'is', null)
        .executeTakeFirst();
      ok = Number(result.numUpdatedRows) === 1;
      if (ok) record({ action: 'auth.recovery_code_used', recordType: 'user', recordId: user.id });
    }
    if (!ok) throw wrongCode(proof.code === undefined ? 'recoveryCode' : 'code');
    if (actor.sessionId) await setSessionStage(trx, actor.sessionId, 'full');
    return { next: nextStep('full', true, user.must_change_password === 1) };
  });
}

export async function changePassword(platform: Platform, ctx: RequestContext, actor: Actor, current: string, next: string): Promise<void> {
  const now = platform.clock();
  const user = (await findUser(platform.database.db, actor.userId))!;
  if (!(await verifyPassword(user.password_hash, current))) {
    throw new HttpProblem(401, 'wrong-password', 'Wrong password', 'currentPassword: wrong password', [{ field: 'currentPassword', message: 'wrong password' }]);
  }
  const weakness = passwordWeakness(next, user.username);
  if (weakness) throw unprocessable('newPassword', weakness, 'weak-password');
  if (await verifyPassword(user.password_hash, next)) throw unprocessable('newPassword', 'must differ from the current password', 'weak-password');
  const hash = await hashPassword(next);
  await withAudit(platform, ctx.audit, async (trx, record) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, must_change_password: 0, version: user.version + 1, updated_at: now.toISOString() })
      .where('id', '=', user.id)
      .execute();
    // Every other session ends: whoever knew the old password is signed out.
    await revokeUserSessions(trx, user.id, now, actor.sessionId);
    record({ action: 'auth.password_changed', recordType: 'user', recordId: user.id });
  });
}

export async function logout(platform: Platform, ctx: RequestContext, actor: Actor, everywhere: boolean): Promise<number> {
  const now = platform.clock();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    if (everywhere) {
      const ended = await revokeUserSessions(trx, actor.userId, now);
      record({ action: 'auth.logout_all', recordType: 'user', recordId: actor.userId });
      return ended;
    }
    if (actor.sessionId) await revokeSession(trx, actor.sessionId, now);
    record({ action: 'auth.logout', recordType: 'user', recordId: actor.userId });
    return 1;
  });
}
