import type { PathwayView, ProviderView, ServiceType } from '@haven/core';
import type { Queryable } from '../../platform/db/database.js';
import type { ReferralPathwayTable, ServiceProviderTable } from '../../platform/db/schema.js';

export type ProviderRow = ServiceProviderTable;

export type { ProviderView } from '@haven/core';

export function providerView(row: ProviderRow): ProviderView {
  return {
    id: row.id,
    agencyId: row.agency_id,
    name: row.name,
    serviceTypes: JSON.parse(row.service_types) as ServiceType[],
    area: row.area,
    languages: JSON.parse(row.languages) as string[],
    capacity: row.capacity,
    available: row.available,
    hours: row.hours,
    contact: row.contact,
    acceptsFrom: row.accepts_from === null ? null : (JSON.parse(row.accepts_from) as string[]),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type { PathwayView } from '@haven/core';

export function pathwayView(row: ReferralPathwayTable): PathwayView {
  return { id: row.id, serviceType: row.service_type as ServiceType, area: row.area, providerId: row.provider_id, version: row.version, updatedAt: row.updated_at };
}

export async function findProviderRow(q: Queryable, id: string): Promise<ProviderRow | undefined> {
  return q.selectFrom('service_providers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listProviderRows(q: Queryable, filter: { area?: string | undefined; agencyId?: string | undefined }): Promise<ProviderRow[]> {
  let query = q.selectFrom('service_providers').selectAll();
  if (filter.area !== undefined) query = query.where('area', '=', filter.area);
  if (filter.agencyId !== undefined) query = query.where('agency_id', '=', filter.agencyId);
  return query.orderBy('name').orderBy('id').execute();
}

export async function insertProviderRow(q: Queryable, row: ProviderRow): Promise<void> {
  await q.insertInto('service_providers').values(row).execute();
}

/** Applies a change only if the row is still at `expectedVersion`; false when it was not. */
export async function updateProviderRow(q: Queryable, id: string, expectedVersion: number, changes: Partial<ProviderRow>, at: string): Promise<boolean> {
  const result = await q
    .updateTable('service_providers')
    .set({ ...changes, version: expectedVersion + 1, updated_at: at })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findPathwayRow(q: Queryable, id: string): Promise<ReferralPathwayTable | undefined> {
  return q.selectFrom('referral_pathways').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPathwayFor(q: Queryable, serviceType: ServiceType, area: string): Promise<ReferralPathwayTable | undefined> {
  return q.selectFrom('referral_pathways').selectAll().where('service_type', '=', serviceType).where('area', '=', area).executeTakeFirst();
}

export async function listPathwayRows(q: Queryable, filter: { serviceType?: ServiceType | undefined; area?: string | undefined }): Promise<ReferralPathwayTable[]> {
  let query = q.selectFrom('referral_pathways').selectAll();
  if (filter.serviceType !== undefined) query = query.where('service_type', '=', filter.serviceType);
  if (filter.area !== undefined) query = query.where('area', '=', filter.area);
  return query.orderBy('area').orderBy('service_type').execute();
}

export async function pathwaysOfProvider(q: Queryable, providerId: string): Promise<ReferralPathwayTable[]> {
  return q.selectFrom('referral_pathways').selectAll().where('provider_id', '=', providerId).execute();
}

export async function insertPathwayRow(q: Queryable, row: ReferralPathwayTable): Promise<void> {
  await q.insertInto('referral_pathways').values(row).execute();
}

export async function updatePathwayRow(q: Queryable, id: string, expectedVersion: number, providerId: string, at: string): Promise<boolean> {
  const result = await q
    .updateTable('referral_pathways')
    .set({ provider_id: providerId, version: expectedVersion + 1, updated_at: at })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deletePathwayRow(q: Queryable, id: string, expectedVersion: number): Promise<boolean> {
  const result = await q.deleteFrom('referral_pathways').where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function agencyIdsThatExist(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await q.selectFrom('agencies').select('id').where('id', 'in', [...ids]).execute();
  return new Set(rows.map((r) => r.id));
}
