import type { PathwayView, ProviderView, ServiceType } from '@haven/core';
import type { Queryable } from '../../platform/db/database.js';
import type { ReferralPathwayTable, ServiceProviderTable } from '../../platform/db/schema.js';

export type ProviderRow = ServiceProviderTable;

/** What the directory's queries use of a unit of work (or of the database, for reads outside one). */
export interface DirectoryUnit {
  readonly db: Queryable;
}

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

export async function findProviderRow(unit: DirectoryUnit, id: string): Promise<ProviderRow | undefined> {
  return unit.db.selectFrom('service_providers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listProviderRows(unit: DirectoryUnit, filter: { area?: string | undefined; agencyId?: string | undefined }): Promise<ProviderRow[]> {
  let query = unit.db.selectFrom('service_providers').selectAll();
  if (filter.area !== undefined) query = query.where('area', '=', filter.area);
  if (filter.agencyId !== undefined) query = query.where('agency_id', '=', filter.agencyId);
  return query.orderBy('name').orderBy('id').execute();
}

export async function insertProviderRow(unit: DirectoryUnit, row: ProviderRow): Promise<void> {
  await unit.db.insertInto('service_providers').values(row).execute();
}

export async function findPathwayRow(unit: DirectoryUnit, id: string): Promise<ReferralPathwayTable | undefined> {
  return unit.db.selectFrom('referral_pathways').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPathwayFor(unit: DirectoryUnit, serviceType: ServiceType, area: string): Promise<ReferralPathwayTable | undefined> {
  return unit.db.selectFrom('referral_pathways').selectAll().where('service_type', '=', serviceType).where('area', '=', area).executeTakeFirst();
}

export async function listPathwayRows(unit: DirectoryUnit, filter: { serviceType?: ServiceType | undefined; area?: string | undefined }): Promise<ReferralPathwayTable[]> {
  let query = unit.db.selectFrom('referral_pathways').selectAll();
  if (filter.serviceType !== undefined) query = query.where('service_type', '=', filter.serviceType);
  if (filter.area !== undefined) query = query.where('area', '=', filter.area);
  return query.orderBy('area').orderBy('service_type').execute();
}

export async function pathwaysOfProvider(unit: DirectoryUnit, providerId: string): Promise<ReferralPathwayTable[]> {
  return unit.db.selectFrom('referral_pathways').selectAll().where('provider_id', '=', providerId).execute();
}

export async function insertPathwayRow(unit: DirectoryUnit, row: ReferralPathwayTable): Promise<void> {
  await unit.db.insertInto('referral_pathways').values(row).execute();
}

export async function deletePathwayRow(unit: DirectoryUnit, id: string, expectedVersion: number): Promise<boolean> {
  const result = await unit.db.deleteFrom('referral_pathways').where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function agencyIdsThatExist(unit: DirectoryUnit, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await unit.db.selectFrom('agencies').select('id').where('id', 'in', [...ids]).execute();
  return new Set(rows.map((r) => r.id));
}
