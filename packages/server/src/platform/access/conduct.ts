import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Queryable } from '../db/database.js';

/** The code of conduct in force: the highest published version. */
export async function currentConductVersion(q: Queryable): Promise<number | undefined> {
  const row = await q.selectFrom('conduct_versions').select(({ fn }) => fn.max('version').as('version')).executeTakeFirst();
  return row?.version == null ? undefined : Number(row.version);
}

/**
 * Whether the user (a column of the query it is part of) has accepted the code of conduct in force
 * (seed para 14: standards of conduct for officials), as 1 or 0; with no code published there is
 * nothing to accept. An expression, so the lookup of the caller's session or token answers it in
 * the same query: it is needed before every request that touches personal data.
 */
export function acceptedCurrentConduct(userId: Expression<string>): RawBuilder<number> {
  return sql<number>`case when not exists (select 1 from conduct_versions) or exists (
    select 1 from conduct_acceptances
    where conduct_acceptances.user_id = ${userId}
      and conduct_acceptances.version = (select max(version) from conduct_versions)
  ) then 1 else 0 end`;
}
