import type { Queryable } from '../../platform/db/database.js';

/**
 * Staff and agencies by name, for screens that would otherwise show an id ("user e7a00c14"): a
 * user's display name and an agency's name are working data of the administration, not personal
 * data of the people Haven protects.
 */
export async function staffNames(q: Queryable, ids: { users: readonly (string | null)[]; agencies: readonly (string | null)[] }): Promise<{ user(id: string | null): string | null; agency(id: string | null): string | null }> {
  const userIds = [...new Set(ids.users.filter((id): id is string => id !== null))];
  const agencyIds = [...new Set(ids.agencies.filter((id): id is string => id !== null))];
  const users = userIds.length === 0 ? [] : await q.selectFrom('users').select(['id', 'display_name']).where('id', 'in', userIds).execute();
  const agencies = agencyIds.length === 0 ? [] : await q.selectFrom('agencies').select(['id', 'name']).where('id', 'in', agencyIds).execute();
  const userNames = new Map(users.map((u) => [u.id, u.display_name]));
  const agencyNames = new Map(agencies.map((a) => [a.id, a.name]));
  return { user: (id) => (id === null ? null : (userNames.get(id) ?? null)), agency: (id) => (id === null ? null : (agencyNames.get(id) ?? null)) };
}
