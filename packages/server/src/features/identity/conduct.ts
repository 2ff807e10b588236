import type { ConductView } from '@haven/core';
import { withAudit } from '../../platform/audit/recorder.js';
import { currentConductVersion } from '../../platform/access/conduct.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { conflict, notFound } from '../../platform/http/problem.js';
import type { Queryable } from '../../platform/db/database.js';

export type { ConductView } from '@haven/core';

export async function currentConduct(q: Queryable, userId: string): Promise<ConductView | undefined> {
  const version = await currentConductVersion(q);
  if (version === undefined) return undefined;
  const row = await q.selectFrom('conduct_versions').selectAll().where('version', '=', version).executeTakeFirstOrThrow();
  const acceptance = await q
    .selectFrom('conduct_acceptances')
    .select('accepted_at')
    .where('user_id', '=', userId)
    .where('version', '=', version)
    .executeTakeFirst();
  return { version, text: row.text, publishedAt: row.published_at, acceptedAt: acceptance?.accepted_at ?? null };
}

/** Records that the user accepted this version; it must be the one in force. */
export async function acceptConduct(platform: Platform, ctx: RequestContext, userId: string, version: number): Promise<ConductView> {
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const current = await currentConductVersion(trx);
    if (current === undefined) throw notFound('code of conduct');
    if (current !== version) throw conflict('conduct-version', `Version ${version} is not the code in force (version ${current}); read it again.`, { currentVersion: current });
    const already = await trx.selectFrom('conduct_acceptances').select('version').where('user_id', '=', userId).where('version', '=', version).executeTakeFirst();
    if (!already) {
      await trx.insertInto('conduct_acceptances').values({ user_id: userId, version, accepted_at: at }).execute();
      record({ action: 'conduct.accepted', recordType: 'conduct', recordId: String(version) });
    }
    return (await currentConduct(trx, userId))!;
  });
}

/** Publishes a new version; every user must accept it before their next access to personal data. */
export async function publishConduct(q: Queryable, record: (e: { action: 'conduct.published'; recordType: string; recordId: string; fields: string[] }) => void, text: string, publishedBy: string | null, now: Date): Promise<number> {
  const version = ((await currentConductVersion(q)) ?? 0) + 1;
  await q.insertInto('conduct_versions').values({ version, text, published_at: now.toISOString(), published_by: publishedBy }).execute();
  record({ action: 'conduct.published', recordType: 'conduct', recordId: String(version), fields: ['text'] });
  return version;
}
