import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '@haven/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretHash } from '../platform/auth/tokens.js';
import { notify } from './notifications/service.js';
import { systemStore } from '../store/system-store.js';
import { AUTHORIZATION_MATRIX, type TargetKind, type Targets } from '../test-support/authorization-matrix.js';
import { databaseKinds } from '../test-support/databases.js';
import { anonymous, makeAgency, makeUser, sessionFor, startTestServer, type Caller, type HttpAnswer, type TestServer } from '../test-support/server.js';

/**
 * Every route that serves personal data leaves a trace naming the record it served: for each route
 * the server registers with `personalData: true`, a successful call must add at least one audit
 * event naming the route's record (the record of its path, the person a query names, or the record
 * the answer carries: created, or read through its person), and a list must name every record it
 * returns. Routes are read from the running
 * server, and each is called as the authorization matrix describes it unless a call below says
 * otherwise, so a new personal route is held to this without editing the test; one the test cannot
 * call successfully fails by name.
 */

const PAST = '2026-03-01T05:45:00Z';
/** Personal values every person of the world carries: no route that is not marked personal may answer them. */
const MARK = { familyName: 'Leakmark Wolde', phone: '+39 333 909 1717' };

/** Roles tried in this order among those the matrix lets call a route: the supervisor reaches the most. */
const PREFERRED: readonly Role[] = ['supervisor', 'protection_officer', 'investigator', 'oversight', 'first_responder', 'service_provider', 'coordinator', 'admin'];

interface Call {
  path: string;
  body?: unknown;
  /** Records each of which the call's audit must name, instead of the route's own: a call that makes or touches several. */
  names?: (answer: HttpAnswer) => Promise<readonly string[]>;
}

interface World {
  server: TestServer;
  agency: string;
  users: Map<Role, string>;
  encounter: string;
  provider: string;
  as(role: Role): Promise<Caller>;
  person(): Promise<string>;
  target(kind: TargetKind): Promise<Targets>;
  referral(status: 'draft' | 'sent' | 'accepted' | 'in_progress'): Promise<Targets & { personId: string }>;
}

/**
 * A call built here instead of the matrix's: where the matrix asks for a refusal (a person linked to
 * themself, a provider that does not exist), or where the records the audit must name are others
 * than the route's own.
 */
interface PersonalCall {
  role?: Role;
  build(world: World): Promise<Call>;
}

