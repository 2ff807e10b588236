import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { AgencyType, Role, ServiceType } from '@haven/core';
import type { AuditEvent } from '../platform/audit/chain.js';
import { systemStore } from '../store/system-store.js';
import type { Platform } from '../platform/context.js';
import { createAgency, createUser } from '../features/identity/accounts.js';
import { publishConduct } from '../features/identity/conduct.js';
import { seedDemoHistory, type HistorySize } from './history.js';

/**
 * The demo jurisdiction's SOP profile (the baseline with handover rules for the demo agencies),
 * which `haven serve --demo` runs when HAVEN_PROFILE is not set. Resolved from the package, from
 * the sources as from dist.
 */
export const DEMO_PROFILE_FILE = fileURLToPath(new URL('../../../../profiles/demo-jurisdiction.yaml', import.meta.url));

// A fictional jurisdiction for trying Haven out. Every name here is invented.
const AGENCIES: { key: string; name: string; type: AgencyType; area: string }[] = [
  { key: 'coastguard', name: 'Demo Coast Guard', type: 'government', area: 'Southern coast' },
  { key: 'protection', name: 'Demo Migrant Protection Unit', type: 'government', area: 'National' },
  { key: 'police', name: 'Demo Police Smuggling Investigations', type: 'government', area: 'National' },
  { key: 'coordination', name: 'Demo National Coordination Office', type: 'government', area: 'National' },
  { key: 'rescue', name: 'Demo Sea Rescue NGO', type: 'ngo', area: 'Southern coast' },
  { key: 'refugee', name: 'Demo Refugee Agency', type: 'international', area: 'National' },
  { key: 'clinic', name: 'Demo Harbour Clinic', type: 'service_provider', area: 'Port city' },
  { key: 'shelter', name: 'Demo Children and Families Shelter', type: 'service_provider', area: 'Port city' },
  { key: 'ombudsman', name: 'Demo Ombudsman', type: 'oversight', area: 'National' },
];

const USERS: { username: string; displayName: string; role: Role; agency: string }[] = [
  { username: 'responder', displayName: 'Demo First Responder', role: 'first_responder', agency: 'coastguard' },
  { username: 'officer', displayName: 'Demo Protection Officer', role: 'protection_officer', agency: 'protection' },
  { username: 'provider', displayName: 'Demo Clinic Receptionist', role: 'service_provider', agency: 'clinic' },
  { username: 'investigator', displayName: 'Demo Investigator', role: 'investigator', agency: 'police' },
  { username: 'supervisor', displayName: 'Demo Supervisor', role: 'supervisor', agency: 'protection' },
  { username: 'inspector', displayName: 'Demo Ombudsman Inspector', role: 'oversight', agency: 'ombudsman' },
  { username: 'coordinator', displayName: 'Demo National Coordinator', role: 'coordinator', agency: 'coordination' },
  { username: 'admin', displayName: 'Demo System Administrator', role: 'admin', agency: 'coordination' },
  // A second administrator, because what gives an account case data waits for one (four eyes).
  { username: 'admin2', displayName: 'Demo Second Administrator', role: 'admin', agency: 'coordination' },
];

const DIRECTORY: { agency: string; name: string; services: ServiceType[]; languages: string[]; capacity: number; hours: string }[] = [
  { agency: 'clinic', name: 'Harbour Clinic emergency and primary care', services: ['emergency_medical', 'health', 'maternal_health', 'mhpss', 'disability_support'], languages: ['en', 'fr', 'ar'], capacity: 40, hours: '24/7' },
  { agency: 'shelter', name: 'Children and families shelter', services: ['shelter', 'child_protection', 'guardianship', 'family_tracing'], languages: ['en', 'ar', 'ti'], capacity: 25, hours: '24/7' },
  { agency: 'refugee', name: 'Asylum information and legal aid desk', services: ['asylum', 'legal_aid', 'interpretation'], languages: ['en', 'fr', 'ar', 'fa', 'ti'], capacity: 60, hours: 'Mon–Fri 08:00–18:00' },
  { agency: 'rescue', name: 'Anti-trafficking and victim support team', services: ['anti_trafficking', 'victim_support', 'gbv_services', 'witness_protection'], languages: ['en', 'fr', 'es'], capacity: 15, hours: 'Mon–Sat 09:00–17:00' },
  { agency: 'coordination', name: 'Consular liaison and assisted return desk', services: ['consular', 'voluntary_return'], languages: ['en', 'fr', 'ar'], capacity: 30, hours: 'Mon–Fri 08:00–17:00' },
];

/**
 * The areas of the demo: every agency's. The referral screen looks a pathway up in the officer's
 * agency's area unless another is named, so each of them has a default provider for every service
 * type (a referral the engine calls for never meets an empty directory in the demo).
 */
