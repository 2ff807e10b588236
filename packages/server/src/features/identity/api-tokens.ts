import type { ApiTokenView } from '@haven/core';
import { randomUUID } from 'node:crypto';
import { formatApiToken, newSecret, secretHash } from '../../platform/auth/tokens.js';
import type { Permission } from '../../platform/access/roles.js';
import { notFound, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import { apiTokensOf, insertApiToken, revokeOwnApiToken } from './store.js';

export const MAX_TOKEN_DAYS = 365;

export type { ApiTokenView } from '@haven/core';

/**
 * An integration token of the caller: scoped to some of their permissions, expiring, revocable.
 * The secret is returned once; only its hash is kept.
 */
export async function createApiToken(store: ScopedStore, input: { name: string; scopes: Permission[]; expiresInDays: number }): Promise<ApiTokenView & { token: string }> {
  const { actor } = store;
  const beyond = input.scopes.find((s) => !actor.permissions.has(s));
  if (beyond) throw unprocessable('scopes', `your role does not have ${beyond}`);
  const now = store.platform.clock();
  const id = randomUUID();
  const secret = newSecret();
  const row = {
    id,
    user_id: actor.userId,
    name: input.name,
    token_hash: secretHash(secret),
    scopes: JSON.stringify(input.scopes),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString(),
    revoked_at: null,
    last_used_at: null,
  };
  return store.unit(async (unit) => {
    await insertApiToken(unit.db, row);
    unit.record({ action: 'auth.token_created', recordType: 'api_token', recordId: id, fields: ['name', 'scopes', 'expiresAt'] });
    return { id, name: row.name, scopes: input.scopes, createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: null, lastUsedAt: null, token: formatApiToken(id, secret) };
  });
}

/** The caller's API tokens, the latest first. */
export async function listApiTokens(store: ScopedStore): Promise<ApiTokenView[]> {
  const rows = await apiTokensOf(store.platform.database.db, store.actor.userId);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    scopes: JSON.parse(r.scopes) as Permission[],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** Revokes one of the caller's tokens; another's, or one already revoked, is not found. */
export async function revokeApiToken(store: ScopedStore, id: string): Promise<void> {
  const at = store.platform.clock().toISOString();
  await store.unit(async (unit) => {
    if (!(await revokeOwnApiToken(unit.db, unit.actor.userId, id, at))) throw notFound('API token');
    unit.record({ action: 'auth.token_revoked', recordType: 'api_token', recordId: id });
  });
}
