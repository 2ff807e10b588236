import { randomUUID } from 'node:crypto';
import type { Role } from '@haven/core';
import { acceptedCurrentConduct } from '../access/conduct.js';
import type { Queryable } from '../db/database.js';
import { newSecret, secretHash } from './tokens.js';

export const SESSION_COOKIE = 'haven_session';
export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
// last_seen_at is refreshed at most this often, so reads do not turn into a write each.
const TOUCH_INTERVAL_MS = 60 * 1000;

export type SessionStage = 'password' | 'full';

export interface SessionUser {
  sessionId: string;
  stage: SessionStage;
  csrfToken: string;
  lastSeenAt: string;
  userId: string;
  username: string;
  agencyId: string;
  role: Role;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  /** Whether the user has accepted the code of conduct in force (read with the session, not cached). */
  acceptedConduct: boolean;
}

export async function createSession(
  q: Queryable,
  userId: string,
  stage: SessionStage,
  now: Date,
): Promise<{ token: string; sessionId: string; csrfToken: string }> {
  const token = newSecret();
  const sessionId = secretHash(token);
  const csrfToken = newSecret(24);
  const at = now.toISOString();
  await q
    .insertInto('sessions')
    .values({
      id: sessionId,
      user_id: userId,
      csrf_token: csrfToken,
      stage,
      created_at: at,
      last_seen_at: at,
      expires_at: new Date(now.getTime() + SESSION_MAX_MS).toISOString(),
      revoked_at: null,
    })
    .execute();
  return { token, sessionId, csrfToken };
}

const SESSION_COLUMNS = [
  'sessions.id as sessionId',
  'sessions.stage',
  'sessions.csrf_token',
  'sessions.last_seen_at',
  'sessions.expires_at',
  'sessions.revoked_at',
  'users.id as userId',
  'users.username',
  'users.agency_id',
  'users.role',
  'users.totp_enabled',
  'users.must_change_password',
  'users.disabled',
] as const;

/** Session ids per statement when lookups are read together: well under both engines' parameter limits. */
const LOOKUP_CHUNK = 500;

async function sessionRows(q: Queryable, ids: readonly string[]) {
  return q
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(SESSION_COLUMNS)
    .select((eb) => acceptedCurrentConduct(eb.ref('users.id')).as('accepted_conduct'))
    .where('sessions.id', 'in', ids)
    .execute();
}

type SessionRow = Awaited<ReturnType<typeof sessionRows>>[number];

/** The session a stored row stands for at `now`: undefined when revoked, disabled, idle or expired. */
function liveSession(row: SessionRow | undefined, now: Date): SessionUser | undefined {
  if (!row || row.revoked_at || row.disabled) return undefined;
  const t = now.getTime();
  if (Date.parse(row.expires_at) <= t || Date.parse(row.last_seen_at) + SESSION_IDLE_MS <= t) return undefined;
  return {
    sessionId: row.sessionId,
    stage: row.stage as SessionStage,
    csrfToken: row.csrf_token,
    lastSeenAt: row.last_seen_at,
    userId: row.userId,
    username: row.username,
    agencyId: row.agency_id,
    role: row.role as Role,
    totpEnabled: row.totp_enabled === 1,
    mustChangePassword: row.must_change_password === 1,
    acceptedConduct: Number(row.accepted_conduct) === 1,
  };
}

interface Waiting {
  now: Date;
  resolve(session: SessionUser | undefined): void;
  reject(error: unknown): void;
}

/**
 * The live session for each cookie token (undefined when unknown, revoked, disabled, idle or
 * expired). The lookups of one turn of the event loop are read in one statement: under load every
 * request starts with its session, and one round trip each was two thirds of a busy PostgreSQL's
 * statements; read together, fifty field devices cost one. Nothing is cached: each lookup reads
 * the row as stored after it was asked for, so a revocation or a disabled account takes effect on
 * the next request, in every process. Each caller judges liveness at its own `now`.
 */
