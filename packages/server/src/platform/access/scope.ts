import { FIELD_GROUPS, type FieldGroup } from '@haven/core';
import type { Actor } from '../context.js';
import type { Queryable } from '../db/database.js';

/**
 * Record scope: which field groups of a person an actor may see. An agency sees the persons whose
 * case it works on (all the groups its role allows) and persons shared with it by an access grant
 * (a referral): only the groups granted, narrowed again by its role. Undefined means not visible.
 */
export async function personFieldGroups(q: Queryable, actor: Actor, personId: string): Promise<Set<FieldGroup> | undefined> {
  const own = await q
    .selectFrom('cases')
    .select('id')
    .where('person_id', '=', personId)
    .where('agency_id', '=', actor.agencyId)
    .executeTakeFirst();
  if (own) return new Set(actor.fieldGroups);
  const grants = await q
    .selectFrom('access_grants')
    .select('field_groups')
    .where('person_id', '=', personId)
    .where('agency_id', '=', actor.agencyId)
    .where('revoked_at', 'is', null)
    .execute();
  if (grants.length === 0) return undefined;
  const granted = new Set(grants.flatMap((g) => JSON.parse(g.field_groups) as FieldGroup[]));
  return new Set(FIELD_GROUPS.filter((g) => granted.has(g) && actor.fieldGroups.has(g)));
}

/** Whether the actor's agency works on the person's case (and so may change the record). */
export async function worksOnCase(q: Queryable, actor: Actor, personId: string): Promise<boolean> {
  const row = await q
    .selectFrom('cases')
    .select('id')
    .where('person_id', '=', personId)
    .where('agency_id', '=', actor.agencyId)
    .executeTakeFirst();
  return row !== undefined;
}