export const DEMO_AREAS: readonly string[] = [...new Set(AGENCIES.map((a) => a.area))];

export const DEMO_CONDUCT_TEXT = `Code of conduct for officials working with smuggled migrants (demo jurisdiction, version 1).
1. Treat every person with humanity and respect, whatever their status; never treat them worse because they were smuggled.
2. Put life first: emergency medical care, water, food and shelter come before any procedure.
3. Take the special needs of women and children into account; a child is never detained.
4. Never return anyone who fears persecution, and never share anything about an asylum-seeker with the authorities of their country.
5. Open a person's record only when your work needs it; everything you read and change is recorded.
6. Report any failure to assist a person whose life or safety is endangered.`;

export interface DemoCredential {
  username: string;
  role: Role;
  agency: string;
  password: string;
}

/** What seeding the demo made: the one-time credentials, and the synthetic history if one was asked for. */
export interface DemoSeed {
  credentials: DemoCredential[];
  history: HistorySize | undefined;
}

/**
 * Seeds the demo jurisdiction once, with a synthetic year of `history` persons (0: none). Returns
 * the one-time credentials, or undefined if already seeded. The demo's own users are created after
 * the history, so the reminders its overdue obligations called for went to its former officers,
 * not to the supervisor someone signs in as today.
 */
export async function seedDemo(platform: Platform, history = 0): Promise<DemoSeed | undefined> {
  const agencyIds = await seedAgencies(platform);
  if (!agencyIds) return undefined;
  const size = history > 0 ? await seedDemoHistory(platform, history) : undefined;
  const credentials = await seedUsers(platform, agencyIds);
  return { credentials, history: size };
}

/** Seeds the demo jurisdiction once, without history. Returns the one-time credentials, or undefined if already seeded. */
export async function seedDemoJurisdiction(platform: Platform): Promise<DemoCredential[] | undefined> {
  return (await seedDemo(platform))?.credentials;
}

const SEED_AUDIT = { actorUserId: null, actorAgencyId: null, requestId: 'seed-demo', clientAddress: null };

/** The agencies, their service directory and pathways, and the code of conduct, into an empty database. */
async function seedAgencies(platform: Platform): Promise<Map<string, string> | undefined> {
  const now = platform.clock();
  return systemStore(platform, 'demo', SEED_AUDIT).unit(async (unit) => {
    const trx = unit.db;
    const record = (event: AuditEvent) => unit.record(event);
    const existing = await trx.selectFrom('agencies').select('id').limit(1).execute();
    if (existing.length > 0) return undefined;
    const agencyIds = new Map<string, string>();
    for (const agency of AGENCIES) {
      const created = await createAgency(trx, record, { name: agency.name, type: agency.type, area: agency.area }, now);
      agencyIds.set(agency.key, created.id);
    }
    const at = now.toISOString();
    const providerOf = new Map<ServiceType, string>();
    for (const entry of DIRECTORY) {
      const id = randomUUID();
      for (const service of entry.services) if (!providerOf.has(service)) providerOf.set(service, id);
      await trx
        .insertInto('service_providers')
        .values({
          id,
          agency_id: agencyIds.get(entry.agency)!,
          name: entry.name,
          service_types: JSON.stringify(entry.services),
          area: AGENCIES.find((a) => a.key === entry.agency)!.area,
          languages: JSON.stringify(entry.languages),
          capacity: entry.capacity,
          hours: entry.hours,
          contact: null,
          version: 1,
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    for (const area of DEMO_AREAS) {
      for (const [service, providerId] of providerOf) {
        await trx.insertInto('referral_pathways').values({ id: randomUUID(), service_type: service, area, provider_id: providerId, version: 1, created_at: at, updated_at: at }).execute();
      }
    }
    await publishConduct(trx, record, DEMO_CONDUCT_TEXT, null, now);
    return agencyIds;
  });
}

/** One user per role and a second administrator, each with a one-time password. */
async function seedUsers(platform: Platform, agencyIds: Map<string, string>): Promise<DemoCredential[]> {
  const now = platform.clock();
  return systemStore(platform, 'demo', SEED_AUDIT).unit(async (unit) => {
    const record = (event: AuditEvent) => unit.record(event);
    const credentials: DemoCredential[] = [];
    for (const user of USERS) {
      const password = randomBytes(12).toString('base64url');
      await createUser(unit.db, record, { agencyId: agencyIds.get(user.agency)!, username: user.username, displayName: user.displayName, role: user.role, password, mustChangePassword: true }, now);
      credentials.push({ username: user.username, role: user.role, agency: AGENCIES.find((a) => a.key === user.agency)!.name, password });
    }
    record({ action: 'system.seeded', recordType: 'jurisdiction', recordId: 'demo' });
    return credentials;
  });
}
