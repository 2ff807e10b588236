import { randomUUID } from 'node:crypto';
import type { ProviderInput, ProviderPatch, ServiceType } from '@haven/core';
import type { Queryable } from '../../platform/db/database.js';
import { conflict, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import {
  agencyIdsThatExist,
  deletePathwayRow,
  findPathwayFor,
  findPathwayRow,
  findProviderRow,
  insertPathwayRow,
  insertProviderRow,
  listPathwayRows,
  listProviderRows,
  pathwaysOfProvider,
  pathwayView,
  providerView,
  type DirectoryUnit,
  type PathwayView,
  type ProviderRow,
  type ProviderView,
} from './store.js';

// The service directory: who provides which service where, and the default
// provider per service and area. Administrators keep it; roles that refer read it; a provider's
// own staff keep its free places current.

export type { PathwayView, ProviderView };

/** Whether a provider offers a service, and takes referrals from an agency (no list: any agency). */
export function offers(provider: ProviderView, service: ServiceType): boolean {
  return provider.serviceTypes.includes(service);
}

export function acceptsReferralsFrom(provider: ProviderView, agencyId: string): boolean {
  return provider.acceptsFrom === null || provider.acceptsFrom.includes(agencyId);
}

/** For other features (referrals): a provider of the directory, or undefined. */
export async function findProvider(q: Queryable, id: string): Promise<ProviderView | undefined> {
  const row = await findProviderRow({ db: q }, id);
  return row ? providerView(row) : undefined;
}

/** The default provider for a service in an area, through its pathway; undefined when none is set. */
export async function pathwayProvider(q: Queryable, service: ServiceType, area: string): Promise<{ pathway: PathwayView; provider: ProviderView } | undefined> {
  const pathway = await findPathwayFor({ db: q }, service, area);
  if (!pathway) return undefined;
  const provider = await findProviderRow({ db: q }, pathway.provider_id);
  return provider ? { pathway: pathwayView(pathway), provider: providerView(provider) } : undefined;
}

export async function listProviders(
  store: ScopedStore,
  filter: { service?: ServiceType | undefined; area?: string | undefined; agencyId?: string | undefined },
): Promise<ProviderView[]> {
  const rows = await listProviderRows(store.platform.database, filter);
  const views = rows.map(providerView);
  return filter.service === undefined ? views : views.filter((p) => offers(p, filter.service!));
}

/** The caller's own agency's entries in the directory: what a provider reports its free places on. */
export async function listMyProviders(store: ScopedStore): Promise<ProviderView[]> {
  return listProviders(store, { agencyId: store.actor.agencyId });
}

export async function readProvider(store: ScopedStore, id: string): Promise<ProviderView> {
  const row = await findProviderRow(store.platform.database, id);
  if (!row) throw notFound('provider');
  return providerView(row);
}

async function checkAgencies(unit: DirectoryUnit, agencyId: string | undefined, acceptsFrom: readonly string[] | null | undefined): Promise<void> {
  const wanted = [...(agencyId ? [agencyId] : []), ...(acceptsFrom ?? [])];
  const found = await agencyIdsThatExist(unit, wanted);
  if (agencyId && !found.has(agencyId)) throw unprocessable('agencyId', 'no such agency');
  const unknown = (acceptsFrom ?? []).find((id) => !found.has(id));
  if (unknown) throw unprocessable('acceptsFrom', `no such agency ${unknown}`);
}

function checkAvailability(capacity: number | null | undefined, available: number | null | undefined): void {
  if (capacity != null && available != null && available > capacity) throw unprocessable('available', `must not exceed the capacity (${capacity})`);
}

export async function createProvider(store: ScopedStore, input: ProviderInput): Promise<ProviderView> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    await checkAgencies(unit, input.agencyId, input.acceptsFrom);
    checkAvailability(input.capacity, input.available);
    const row: ProviderRow = {
      id: randomUUID(),
      agency_id: input.agencyId,
      name: input.name,
      service_types: JSON.stringify(input.serviceTypes),
      area: input.area,
      languages: JSON.stringify(input.languages),
      capacity: input.capacity ?? null,
      available: input.available ?? null,
      hours: input.hours ?? null,
      contact: input.contact ?? null,
      accepts_from: input.acceptsFrom == null ? null : JSON.stringify(input.acceptsFrom),
      version: 1,
      created_at: at,
      updated_at: at,
    };
    await insertProviderRow(unit, row);
    unit.record({ action: 'provider.create', recordType: 'service_provider', recordId: row.id, fields: Object.keys(input) });
    return providerView(row);
  });
}

