import { FIELD_GROUPS, type FieldGroup } from '@haven/core';
import type { Actor } from '../context.js';
import type { Queryable } from '../db/database.js';
import { forbidden, notFound } from '../http/problem.js';

/**
 * Record scope: which field groups of a person an actor may see. An agency sees the persons whose
 * case it works on (all the groups its role allows) and persons shared with it by an access grant
 * (a referral, a handover): only the groups granted, narrowed again by its role, while the grant
 * is neither revoked nor past its end (`now`, the platform clock). Undefined means not visible.
 */
export async function personFieldGroups(q: Queryable, actor: Actor, personId: string, now: string): Promise<Set<FieldGroup> | undefined> {
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
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
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

/**
 * Whether the actor's agency handed this person's case over and still holds its operational access
 * (the first-contact agency logs assistance while it lasts).
 */
export async function holdsHandoverAccess(q: Queryable, actor: Actor, personId: string, now: string): Promise<boolean> {
  const row = await q
    .selectFrom('access_grants')
    .select('id')
    .where('person_id', '=', personId)
    .where('agency_id', '=', actor.agencyId)
    .where('source_type', '=', 'handover')
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The groups the actor sees of a person, or 404 when the person is outside their scope. `record`
 * names what the request reached the person through (a case, an obligation, a merge found by its
 * own id): that record is then the one not found, in the very words an id that does not exist gets.
 */
export async function visibleGroupsOrThrow(q: Queryable, actor: Actor, personId: string, now: string, record = 'person'): Promise<Set<FieldGroup>> {
  const groups = await personFieldGroups(q, actor, personId, now);
  if (!groups) throw notFound(record);
  return groups;
}

/**
 * For writes to a case: the person must be visible (else 404, naming `record` as above) and the
 * actor's agency must work on the case (else 403; an agency a referral shared fields with reads,
 * it does not write).
 */
export async function assertWorksOnCase(q: Queryable, actor: Actor, personId: string, now: string, record = 'person'): Promise<Set<FieldGroup>> {
  const groups = await visibleGroupsOrThrow(q, actor, personId, now, record);
  if (!(await worksOnCase(q, actor, personId))) throw forbidden('Only an agency working on the case may change it.');
  return groups;
}
