import type { ApiTokenView } from '@haven/core';
import { randomUUID } from 'node:crypto';
import { withAudit } from '../../platform/audit/recorder.js';
import { formatApiToken, newSecret, secretHash } from '../../platform/auth/tokens.js';
import type { Permission } from '../../platform/access/roles.js';
import type { Actor, Platform, RequestContext } from '../../platform/context.js';
import { notFound, unprocessable } from '../../platform/http/problem.js';

export const MAX_TOKEN_DAYS = 365;

export type { ApiTokenView } from '@haven/core';

/**
 * An integration token: scoped to some of the creator's permissions, expiring, revocable.
 * The secret is returned once; only its hash is kept.
 */
export async function createApiToken(
  platform: Platform,
  ctx: RequestContext,
  actor: Actor,
  input: { name: string; scopes: Permission[]; expiresInDays: number },
): Promise<ApiTokenView & { token: string }> {
  const beyond = input.scopes.find((s) => !actor.permissions.has(s));
  if (beyond) throw unprocessable('scopes', `your role does not have ${beyond}`);
  const now = platform.clock();
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
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await trx.insertInto('api_tokens').values(row).execute();
    record({ action: 'auth.token_created', recordType: 'api_token', recordId: id, fields: ['name', 'scopes', 'expiresAt'] });
    return { id, name: row.name, scopes: input.scopes, createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: null, lastUsedAt: null, token: formatApiToken(id, secret) };
  });
}

export async function listApiTokens(platform: Platform, actor: Actor): Promise<ApiTokenView[]> {
  const rows = await platform.database.db.selectFrom('api_tokens').selectAll().where('user_id', '=', actor.userId).orderBy('created_at', 'desc').execute();
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

export async function revokeApiToken(platform: Platform, ctx: RequestContext, actor: Actor, id: string): Promise<void> {
  const at = platform.clock().toISOString();
  await withAudit(platform, ctx.audit, async (trx, record) => {
    const result = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('user_id', '=', actor.userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw notFound('API token');
    record({ action: 'auth.token_revoked', recordType: 'api_token', recordId: id });
  });
}