const CALLS: Record<string, PersonalCall> = {
  // The intake queue lists only cases nobody has: one is left to nobody first.
  'GET /api/queues/intake': {
    role: 'supervisor',
    build: async (w) => {
      const supervisor = await w.as('supervisor');
      const kase = (await supervisor.get(`/api/persons/${await w.person()}/case`)).body as { id: string; version: number };
      const left = await supervisor.patch(`/api/cases/${kase.id}`, { version: kase.version, officerId: null });
      expect(left.status, explain(left)).toBe(200);
      return { path: '/api/queues/intake?limit=500' };
    },
  },
  // The matrix assigns to nobody who exists; here, to the supervisor themself, and the audit names each case.
  'POST /api/cases/assignments': {
    role: 'supervisor',
    build: async (w) => {
      const kase = await w.target('case');
      return { path: '/api/cases/assignments', body: { officerId: w.users.get('supervisor'), cases: [{ caseId: kase.id, version: kase.version }] } };
    },
  },
  // The matrix names an area nobody knows (422): the provider's is one.
  'POST /api/service-gaps': {
    build: async (w) => {
      const personId = await w.person();
      return { path: '/api/service-gaps', body: { personId, serviceType: 'mhpss', area: 'Coverage' }, names: async () => [personId] };
    },
  },
  // A list of one person's gaps: one is recorded first.
  'GET /api/service-gaps': {
    build: async (w) => {
      const personId = await w.person();
      const gap = await (await w.as('supervisor')).post('/api/service-gaps', { personId, serviceType: 'mhpss', area: 'Coverage' });
      expect(gap.status, explain(gap)).toBe(201);
      return { path: `/api/service-gaps?personId=${personId}` };
    },
  },
  // My notifications name the persons they are about: one is put on the supervisor's list first.
  'GET /api/notifications': {
    role: 'supervisor',
    build: async (w) => {
      const personId = await w.person();
      const at = w.server.platform.clock().toISOString();
      await systemStore(w.server.platform, 'demo').unit((unit) => notify(unit, { userIds: [w.users.get('supervisor')!], kind: 'obligation_overdue', personId, at }));
      return { path: '/api/notifications', names: async (answer) => (answer.body as { personId: string | null }[]).flatMap((n) => (n.personId ? [n.personId] : [])) };
    },
  },
  // The matrix links a person to themself, which is refused.
  'POST /api/persons/:id/family-links': {
    build: async (w) => ({ path: `/api/persons/${await w.person()}/family-links`, body: { relatedPersonId: await w.person(), relation: 'sibling' } }),
  },
  'POST /api/persons/:id/merge': {
    build: async (w) => ({ path: `/api/persons/${await w.person()}/merge`, body: { duplicateId: await w.person(), reason: 'Audit coverage: the same girl registered twice' } }),
  },
  // The answer names the merge; the audit names the two persons it joined, which is what was read and changed.
  'POST /api/person-merges/:id/unmerge': {
    build: async (w) => {
      const [survivor, duplicate] = [await w.person(), await w.person()];
      const merged = await (await w.as('supervisor')).post(`/api/persons/${survivor}/merge`, { duplicateId: duplicate, reason: 'Audit coverage: merged to be unmerged' });
      expect(merged.status, explain(merged)).toBe(201);
      return { path: `/api/person-merges/${merged.body.id}/unmerge`, names: async () => [survivor, duplicate] };
    },
  },
  // Registration answers every person it registered, each of which the audit must name.
  'POST /api/encounters/:id/persons': {
    build: async (w) => ({
      path: `/api/encounters/${w.encounter}/persons`,
      body: { persons: [{ givenName: 'Coverage', sex: 'female', ageClaimed: 30 }, { givenName: 'Coverage', sex: 'male', ageClaimed: 31 }] },
      names: async (answer) => (answer.body.persons as { id: string }[]).map((p) => p.id),
    }),
  },
  // Assistance for everyone of an encounter answers a count; the audit names each assistance given.
  'POST /api/encounters/:id/assistance': {
    build: async (w) => {
      const officer = await w.as('protection_officer');
      const encounter = await officer.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: PAST, place: { name: 'Coverage beach' } });
      expect(encounter.status, explain(encounter)).toBe(201);
      const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons: [{ givenName: 'Coverage', sex: 'female' }, { givenName: 'Coverage', sex: 'male' }] });
      expect(registered.status, explain(registered)).toBe(201);
      const given = async () => (await w.server.platform.database.db.selectFrom('assistance').select('id').where('encounter_id', '=', encounter.body.id).execute()).map((row) => row.id);
      return {
        path: `/api/encounters/${encounter.body.id}/assistance`,
        body: { type: 'water', givenAt: PAST },
        names: async (answer) => {
          const ids = await given();
          expect(ids.length, 'assistance given').toBe(answer.body.recorded);
          return ids;
        },
      };
    },
  },
  // A search by name lists persons: each one found is a read of that person.
  'GET /api/persons/search': {
    build: async (w) => {
      const registered = await (await w.as('protection_officer')).post('/api/persons', { givenName: 'Senait', familyName: 'Coverage Haile', sex: 'female' });
      expect(registered.status).toBe(201);
      return {
        path: `/api/persons/search?name=${encodeURIComponent('Senait Coverage Haile')}`,
        names: async (answer) => {
          const found = (answer.body.items as { personId: string }[]).map((item) => item.personId);
          expect(found, 'persons found').toContain(registered.body.id);
          return found;
        },
      };
    },
  },
  // Likely duplicates are other persons' records: each one shown is a read of that person.
  'GET /api/persons/:id/duplicates': {
    build: async (w) => {
      const officer = await w.as('protection_officer');
      const man = { givenName: 'Yonas', familyName: 'Tesfay Gebre', sex: 'male', birthDate: '1990-05-01', nationality: 'ER' };
      const [earlier, later] = [await officer.post('/api/persons', man), await officer.post('/api/persons', man)];
      expect([earlier.status, later.status]).toEqual([201, 201]);
      return {
        path: `/api/persons/${later.body.id}/duplicates`,
        names: async (answer) => {
          const candidates = (answer.body.items as { personId: string }[]).map((item) => item.personId);
          expect(candidates, 'likely duplicates').toContain(earlier.body.id);
          return [later.body.id, ...candidates];
        },
      };
    },
  },
  // Duplicates across agencies: the answer names the request; deciding it names the request too.
  'POST /api/persons/:id/link-requests': {
    build: async (w) => {
      const other = await otherAgencyOfficer(w);
      const held = await other.post('/api/persons', { ...GIRL, givenName: 'Coverage Abrehet' });
      expect(held.status, explain(held)).toBe(201);
      const mine = await (await w.as('protection_officer')).post('/api/persons?duplicates=true', { ...GIRL, givenName: 'Coverage Abrehet' });
      expect(mine.body.likelyMatchesElsewhere, explain(mine)).toHaveLength(1);
      return { path: `/api/persons/${mine.body.id}/link-requests`, body: { reference: mine.body.likelyMatchesElsewhere[0].reference, kind: 'link' } };
    },
  },
  'POST /api/link-requests/:id/accept': { build: async (w) => ({ path: `/api/link-requests/${await incomingRequest(w, 'Coverage Mhret')}/accept`, body: { version: 1 } }) },
  'POST /api/link-requests/:id/refuse': {
    build: async (w) => ({ path: `/api/link-requests/${await incomingRequest(w, 'Coverage Tirhas')}/refuse`, body: { version: 1, reason: 'Audit coverage: not the same girl' } }),
  },
  // A guarded action the guard lets through: an adult with no protection standing may be returned.
  'POST /api/persons/:id/actions/:action': {
    build: async (w) => ({ path: `/api/persons/${await adult(w)}/actions/return`, body: { details: 'Readmission flight' } }),
  },
  // The matrix's girl fears return, so nothing may go to her consulate.
  'POST /api/persons/:id/consular-notifications': {
    build: async (w) => ({ path: `/api/persons/${await adult(w)}/consular-notifications`, body: { post: 'Coverage consulate', sentAt: PAST, channel: 'email' } }),
  },
  'POST /api/referrals': {
    build: async (w) => ({ path: '/api/referrals', body: { personId: await consentingPerson(w), providerId: w.provider, service: 'asylum' } }),
  },
  'POST /api/referrals/:id/send': { build: async (w) => ({ path: `/api/referrals/${(await w.referral('draft')).id}/send`, body: { version: 1 } }) },
  'POST /api/referrals/:id/start': {
    build: async (w) => {
      const r = await w.referral('accepted');
      return { path: `/api/referrals/${r.id}/start`, body: { version: r.version } };
    },
  },
  'POST /api/referrals/:id/complete': {
    build: async (w) => {
      const r = await w.referral('in_progress');
      return { path: `/api/referrals/${r.id}/complete`, body: { version: r.version, feedback: 'Audit coverage: service given' } };
    },
  },
  'POST /api/persons/:id/consents': {
    build: async (w) => ({ path: `/api/persons/${await w.person()}/consents`, body: { recipientAgencyId: w.agency, purpose: 'asylum', status: 'given', language: 'en', interpreter: false } }),
  },
  'POST /api/persons/:id/justice-links': {
    build: async (w) => ({ path: `/api/persons/${await w.person()}/justice-links`, body: { investigationId: (await w.target('investigation')).id, role: 'witness' } }),
  },
  // The investigating agency links a person it sees (of its own agency here) to its investigation.
  'POST /api/investigations/:id/links': {
    build: async (w) => ({ path: `/api/investigations/${(await w.target('investigation')).id}/links`, body: { personId: await w.person(), role: 'victim' } }),
  },
  // An incident from the investigation: each incident and each link it answers is named.
  'POST /api/investigations/:id/incidents': {
    build: async (w) => ({
      path: `/api/investigations/${(await w.target('investigation')).id}/incidents`,
      body: { kind: 'assault', occurredAt: PAST, victims: [await w.person()], witnesses: [await w.person()] },
      names: async (answer) => [...(answer.body.incidents as { id: string }[]), ...(answer.body.links as { id: string }[])].map((record) => record.id),
    }),
  },
};