export async function updateProvider(store: ScopedStore, id: string, patch: ProviderPatch): Promise<ProviderView> {
  const at = store.platform.clock().toISOString();
  const { version, ...changes } = patch;
  return store.unit(async (unit) => {
    const row = await findProviderRow(unit, id);
    if (!row) throw notFound('provider');
    if (row.version !== version) throw staleVersion('provider', row.version);
    await checkAgencies(unit, undefined, changes.acceptsFrom);
    const current = providerView(row);
    checkAvailability(changes.capacity !== undefined ? changes.capacity : current.capacity, changes.available !== undefined ? changes.available : current.available);
    if (changes.serviceTypes) {
      // A pathway must not point at a provider that no longer offers its service.
      const orphaned = (await pathwaysOfProvider(unit, id)).find((p) => !changes.serviceTypes!.includes(p.service_type as ServiceType));
      if (orphaned) throw unprocessable('serviceTypes', `the default provider for ${orphaned.service_type} in ${orphaned.area} is this provider; change that pathway first`);
    }
    const set: Partial<ProviderRow> = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.serviceTypes !== undefined) set.service_types = JSON.stringify(changes.serviceTypes);
    if (changes.area !== undefined) set.area = changes.area;
    if (changes.languages !== undefined) set.languages = JSON.stringify(changes.languages);
    if (changes.capacity !== undefined) set.capacity = changes.capacity;
    if (changes.available !== undefined) set.available = changes.available;
    if (changes.hours !== undefined) set.hours = changes.hours;
    if (changes.contact !== undefined) set.contact = changes.contact;
    if (changes.acceptsFrom !== undefined) set.accepts_from = changes.acceptsFrom === null ? null : JSON.stringify(changes.acceptsFrom);
    await unit.updateVersioned({ table: 'service_providers', id, version, set, recordType: 'provider', at });
    unit.record({ action: 'provider.update', recordType: 'service_provider', recordId: id, fields: Object.keys(changes) });
    return providerView((await findProviderRow(unit, id))!);
  });
}

/** A provider's own staff report their free places; another agency's provider is not found. */
export async function updateAvailability(store: ScopedStore, id: string, version: number, available: number): Promise<ProviderView> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    const row = await findProviderRow(unit, id);
    if (!row || row.agency_id !== unit.actor.agencyId) throw notFound('provider');
    if (row.version !== version) throw staleVersion('provider', row.version);
    checkAvailability(row.capacity, available);
    await unit.updateVersioned({ table: 'service_providers', id, version, set: { available }, recordType: 'provider', at });
    unit.record({ action: 'provider.update', recordType: 'service_provider', recordId: id, fields: ['available'] });
    return providerView((await findProviderRow(unit, id))!);
  });
}

export async function listPathways(store: ScopedStore, filter: { serviceType?: ServiceType | undefined; area?: string | undefined }): Promise<PathwayView[]> {
  return (await listPathwayRows(store.platform.database, filter)).map(pathwayView);
}

async function providerForPathwayOrThrow(unit: DirectoryUnit, providerId: string, service: ServiceType): Promise<void> {
  const provider = await findProviderRow(unit, providerId);
  if (!provider) throw unprocessable('providerId', 'no such provider in the directory');
  if (!offers(providerView(provider), service)) throw unprocessable('providerId', `${provider.name} does not offer ${service}`);
}

export async function createPathway(store: ScopedStore, input: { serviceType: ServiceType; area: string; providerId: string }): Promise<PathwayView> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    await providerForPathwayOrThrow(unit, input.providerId, input.serviceType);
    const existing = await findPathwayFor(unit, input.serviceType, input.area);
    if (existing) throw conflict('pathway-exists', `${input.area} already has a default provider for ${input.serviceType}; change that pathway instead.`, { pathwayId: existing.id });
    const row = { id: randomUUID(), service_type: input.serviceType, area: input.area, provider_id: input.providerId, version: 1, created_at: at, updated_at: at };
    // The unique (service, area) key refuses a concurrent duplicate.
    await insertPathwayRow(unit, row);
    unit.record({ action: 'pathway.create', recordType: 'referral_pathway', recordId: row.id, fields: ['serviceType', 'area', 'providerId'] });
    return pathwayView(row);
  });
}

export async function updatePathway(store: ScopedStore, id: string, version: number, providerId: string): Promise<PathwayView> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    const row = await findPathwayRow(unit, id);
    if (!row) throw notFound('pathway');
    if (row.version !== version) throw staleVersion('pathway', row.version);
    await providerForPathwayOrThrow(unit, providerId, row.service_type as ServiceType);
    await unit.updateVersioned({ table: 'referral_pathways', id, version, set: { provider_id: providerId }, recordType: 'pathway', at });
    unit.record({ action: 'pathway.update', recordType: 'referral_pathway', recordId: id, fields: ['providerId'] });
    return pathwayView((await findPathwayRow(unit, id))!);
  });
}

export async function deletePathway(store: ScopedStore, id: string, version: number): Promise<void> {
  await store.unit(async (unit) => {
    const row = await findPathwayRow(unit, id);
    if (!row) throw notFound('pathway');
    if (row.version !== version || !(await deletePathwayRow(unit, id, version))) throw staleVersion('pathway', row.version);
    unit.record({ action: 'pathway.delete', recordType: 'referral_pathway', recordId: id, fields: ['serviceType', 'area', 'providerId'] });
  });
}
