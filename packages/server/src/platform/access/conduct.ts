import type { Queryable } from '../db/database.js';

/** The code of conduct in force: the highest published version. */
export async function currentConductVersion(q: Queryable): Promise<number | undefined> {
  const row = await q.selectFrom('conduct_versions').select(({ fn }) => fn.max('version').as('version')).executeTakeFirst();
  return row?.version == null ? undefined : Number(row.version);
}

/**
 * Whether the user has accepted the code of conduct in force (seed para 14: standards of conduct
 * for officials). With no code published there is nothing to accept. One query: it runs before
 * every request that touches personal data.
 */
export async function hasAcceptedCurrentConduct(q: Queryable, userId: string): Promise<boolean> {
  const row = await q
    .selectFrom('conduct_versions as current')
    .leftJoin('conduct_acceptances as accepted', (join) =>
      join.onRef('accepted.version', '=', 'current.version').on('accepted.user_id', '=', userId),
    )
    .select(['current.version', 'accepted.accepted_at'])
    .orderBy('current.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined || row.accepted_at !== null;
}