function explain(answer: HttpAnswer): string {
  const type = typeof answer.body?.type === 'string' ? String(answer.body.type).split('/').pop() : '';
  return `${answer.status} ${type} ${answer.body?.detail ?? ''}`.trim();
}

/** A girl two agencies may each register: a likely match of one another across agencies. */
const GIRL = { familyName: 'Coverage Kidane', sex: 'female', birthDate: '2010-08-19', birthDatePrecision: 'day', nationality: 'ER' };
const elsewhere = new WeakMap<TestServer, Caller>();

/** An officer of a second agency, made once per server. */
async function otherAgencyOfficer(w: World): Promise<Caller> {
  let officer = elsewhere.get(w.server);
  if (!officer) {
    const agency = await makeAgency(w.server.platform, 'Coverage elsewhere');
    officer = await sessionFor(w.server, await makeUser(w.server.platform, agency, 'protection_officer', 'officer.elsewhere'));
    elsewhere.set(w.server, officer);
  }
  return officer;
}

/** A link request the second agency makes about a record the world's agency holds: the world's agency decides it. */
async function incomingRequest(w: World, givenName: string): Promise<string> {
  const held = await (await w.as('protection_officer')).post('/api/persons', { ...GIRL, givenName });
  expect(held.status, explain(held)).toBe(201);
  const other = await otherAgencyOfficer(w);
  const theirs = await other.post('/api/persons?duplicates=true', { ...GIRL, givenName });
  expect(theirs.body.likelyMatchesElsewhere, explain(theirs)).toHaveLength(1);
  const asked = await other.post(`/api/persons/${theirs.body.id}/link-requests`, { reference: theirs.body.likelyMatchesElsewhere[0].reference, kind: 'take_over' });
  expect(asked.status, explain(asked)).toBe(201);
  return asked.body.id as string;
}

