import type { Queryable } from '../db/database.js';

/** The code of conduct in force: the highest published version. */
export async function currentConductVersion(q: Queryable): Promise<number | undefined> {
  const row = await q.selectFrom('conduct_versions').select(({ fn }) => fn.max('version').as('version')).executeTakeFirst();
  return row?.version == null ? undefined : Number(row.version);
}

/**
 * Whether the user has accepted the code of conduct in force (seed para 14: standards of conduct
 * for officials). With no code published there is nothing to accept.
 */
export async function hasAcceptedCurrentConduct(q: Queryable, userId: string): Promise<boolean> {
  const version = await currentConductVersion(q);
  if (version === undefined) return true;
  const accepted = await q
    .selectFrom('conduct_acceptances')
    .select('version')
    .where('user_id', '=', userId)
    .where('version', '=', version)
    .executeTakeFirst();
  return accepted !== undefined;
}
