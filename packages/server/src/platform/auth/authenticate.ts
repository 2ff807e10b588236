import { ROLE_POLICIES, type Permission } from '../access/roles.js';
import type { Actor, Platform } from '../context.js';
import { findLiveApiToken, touchApiToken, touchSession, SessionLookups, SESSION_COOKIE } from './sessions.js';
import { parseApiToken, safeEqual } from './tokens.js';
import { forbidden, unauthorized } from '../http/problem.js';
import type { FastifyRequest } from 'fastify';
import { perDatabase } from '../db/database.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const lookupsOf = perDatabase((database) => new SessionLookups(database.db));

/** Who calls, and whether they have accepted the code of conduct in force (read in the same query). */
export interface Caller {
  actor: Actor;
  acceptedConduct: boolean;
}

/**
 * Resolves the caller from a Bearer API token or the session cookie. Returns undefined for an
 * anonymous request; throws 401 for a credential that is presented but not valid.
 */
export async function authenticate(platform: Platform, request: FastifyRequest): Promise<Caller | undefined> {
  const now = platform.clock();
  const { db } = platform.database;
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const parsed = match ? parseApiToken(match[1]!) : undefined;
    const token = parsed ? await findLiveApiToken(db, parsed.id, parsed.secret, now) : undefined;
    if (!token) throw unauthorized('The API token is not valid, has expired or was revoked.');
    await touchApiToken(db, token, now);
    const policy = ROLE_POLICIES[token.role];
    const scopes = new Set(token.scopes);
    const actor: Actor = {
      userId: token.userId,
      username: token.username,
      agencyId: token.agencyId,
      role: token.role,
      via: 'token',
      sessionId: undefined,
      permissions: new Set(policy.permissions.filter((p: Permission) => scopes.has(p))),
      fieldGroups: new Set(policy.fieldGroups),
      pending: 'none',
    };
    return { actor, acceptedConduct: token.acceptedConduct };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return undefined;
  const session = await lookupsOf(platform.database).find(cookie, now);
  if (!session) throw unauthorized('Your session has ended; sign in again.');
  // Browser sessions need the CSRF token on every state-changing request.
  if (!SAFE_METHODS.has(request.method)) {
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
      throw forbidden('Missing or wrong X-CSRF-Token header.');
    }
  }
  await touchSession(db, session, now);
  const policy = ROLE_POLICIES[session.role];
  const actor: Actor = {
    userId: session.userId,
    username: session.username,
    agencyId: session.agencyId,
    role: session.role,
    via: 'session',
    sessionId: session.sessionId,
    permissions: new Set(policy.permissions),
    fieldGroups: new Set(policy.fieldGroups),
    pending:
      session.stage === 'password'
        ? session.totpEnabled
          ? 'mfa_verify'
          : 'mfa_enrol'
        : session.mustChangePassword
          ? 'password_change'
          : 'none',
  };
  return { actor, acceptedConduct: session.acceptedConduct };
}