/** A fresh adult with no protection standing: guarded actions are open. */
async function adult(w: World): Promise<string> {
  const registered = await (await w.as('protection_officer')).post('/api/persons', { givenName: 'Coverage', sex: 'male', ageClaimed: 40 });
  expect(registered.status, explain(registered)).toBe(201);
  return registered.body.id as string;
}

/** A fresh person with consent on file for a referral to the world's own provider for asylum. */
async function consentingPerson(w: World): Promise<string> {
  const personId = await w.person();
  const consent = await (await w.as('protection_officer')).post(`/api/persons/${personId}/consents`, { recipientAgencyId: w.agency, purpose: 'asylum', status: 'given', language: 'en', interpreter: false });
  expect(consent.status, explain(consent)).toBe(201);
  return personId;
}

/** `persons` → `person`, `justice-links` → `justice_link`: the record type a path segment names. */
const recordTypeOf = (segment: string) => segment.replace(/s$/, '').replace(/-/g, '_');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The records a route's path and query name: `/api/persons/:id/detentions/:detentionId` names a person and a detention. */
function pathRecords(pattern: string, path: string): { recordType: string; recordId: string }[] {
  const [route] = path.split('?') as [string];
  const patternParts = pattern.split('/');
  const pathParts = route.split('/');
  const records = patternParts.flatMap((part, i) => (part.startsWith(':') && UUID.test(pathParts[i] ?? '') ? [{ recordType: recordTypeOf(patternParts[i - 1] ?? ''), recordId: pathParts[i]! }] : []));
  const personId = new URLSearchParams(path.split('?')[1] ?? '').get('personId');
  if (personId) records.push({ recordType: 'person', recordId: personId });
  return records;
}

interface AuditRow {
  action: string;
  record_type: string;
  record_id: string | null;
}