export class SessionLookups {
  private waiting = new Map<string, Waiting[]>();
  private scheduled = false;

  constructor(private readonly q: Queryable) {}

  find(token: string, now: Date): Promise<SessionUser | undefined> {
    const id = secretHash(token);
    return new Promise((resolve, reject) => {
      const entry = { now, resolve, reject };
      const same = this.waiting.get(id);
      if (same) same.push(entry);
      else this.waiting.set(id, [entry]);
      if (this.scheduled) return;
      this.scheduled = true;
      // After the requests already read in this turn have asked too.
      setImmediate(() => void this.read());
    });
  }

  private async read(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    this.scheduled = false;
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + LOOKUP_CHUNK);
      try {
        const rows = new Map((await sessionRows(this.q, chunk)).map((row) => [row.sessionId, row]));
        for (const id of chunk) for (const entry of batch.get(id)!) entry.resolve(liveSession(rows.get(id), entry.now));
      } catch (error) {
        for (const id of chunk) for (const entry of batch.get(id)!) entry.reject(error);
      }
    }
  }
}

export async function touchSession(q: Queryable, session: SessionUser, now: Date): Promise<void> {
  if (now.getTime() - Date.parse(session.lastSeenAt) < TOUCH_INTERVAL_MS) return;
  await q.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', session.sessionId).execute();
}

export async function revokeSession(q: Queryable, sessionId: string, now: Date): Promise<void> {
  await q.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

/** Ends every session of a user (logout everywhere, password change, account disabled). */
export async function revokeUserSessions(q: Queryable, userId: string, now: Date, exceptSessionId?: string): Promise<number> {
  let update = q.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (exceptSessionId) update = update.where('id', '!=', exceptSessionId);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Revokes every API token of a user that is not revoked yet (password reset or change, account
 * disabled, moved or its second factor reset): a token must not outlive the trust it was made
 * under. Returns the ids revoked, for the audit trail.
 */
export async function revokeUserApiTokens(q: Queryable, userId: string, now: Date): Promise<string[]> {
  const revoked = await q
    .updateTable('api_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return revoked.map((r) => r.id);
}

export interface TokenUser {
  tokenId: string;
  scopes: string[];
  lastUsedAt: string | null;
  userId: string;
  username: string;
  agencyId: string;
  role: Role;
  /** Whether the user has accepted the code of conduct in force (read with the token, not cached). */
  acceptedConduct: boolean;
}

export async function findLiveApiToken(q: Queryable, id: string, secret: string, now: Date): Promise<TokenUser | undefined> {
  const row = await q
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id as tokenId',
      'api_tokens.token_hash',
      'api_tokens.scopes',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'users.id as userId',
      'users.username',
      'users.agency_id',
      'users.role',
      'users.disabled',
    ])
    .select((eb) => acceptedCurrentConduct(eb.ref('users.id')).as('accepted_conduct'))
    .where('api_tokens.id', '=', id)
    .executeTakeFirst();
  if (!row || row.revoked_at || row.disabled || Date.parse(row.expires_at) <= now.getTime()) return undefined;
  if (row.token_hash !== secretHash(secret)) return undefined;
  return {
    tokenId: row.tokenId,
    scopes: JSON.parse(row.scopes) as string[],
    lastUsedAt: row.last_used_at,
    userId: row.userId,
    username: row.username,
    agencyId: row.agency_id,
    role: row.role as Role,
    acceptedConduct: Number(row.accepted_conduct) === 1,
  };
}

/** Records when a token was last used (at most once a minute), so its owner can spot a leaked or idle one. */
export async function touchApiToken(q: Queryable, token: TokenUser, now: Date): Promise<void> {
  if (token.lastUsedAt && now.getTime() - Date.parse(token.lastUsedAt) < TOUCH_INTERVAL_MS) return;
  await q.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', token.tokenId).execute();
}

export function newId(): string {
  return randomUUID();
}