describe.each(await databaseKinds())('audit of every personal route on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let personalRoutes: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const { platform } = server;
    const { db } = platform.database;
    const agency = await makeAgency(platform, 'Agency A');
    const users = new Map<Role, string>();
    for (const role of ROLES) users.set(role, await makeUser(platform, agency, role, `${role.replace(/_/g, '-')}.a`));
    const as = (role: Role) => sessionFor(server, users.get(role)!);
    const officer = await as('protection_officer');
    const encounter = await officer.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: '2026-03-01T05:00:00Z', place: { name: 'Coverage bay' } });
    expect(encounter.status, explain(encounter)).toBe(201);
    // The agency refers to a provider it runs itself, so its supervisor is on both sides of a referral.
    const provider = await (await as('admin')).post('/api/directory/providers', { agencyId: agency, name: 'Coverage legal aid', serviceTypes: ['asylum', 'legal_aid', 'health'], area: 'Coverage', languages: ['en'] });
    expect(provider.status, explain(provider)).toBe(201);

    /** A 16-year-old unaccompanied girl who fears return: obligations, guards and a case stand. */
    const person = async (): Promise<string> => {
      const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, {
        persons: [{ givenName: 'Coverage', familyName: MARK.familyName, phone: MARK.phone, sex: 'female', ageClaimed: 16, accompaniment: 'unaccompanied', indicators: ['fear_of_return'] }],
      });
      expect(registered.status, explain(registered)).toBe(201);
      return registered.body.persons[0].id as string;
    };
    const versionOf = async (table: 'persons' | 'encounters' | 'cases' | 'investigations' | 'justice_links' | 'protection_measures' | 'incidents' | 'allegations' | 'consents' | 'legal_holds' | 'referrals', id: string) =>
      (await db.selectFrom(table).select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
    const created = async (caller: Caller, path: string, body: unknown): Promise<string> => {
      const answer = await caller.post(path, body);
      expect(answer.status, `${path}: ${explain(answer)}`).toBeLessThan(300);
      return answer.body.id as string;
    };

    const referral = async (status: 'draft' | 'sent' | 'accepted' | 'in_progress') => {
      const supervisor = await as('supervisor');
      const personId = await consentingPerson(world);
      const id = await created(supervisor, '/api/referrals', { personId, providerId: provider.body.id, service: 'asylum' });
      const steps = (['send', 'accept', 'start'] as const).slice(0, ['draft', 'sent', 'accepted', 'in_progress'].indexOf(status));
      for (const step of steps) {
        const moved = await supervisor.post(`/api/referrals/${id}/${step}`, { version: await versionOf('referrals', id) });
        expect(moved.status, `${step}: ${explain(moved)}`).toBe(200);
      }
      return { id, version: await versionOf('referrals', id), personId };
    };

    const target = async (kindOfRecord: TargetKind): Promise<Targets> => {
      switch (kindOfRecord) {
        case 'person': {
          const id = await person();
          return { id, version: await versionOf('persons', id) };
        }
        case 'encounter':
          return { id: encounter.body.id, version: await versionOf('encounters', encounter.body.id) };
        case 'case': {
          const row = await db.selectFrom('cases').select(['id', 'version']).where('person_id', '=', await person()).executeTakeFirstOrThrow();
          return { id: row.id, version: row.version };
        }
        case 'obligation': {
          const row = await db.selectFrom('obligations').select(['id', 'version']).where('person_id', '=', await person()).where('due_by', 'is not', null).orderBy('code').executeTakeFirstOrThrow();
          return { id: row.id, version: row.version };
        }
        case 'detention': {
          const personId = await person();
          const id = await created(officer, `/api/persons/${personId}/detentions`, { place: 'Station', since: PAST, legalBasis: 'Law 1' });
          return { id, version: 1, personId };
        }
        case 'age_assessment': {
          const personId = await person();
          const id = await created(officer, `/api/persons/${personId}/age-assessments`, { method: 'interview', assessedOn: '2026-03-01', minAge: 19, maxAge: 21, assessor: 'Coverage assessor' });
          return { id, version: 1, personId };
        }
        case 'age_challenge': {
          const assessment = await target('age_assessment');
          const id = await created(officer, `/api/persons/${assessment.personId}/age-assessments/${assessment.id}/challenges`, { kind: 'appeal', lodgedOn: '2026-03-01', lodgedBy: 'person' });
          return { id, version: 1, personId: assessment.personId! };
        }
        case 'investigation': {
          const id = await created(await as('investigator'), '/api/investigations', { reference: `COVERAGE-${randomUUID().slice(0, 8)}` });
          return { id, version: await versionOf('investigations', id) };
        }
        case 'justice_link': {
          const id = await created(officer, `/api/persons/${await person()}/justice-links`, { investigationId: (await target('investigation')).id, role: 'witness' });
          return { id, version: await versionOf('justice_links', id) };
        }
        case 'protection_measure': {
          const id = await created(await as('investigator'), `/api/justice-links/${(await target('justice_link')).id}/measures`, { type: 'safe_shelter' });
          return { id, version: await versionOf('protection_measures', id) };
        }
        case 'incident': {
          const id = await created(officer, `/api/persons/${await person()}/incidents`, { kind: 'assault' });
          return { id, version: await versionOf('incidents', id) };
        }
        case 'allegation': {
          const filed = await officer.post('/api/allegations', { description: 'Audit coverage: no water was given at the crossing.' });
          expect(filed.status, explain(filed)).toBe(201);
          const { id } = await db.selectFrom('allegations').select('id').where('receipt_hash', '=', secretHash(filed.body.receipt)).executeTakeFirstOrThrow();
          return { id, version: await versionOf('allegations', id) };
        }
        case 'consent': {
          const id = await created(officer, `/api/persons/${await person()}/consents`, { recipientAgencyId: agency, purpose: 'asylum', status: 'given', language: 'en', interpreter: false });
          return { id, version: await versionOf('consents', id) };
        }
        case 'referral':
          return referral('sent');
        case 'legal_hold': {
          const id = await created(await as('supervisor'), `/api/persons/${await person()}/legal-holds`, { reason: 'Audit coverage: evidence for a trial' });
          return { id, version: await versionOf('legal_holds', id) };
        }
        case 'agency':
          return { id: agency, version: (await db.selectFrom('agencies').select('version').where('id', '=', agency).executeTakeFirstOrThrow()).version };
        case 'user': {
          const id = users.get('first_responder')!;
          return { id, version: (await db.selectFrom('users').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version };
        }
        case 'provider':
          return { id: provider.body.id, version: (await db.selectFrom('service_providers').select('version').where('id', '=', provider.body.id).executeTakeFirstOrThrow()).version };
        case 'pathway': {
          const id = await created(await as('admin'), '/api/directory/pathways', { serviceType: 'health', area: `Coverage ${randomUUID()}`, providerId: provider.body.id });
          return { id, version: 1, relatedId: provider.body.id };
        }
        default:
          throw new Error(`no ${kindOfRecord} to make: it belongs to the caller (see callerTarget)`);
      }
    };

    world = { server, agency, users, encounter: encounter.body.id, provider: provider.body.id, as, person, target, referral };
    // Lists answer something to name: a person the agency registered, an allegation, a referral waiting.
    await target('allegation');
    await referral('sent');
    personalRoutes = server.app.havenRoutes.filter((r) => r.method !== 'HEAD' && r.access.public !== true && r.access.personalData === true).map((r) => `${r.method} ${r.url}`);
  });
  afterAll(() => server.close());

  /** The call the route is held to: its own above, or the matrix's request as a role the matrix lets through. */
  async function callFor(key: string): Promise<{ role: Role; call: Call } | string> {
    const own = CALLS[key];
    const rule = AUTHORIZATION_MATRIX[key];
    if (!rule && !own) return `${key} is in neither the authorization matrix nor the calls of this test`;
    const allowed = !rule || rule.callers === 'public' ? [] : rule.callers === 'signed-in' ? ROLES : rule.callers;
    const role = own?.role ?? PREFERRED.find((r) => allowed.includes(r));
    if (!role) return `${key}: no role the matrix lets call it`;
    if (own) return { role, call: await own.build(world) };
    return { role, call: rule!.request(rule!.target ? await world.target(rule!.target.kind) : undefined) };
  }

  it('finds the personal routes in the running server', () => {
    expect(personalRoutes.length).toBeGreaterThan(50);
    expect(Object.keys(CALLS).filter((key) => !personalRoutes.includes(key)), 'calls for routes that are not personal').toEqual([]);
  });

  it('records an audit event naming the record for every 2xx answer of a personal route', { timeout: 120_000 }, async () => {
    const { db } = server.platform.database;
    const failures: string[] = [];
    for (const key of personalRoutes) {
      const [method, pattern] = key.split(' ') as [string, string];
      const built = await callFor(key).catch((error: unknown) => `${key}: the call could not be prepared: ${String(error)}`);
      if (typeof built === 'string') {
        failures.push(built);
        continue;
      }
      const { role, call } = built;
      const requestId = `audit-coverage-${randomUUID()}`;
      const answer = await (await world.as(role)).request(method, call.path, method === 'GET' ? undefined : (call.body ?? {}), { 'x-request-id': requestId });
      if (answer.status < 200 || answer.status >= 300) {
        failures.push(`${key} as ${role}: no successful call (${explain(answer)})`);
        continue;
      }
      const events: AuditRow[] = await db.selectFrom('audit_events').select(['action', 'record_type', 'record_id']).where('request_id', '=', requestId).execute();
      const named = (id: string, type?: string) => events.some((e) => e.record_id === id && (type === undefined || e.record_type === type));
      const trail = events.map((e) => `${e.action} ${e.record_type}:${e.record_id}`).join(', ') || 'none';

      const items: unknown = Array.isArray(answer.body) ? answer.body : answer.body?.items;
      const fromPath = pathRecords(pattern, call.path);
      if (call.names) {
        const missing = (await call.names(answer)).filter((id) => !named(id));
        if (missing.length > 0) failures.push(`${key} as ${role}: no audit event names ${missing.join(', ')} (events: ${trail})`);
        continue;
      }
      // The record of the path (or the person a query names), or the record the answer carries (created or read).
      const carried = typeof answer.body?.id === 'string' ? (answer.body.id as string) : undefined;
      if (fromPath.some((r) => named(r.recordId, r.recordType)) || (carried !== undefined && named(carried))) continue;
      if (Array.isArray(items)) {
        // A list: every record it returns is named.
        const missing = (items as { id?: string; personId?: string }[]).filter((item) => !(item.id && named(item.id)) && !(item.personId && named(item.personId)));
        if (items.length === 0) failures.push(`${key} as ${role}: the list is empty, so its audit cannot be checked`);
        else if (missing.length > 0) failures.push(`${key} as ${role}: ${missing.length} of ${items.length} listed records named by no audit event (events: ${trail})`);
        continue;
      }
      const expected = [...fromPath.map((r) => `${r.recordType}:${r.recordId}`), ...(carried && !fromPath.some((r) => r.recordId === carried) ? [carried] : [])].join(' or ') || 'nothing (the route names no record)';
      failures.push(`${key} as ${role}: no audit event names ${expected} (events: ${trail})`);
    }
    expect(failures, 'personal routes whose successful answer leaves no audit event naming their record').toEqual([]);
  });

  /** A record that belongs to the caller rather than to an agency: their own token or notification. */
  async function callerTarget(kindOfRecord: TargetKind, userId: string): Promise<Targets | undefined> {
    const { db } = server.platform.database;
    const at = server.platform.clock();
    const id = randomUUID();
    if (kindOfRecord === 'api_token') {
      const expires = new Date(at.getTime() + 86_400_000).toISOString();
      await db.insertInto('api_tokens').values({ id, user_id: userId, name: 'coverage', token_hash: secretHash(randomUUID()), scopes: '[]', created_at: at.toISOString(), expires_at: expires, revoked_at: null, last_used_at: null }).execute();
      return { id, version: 1 };
    }
    if (kindOfRecord === 'notification') {
      await db.insertInto('notifications').values({ id, user_id: userId, kind: 'obligation_overdue', obligation_id: randomUUID(), person_id: null, created_at: at.toISOString(), read_at: null }).execute();
      return { id, version: 1 };
    }
    return undefined;
  }

  // Last: some of these calls change settings (the roles that need a second factor, the code of conduct).
  it('answers no personal value from a route not marked as serving personal data', { timeout: 120_000 }, async () => {
    const leaks: string[] = [];
    const unmarked = server.app.havenRoutes.filter((r) => r.method !== 'HEAD' && (r.access.public === true || r.access.personalData !== true) && !r.url.startsWith('/api/docs')).map((r) => `${r.method} ${r.url}`);
    for (const key of unmarked) {
      const [method] = key.split(' ') as [string];
      const rule = AUTHORIZATION_MATRIX[key];
      if (!rule) {
        leaks.push(`${key} is not in the authorization matrix`);
        continue;
      }
      const allowed = rule.callers === 'public' ? [] : rule.callers === 'signed-in' ? ROLES : rule.callers;
      const role = PREFERRED.find((r) => allowed.includes(r));
      const userId = role ? world.users.get(role)! : undefined;
      const own = rule.target && userId ? await callerTarget(rule.target.kind, userId) : undefined;
      const target = rule.target ? (own ?? (await world.target(rule.target.kind))) : undefined;
      const { path, body } = rule.request(target);
      const caller = role ? await world.as(role) : anonymous(server);
      const answer = await caller.request(method, path, method === 'GET' ? undefined : (body ?? {}));
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? '');
      const shown = Object.values(MARK).filter((value) => text.includes(value));
      if (shown.length > 0) leaks.push(`${key} as ${role ?? 'anyone'} answered ${shown.join(', ')}`);
    }
    expect(unmarked.length).toBeGreaterThan(50);
    expect(leaks, 'routes not marked personal that answer a person\'s values').toEqual([]);
  });
});
