import { ROLES, type Role } from '@haven/core';

/**
 * The authorization matrix: for every route, which roles may call it, and whether a record of
 * another agency is reachable through it. This is the specification the generated test in
 * features/authorization.test.ts holds the server to; a route missing here fails that test.
 */

/** Records a route can target: the test makes one in the caller's agency and one in another. */
export type TargetKind = 'person' | 'agency' | 'user' | 'api_token' | 'encounter' | 'case' | 'obligation' | 'detention' | 'age_assessment' | 'age_challenge' | 'notification' | 'investigation' | 'justice_link' | 'protection_measure' | 'incident' | 'allegation' | 'provider' | 'pathway' | 'consent' | 'referral' | 'legal_hold';

export interface Targets {
  /** The record's id, and its current version where the route needs one. */
  id: string;
  version: number;
  /** The person a sub-record (detention, age assessment or challenge) belongs to. */
  personId?: string;
  /** Another record the request names (a pathway's provider). */
  relatedId?: string;
}

export interface RouteRule {
  /** `public`: anyone, signed in or not; `signed-in`: every role; otherwise the roles listed. */
  callers: 'public' | 'signed-in' | readonly Role[];
  /** The record the route acts on, if any, and whether another agency's record is reachable. */
  target?: { kind: TargetKind; crossAgency: boolean };
  /** For list routes: the record kind listed, and whether another agency's records may appear. */
  lists?: { kind: TargetKind; crossAgency: boolean };
  /** The request to make (path with the target filled in, and a body). */
  request: (target: Targets | undefined) => { path: string; body?: unknown };
}

const READERS: readonly Role[] = ['first_responder', 'protection_officer', 'service_provider', 'investigator', 'supervisor'];
const WRITERS: readonly Role[] = ['first_responder', 'protection_officer', 'supervisor'];
const ADMIN: readonly Role[] = ['admin'];
const OVERSIGHT: readonly Role[] = ['oversight'];
/** Roles whose field groups include `protection`: screening results, obligations, guards, the case. */
const PROTECTION_READERS: readonly Role[] = ['first_responder', 'protection_officer', 'service_provider', 'supervisor'];
const CASE_MANAGERS: readonly Role[] = ['protection_officer', 'supervisor'];
/** Roles that record a detention, its end and consular rights explained (first-responder work too). */
const DETENTION_RECORDERS: readonly Role[] = ['first_responder', 'protection_officer', 'supervisor'];
const PAST = '2026-03-01T05:45:00Z';
/** Roles that read the service directory, send referrals, receive them, or are party to one. */
const DIRECTORY_READERS: readonly Role[] = ['first_responder', 'protection_officer', 'supervisor', 'admin'];
const REFERRAL_SENDERS: readonly Role[] = ['first_responder', 'protection_officer', 'supervisor'];
const REFERRAL_RECEIVERS: readonly Role[] = ['service_provider', 'supervisor'];
const REFERRAL_PARTIES: readonly Role[] = ['first_responder', 'protection_officer', 'service_provider', 'supervisor'];
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
/** Roles that read the suppressed indicators and export aggregates. */
const STATS_READERS: readonly Role[] = ['supervisor', 'oversight', 'coordinator'];

export const AUTHORIZATION_MATRIX: Record<string, RouteRule> = {
  'GET /': { callers: 'public', request: () => ({ path: '/' }) },
  'GET /*': { callers: 'public', request: () => ({ path: '/sign-in' }) },
  'GET /healthz': { callers: 'public', request: () => ({ path: '/healthz' }) },
  'GET /readyz': { callers: 'public', request: () => ({ path: '/readyz' }) },
  'GET /api/openapi.json': { callers: 'public', request: () => ({ path: '/api/openapi.json' }) },
  'POST /api/auth/login': { callers: 'public', request: () => ({ path: '/api/auth/login', body: { username: 'nobody', password: 'not-the-password' } }) },

  'GET /api/auth/me': { callers: 'signed-in', request: () => ({ path: '/api/auth/me' }) },
  'GET /api/auth/csrf': { callers: 'signed-in', request: () => ({ path: '/api/auth/csrf' }) },
  'POST /api/auth/totp/enrol': { callers: 'signed-in', request: () => ({ path: '/api/auth/totp/enrol' }) },
  'POST /api/auth/totp/confirm': { callers: 'signed-in', request: () => ({ path: '/api/auth/totp/confirm', body: { code: '000000' } }) },
  'POST /api/auth/totp/verify': { callers: 'signed-in', request: () => ({ path: '/api/auth/totp/verify', body: { code: '000000' } }) },
  'POST /api/auth/password': {
    callers: 'signed-in',
    request: () => ({ path: '/api/auth/password', body: { currentPassword: 'not-my-password', newPassword: 'a-new-long-passphrase-42' } }),
  },
  'POST /api/auth/logout': { callers: 'signed-in', request: () => ({ path: '/api/auth/logout' }) },
  'POST /api/auth/logout-all': { callers: 'signed-in', request: () => ({ path: '/api/auth/logout-all' }) },
  'GET /api/conduct': { callers: 'signed-in', request: () => ({ path: '/api/conduct' }) },
  'POST /api/conduct/accept': { callers: 'signed-in', request: () => ({ path: '/api/conduct/accept', body: { version: 1 } }) },
  'GET /api/auth/tokens': { callers: 'signed-in', request: () => ({ path: '/api/auth/tokens' }) },
  'POST /api/auth/tokens': {
    callers: 'signed-in',
    request: () => ({ path: '/api/auth/tokens', body: { name: 'matrix', scopes: ['person:read'], expiresInDays: 1 } }),
  },
  'DELETE /api/auth/tokens/:id': {
    callers: 'signed-in',
    // Only one's own tokens: a token of someone in another agency is not found.
    target: { kind: 'api_token', crossAgency: false },
    request: (t) => ({ path: `/api/auth/tokens/${t!.id}` }),
  },

  'GET /api/admin/agencies': { callers: ADMIN, request: () => ({ path: '/api/admin/agencies' }) },
  'POST /api/admin/agencies': { callers: ADMIN, request: () => ({ path: '/api/admin/agencies', body: { name: `Matrix agency ${Math.random()}`, type: 'ngo' } }) },
  // Administration is jurisdiction-wide: every agency and user is reachable by an administrator.
  'PATCH /api/admin/agencies/:id': {
    callers: ADMIN,
    target: { kind: 'agency', crossAgency: true },
    request: (t) => ({ path: `/api/admin/agencies/${t!.id}`, body: { version: t!.version, area: 'Matrix area' } }),
  },
  'GET /api/admin/users': { callers: ADMIN, lists: { kind: 'user', crossAgency: true }, request: () => ({ path: '/api/admin/users' }) },
  'POST /api/admin/users': {
    callers: ADMIN,
    request: () => ({ path: '/api/admin/users', body: { agencyId: '00000000-0000-4000-8000-000000000000', username: 'matrix.user', displayName: 'Matrix', role: 'first_responder', password: 'short' } }),
  },
  'PATCH /api/admin/users/:id': {
    callers: ADMIN,
    target: { kind: 'user', crossAgency: true },
    request: (t) => ({ path: `/api/admin/users/${t!.id}`, body: { version: t!.version, displayName: 'Renamed by matrix' } }),
  },
  // Four eyes: an administrator asks, a second decides (the explicit refusals are in authorization.test.ts).
  'GET /api/admin/access-changes': { callers: ADMIN, request: () => ({ path: '/api/admin/access-changes' }) },
  'POST /api/admin/access-changes/:id/approve': { callers: ADMIN, request: () => ({ path: `/api/admin/access-changes/${NO_SUCH_ID}/approve` }) },
  'POST /api/admin/access-changes/:id/refuse': {
    callers: ADMIN,
    request: () => ({ path: `/api/admin/access-changes/${NO_SUCH_ID}/refuse`, body: { reason: 'Matrix: nobody asked for this change.' } }),
  },
  'POST /api/admin/access-changes/:id/withdraw': { callers: ADMIN, request: () => ({ path: `/api/admin/access-changes/${NO_SUCH_ID}/withdraw` }) },
  'GET /api/admin/roles': { callers: ADMIN, request: () => ({ path: '/api/admin/roles' }) },
  'GET /api/admin/sop-profile': { callers: ADMIN, request: () => ({ path: '/api/admin/sop-profile' }) },
  'POST /api/admin/conduct': { callers: ADMIN, request: () => ({ path: '/api/admin/conduct', body: { text: 'Matrix code of conduct: treat every person with humanity.' } }) },
  'GET /api/admin/settings/mfa-roles': { callers: ADMIN, request: () => ({ path: '/api/admin/settings/mfa-roles' }) },
  'PUT /api/admin/settings/mfa-roles': { callers: ADMIN, request: () => ({ path: '/api/admin/settings/mfa-roles', body: { roles: [...ROLES] } }) },

  'POST /api/persons': { callers: WRITERS, request: () => ({ path: '/api/persons', body: { givenName: 'Matrix', sex: 'unknown' } }) },
  'GET /api/persons': { callers: READERS, lists: { kind: 'person', crossAgency: false }, request: () => ({ path: '/api/persons?limit=200' }) },
  'GET /api/persons/search': { callers: READERS, lists: { kind: 'person', crossAgency: false }, request: () => ({ path: '/api/persons/search?name=Matrix%20Person' }) },
  'GET /api/persons/:id': { callers: READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}` }) },
  'PATCH /api/persons/:id': {
    callers: WRITERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}`, body: { version: t!.version, familyName: 'Matrix' } }),
  },

  'POST /api/persons/:id/age-assessments': {
    callers: CASE_MANAGERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/age-assessments`, body: { method: 'interview', assessedOn: '2026-03-01', minAge: 15, maxAge: 17, assessor: 'Matrix social worker' } }),
  },
  'POST /api/persons/:id/age-assessments/:assessmentId/challenges': {
    callers: CASE_MANAGERS,
    target: { kind: 'age_assessment', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.personId}/age-assessments/${t!.id}/challenges`, body: { kind: 'appeal', lodgedOn: '2026-03-01', lodgedBy: 'legal_representative' } }),
  },
  'POST /api/persons/:id/age-challenges/:challengeId/decision': {
    callers: CASE_MANAGERS,
    target: { kind: 'age_challenge', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.personId}/age-challenges/${t!.id}/decision`, body: { version: t!.version, outcome: 'upheld', decidedOn: '2026-03-01', decidedBy: 'Matrix review panel' } }),
  },
  'GET /api/persons/:id/age-assessments': { callers: READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/age-assessments` }) },
  'POST /api/persons/:id/family-links': {
    callers: WRITERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/family-links`, body: { relatedPersonId: t!.id, relation: 'sibling' } }),
  },
  'POST /api/persons/:id/merge': {
    callers: ['supervisor'],
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/merge`, body: { duplicateId: t!.id, reason: 'Matrix: merge to test access' } }),
  },
  'POST /api/person-merges/:id/unmerge': { callers: ['supervisor'], request: () => ({ path: `/api/person-merges/${NO_SUCH_ID}/unmerge` }) },
  'GET /api/persons/:id/merged-into': { callers: READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/merged-into` }) },
  'GET /api/persons/:id/duplicates': { callers: READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/duplicates` }) },
  // Duplicates across agencies: asked about one's own record (a reference that is not one answers 422),
  // listed by either side, decided by the agency holding the likely match (authorization.test.ts
  // checks that neither side's answers carry anything of the other's record).
  'POST /api/persons/:id/link-requests': {
    callers: WRITERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/link-requests`, body: { reference: 'matrix-no-such-reference', kind: 'link' } }),
  },
  'GET /api/link-requests': { callers: WRITERS, request: () => ({ path: '/api/link-requests' }) },
  'POST /api/link-requests/:id/accept': { callers: CASE_MANAGERS, request: () => ({ path: `/api/link-requests/${NO_SUCH_ID}/accept`, body: { version: 1 } }) },
  'POST /api/link-requests/:id/refuse': {
    callers: CASE_MANAGERS,
    request: () => ({ path: `/api/link-requests/${NO_SUCH_ID}/refuse`, body: { version: 1, reason: 'Matrix: not the same person' } }),
  },
  'GET /api/persons/:id/family-links': { callers: READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/family-links` }) },
  'POST /api/persons/:id/documents': {
    callers: WRITERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/documents`, body: { type: 'passport', number: 'X0000000', issuingCountry: 'ER' } }),
  },
  'GET /api/persons/:id/documents': { callers: READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/documents` }) },
  'POST /api/encounters': {
    callers: WRITERS,
    request: () => ({ path: '/api/encounters', body: { type: 'rescue_at_sea', occurredAt: PAST, place: { name: 'Matrix bay' } } }),
  },
  'GET /api/encounters': { callers: WRITERS, lists: { kind: 'encounter', crossAgency: false }, request: () => ({ path: '/api/encounters?limit=200' }) },
  'GET /api/encounters/:id': { callers: WRITERS, target: { kind: 'encounter', crossAgency: false }, request: (t) => ({ path: `/api/encounters/${t!.id}` }) },
  'PATCH /api/encounters/:id': {
    callers: WRITERS,
    target: { kind: 'encounter', crossAgency: false },
    request: (t) => ({ path: `/api/encounters/${t!.id}`, body: { version: t!.version, missing: 1 } }),
  },
  'POST /api/encounters/:id/persons': {
    callers: WRITERS,
    target: { kind: 'encounter', crossAgency: false },
    request: (t) => ({ path: `/api/encounters/${t!.id}/persons`, body: { persons: [{ givenName: 'Matrix', sex: 'unknown' }] } }),
  },
  'GET /api/encounters/:id/triage': { callers: WRITERS, target: { kind: 'encounter', crossAgency: false }, request: (t) => ({ path: `/api/encounters/${t!.id}/triage` }) },
  'POST /api/encounters/:id/assistance': {
    callers: WRITERS,
    target: { kind: 'encounter', crossAgency: false },
    request: (t) => ({ path: `/api/encounters/${t!.id}/assistance`, body: { type: 'water', givenAt: PAST } }),
  },
  'POST /api/persons/:id/screenings': {
    callers: WRITERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/screenings`, body: { indicators: ['needs_interpreter'] } }),
  },
  'GET /api/persons/:id/screenings': { callers: PROTECTION_READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/screenings` }) },
  'POST /api/persons/:id/assistance': {
    callers: WRITERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/assistance`, body: { type: 'food', givenAt: PAST } }),
  },
  'GET /api/persons/:id/assistance': { callers: PROTECTION_READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/assistance` }) },
  // The case list names the agency's own cases only; a referral's recipient reads the person through the referral.
  'GET /api/cases': { callers: CASE_MANAGERS, lists: { kind: 'person', crossAgency: false }, request: () => ({ path: '/api/cases?limit=200' }) },
  // The intake queue lists the agency's own unassigned cases; who to assign them to, its own officers.
  'GET /api/queues/intake': { callers: CASE_MANAGERS, lists: { kind: 'person', crossAgency: false }, request: () => ({ path: '/api/queues/intake?limit=500' }) },
  'GET /api/agency/officers': { callers: CASE_MANAGERS, lists: { kind: 'user', crossAgency: false }, request: () => ({ path: '/api/agency/officers' }) },
  'POST /api/cases/assignments': {
    callers: ['supervisor'],
    target: { kind: 'case', crossAgency: false },
    request: (t) => ({ path: '/api/cases/assignments', body: { officerId: NO_SUCH_ID, cases: [{ caseId: t!.id, version: t!.version }] } }),
  },
  'GET /api/persons/:id/case': { callers: PROTECTION_READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/case` }) },
  'GET /api/persons/:id/case/history': { callers: PROTECTION_READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/case/history` }) },
  'PATCH /api/cases/:id': {
    callers: CASE_MANAGERS,
    target: { kind: 'case', crossAgency: false },
    request: (t) => ({ path: `/api/cases/${t!.id}`, body: { version: t!.version, riskLevel: 'medium' } }),
  },
  'GET /api/persons/:id/consular': { callers: PROTECTION_READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/consular` }) },
  'POST /api/persons/:id/detentions': {
    callers: DETENTION_RECORDERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/detentions`, body: { place: 'Matrix station', since: PAST, until: PAST, legalBasis: 'Matrix law' } }),
  },
  'PATCH /api/persons/:id/detentions/:detentionId': {
    callers: DETENTION_RECORDERS,
    target: { kind: 'detention', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.personId}/detentions/${t!.id}`, body: { version: t!.version, until: PAST } }),
  },
  'POST /api/persons/:id/consular-rights': {
    callers: DETENTION_RECORDERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/consular-rights`, body: { informedAt: PAST, language: 'en', choice: 'declined' } }),
  },
  'POST /api/persons/:id/consular-notifications': {
    callers: CASE_MANAGERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/consular-notifications`, body: { post: 'Matrix consulate', sentAt: PAST, channel: 'email' } }),
  },
  'GET /api/persons/:id/obligations': { callers: PROTECTION_READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/obligations` }) },
  'POST /api/obligations/:id/waive': {
    callers: ['supervisor'],
    target: { kind: 'obligation', crossAgency: false },
    request: (t) => ({ path: `/api/obligations/${t!.id}/waive`, body: { version: t!.version, reason: 'Matrix: waived to test access' } }),
  },
  'GET /api/persons/:id/assessment': { callers: PROTECTION_READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/assessment` }) },
  'GET /api/persons/:id/guards': { callers: PROTECTION_READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/guards` }) },
  'POST /api/persons/:id/actions/:action': {
    callers: CASE_MANAGERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/actions/charge_for_being_smuggled`, body: {} }),
  },
  'GET /api/queues/my-obligations': { callers: WRITERS, request: () => ({ path: '/api/queues/my-obligations' }) },
  'GET /api/queues/agency-obligations': { callers: WRITERS, request: () => ({ path: '/api/queues/agency-obligations?window=due24h' }) },
  'GET /api/queues/open-guards': { callers: WRITERS, request: () => ({ path: '/api/queues/open-guards' }) },
  'GET /api/oversight/queue': { callers: ['supervisor', 'oversight'], request: () => ({ path: '/api/oversight/queue' }) },
  'GET /api/notifications': { callers: 'signed-in', request: () => ({ path: '/api/notifications' }) },
  'GET /api/notifications/unread': { callers: 'signed-in', request: () => ({ path: '/api/notifications/unread' }) },
  'POST /api/notifications/:id/read': {
    callers: 'signed-in',
    target: { kind: 'notification', crossAgency: false },
    request: (t) => ({ path: `/api/notifications/${t!.id}/read` }),
  },

  // Justice: investigations are their agency's; a justice link has two parties,
  // the agency working on the case and the investigating agency; justice fields need the justice group.
  'POST /api/investigations': {
    callers: ['investigator'],
    request: () => ({ path: '/api/investigations', body: { reference: `MATRIX-${Math.random().toString(36).slice(2, 10)}`, aggravating: ['endangering_life'] } }),
  },
  'GET /api/investigations': { callers: ['investigator'], lists: { kind: 'investigation', crossAgency: false }, request: () => ({ path: '/api/investigations?limit=200' }) },
  'GET /api/investigations/:id': { callers: ['investigator'], target: { kind: 'investigation', crossAgency: false }, request: (t) => ({ path: `/api/investigations/${t!.id}` }) },
  'PATCH /api/investigations/:id': {
    callers: ['investigator'],
    target: { kind: 'investigation', crossAgency: false },
    request: (t) => ({ path: `/api/investigations/${t!.id}`, body: { version: t!.version, aggravating: ['endangering_life', 'exploitation'] } }),
  },
  // The investigating agency links persons it sees; a person it does not see (here, none) is 422.
  'POST /api/investigations/:id/links': {
    callers: ['investigator'],
    target: { kind: 'investigation', crossAgency: false },
    request: (t) => ({ path: `/api/investigations/${t!.id}/links`, body: { personId: NO_SUCH_ID, role: 'witness' } }),
  },
  'POST /api/investigations/:id/incidents': {
    callers: ['investigator'],
    target: { kind: 'investigation', crossAgency: false },
    request: (t) => ({ path: `/api/investigations/${t!.id}/incidents`, body: { kind: 'assault', occurredAt: PAST, victims: [NO_SUCH_ID] } }),
  },
  // A case manager chooses among every agency's open investigations (references, no personal data).
  'GET /api/linkable-investigations': { callers: CASE_MANAGERS, lists: { kind: 'investigation', crossAgency: true }, request: () => ({ path: '/api/linkable-investigations' }) },
  'POST /api/persons/:id/justice-links': {
    callers: CASE_MANAGERS,
    target: { kind: 'person', crossAgency: false },
    // No such investigation: 422 once access is granted, so the matrix links nobody.
    request: (t) => ({ path: `/api/persons/${t!.id}/justice-links`, body: { investigationId: '00000000-0000-4000-8000-000000000000', role: 'witness' } }),
  },
  'PATCH /api/justice-links/:id': {
    callers: ['protection_officer', 'investigator', 'supervisor'],
    target: { kind: 'justice_link', crossAgency: false },
    request: (t) => ({ path: `/api/justice-links/${t!.id}`, body: { version: t!.version, reachable: true } }),
  },
  'POST /api/justice-links/:id/measures': {
    callers: ['protection_officer', 'investigator', 'supervisor'],
    target: { kind: 'justice_link', crossAgency: false },
    request: (t) => ({ path: `/api/justice-links/${t!.id}/measures`, body: { type: 'police_protection' } }),
  },
  'PATCH /api/protection-measures/:id': {
    callers: ['investigator'],
    target: { kind: 'protection_measure', crossAgency: false },
    request: (t) => ({ path: `/api/protection-measures/${t!.id}`, body: { version: t!.version, status: 'granted' } }),
  },
  'GET /api/persons/:id/justice': {
    callers: ['protection_officer', 'investigator', 'supervisor'],
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/justice` }),
  },
  'POST /api/persons/:id/incidents': {
    callers: ['first_responder', 'protection_officer', 'investigator', 'supervisor'],
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/incidents`, body: { kind: 'extortion', occurredAt: PAST } }),
  },
  'PATCH /api/incidents/:id': {
    callers: ['first_responder', 'protection_officer', 'investigator', 'supervisor'],
    target: { kind: 'incident', crossAgency: false },
    request: (t) => ({ path: `/api/incidents/${t!.id}`, body: { version: t!.version, place: 'Matrix crossing' } }),
  },

  // Oversight: anyone reports a failure to assist; the oversight body investigates.
  'POST /api/allegations': { callers: 'signed-in', request: () => ({ path: '/api/allegations', body: { description: 'Matrix: nobody answered the distress call.' } }) },
  'POST /api/public/allegations': { callers: 'public', request: () => ({ path: '/api/public/allegations', body: { description: 'Matrix: nobody answered the distress call.' } }) },
  'GET /api/public/allegations/:receipt': { callers: 'public', request: () => ({ path: '/api/public/allegations/HVN-AAAAAAAAAAAAAAAA' }) },
  'GET /api/oversight/allegations': { callers: OVERSIGHT, lists: { kind: 'allegation', crossAgency: false }, request: () => ({ path: '/api/oversight/allegations?limit=200' }) },
  'GET /api/oversight/allegations/:id': { callers: OVERSIGHT, target: { kind: 'allegation', crossAgency: false }, request: (t) => ({ path: `/api/oversight/allegations/${t!.id}` }) },
  'PATCH /api/oversight/allegations/:id': {
    callers: OVERSIGHT,
    target: { kind: 'allegation', crossAgency: false },
    request: (t) => ({ path: `/api/oversight/allegations/${t!.id}`, body: { version: t!.version, remedy: 'Matrix remedy' } }),
  },
  'GET /api/oversight/records/:recordType/:recordId/audit': {
    callers: OVERSIGHT,
    request: () => ({ path: '/api/oversight/records/person/00000000-0000-4000-8000-000000000000/audit' }),
  },

  // The referral mechanism. The directory is jurisdiction-wide and kept by
  // administrators; a referral has two parties, the sending and the receiving agency (the matrix's
  // referral goes from an agency to its own provider, so every role of that agency is on one side).
  'GET /api/directory/providers': { callers: DIRECTORY_READERS, request: () => ({ path: '/api/directory/providers' }) },
  'POST /api/directory/providers': {
    callers: ADMIN,
    // No such agency: 422 once access is granted.
    request: () => ({ path: '/api/directory/providers', body: { agencyId: NO_SUCH_ID, name: 'Matrix clinic', serviceTypes: ['health'], area: 'Matrix', languages: [] } }),
  },
  'GET /api/directory/providers/:id': { callers: DIRECTORY_READERS, target: { kind: 'provider', crossAgency: true }, request: (t) => ({ path: `/api/directory/providers/${t!.id}` }) },
  'PATCH /api/directory/providers/:id': {
    callers: ADMIN,
    target: { kind: 'provider', crossAgency: true },
    request: (t) => ({ path: `/api/directory/providers/${t!.id}`, body: { version: t!.version, hours: 'Matrix hours' } }),
  },
  'GET /api/agency/providers': { callers: REFERRAL_RECEIVERS, request: () => ({ path: '/api/agency/providers' }) },
  'PATCH /api/directory/providers/:id/availability': {
    callers: REFERRAL_RECEIVERS,
    // Free places are reported by the provider's own agency only.
    target: { kind: 'provider', crossAgency: false },
    request: (t) => ({ path: `/api/directory/providers/${t!.id}/availability`, body: { version: t!.version, available: 0 } }),
  },
  'GET /api/directory/pathways': { callers: DIRECTORY_READERS, request: () => ({ path: '/api/directory/pathways' }) },
  'POST /api/directory/pathways': { callers: ADMIN, request: () => ({ path: '/api/directory/pathways', body: { serviceType: 'health', area: 'Matrix', providerId: NO_SUCH_ID } }) },
  'PATCH /api/directory/pathways/:id': {
    callers: ADMIN,
    target: { kind: 'pathway', crossAgency: true },
    request: (t) => ({ path: `/api/directory/pathways/${t!.id}`, body: { version: t!.version, providerId: t!.relatedId } }),
  },
  'DELETE /api/directory/pathways/:id': { callers: ADMIN, target: { kind: 'pathway', crossAgency: true }, request: (t) => ({ path: `/api/directory/pathways/${t!.id}?version=${t!.version}` }) },
  'GET /api/referrals/proposal': {
    callers: REFERRAL_SENDERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/referrals/proposal?personId=${t!.id}&service=asylum&area=Matrix` }),
  },
  'POST /api/referrals': {
    callers: REFERRAL_SENDERS,
    target: { kind: 'person', crossAgency: false },
    // No such provider: 422 once the person is reachable.
    request: (t) => ({ path: '/api/referrals', body: { personId: t!.id, providerId: NO_SUCH_ID, service: 'asylum' } }),
  },
  'POST /api/service-gaps': {
    callers: REFERRAL_SENDERS,
    target: { kind: 'person', crossAgency: false },
    // An area the jurisdiction does not know: 422 once the person is reachable.
    request: (t) => ({ path: '/api/service-gaps', body: { personId: t!.id, serviceType: 'asylum', area: 'Matrix nowhere' } }),
  },
  'GET /api/service-gaps': { callers: CASE_MANAGERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/service-gaps?personId=${t!.id}` }) },
  'GET /api/referrals/inbox': { callers: REFERRAL_RECEIVERS, request: () => ({ path: '/api/referrals/inbox' }) },
  'GET /api/referrals/:id': { callers: REFERRAL_PARTIES, target: { kind: 'referral', crossAgency: false }, request: (t) => ({ path: `/api/referrals/${t!.id}` }) },
  'GET /api/referrals/:id/form.pdf': { callers: REFERRAL_PARTIES, target: { kind: 'referral', crossAgency: false }, request: (t) => ({ path: `/api/referrals/${t!.id}/form.pdf` }) },
  'POST /api/referrals/:id/send': {
    callers: REFERRAL_SENDERS,
    target: { kind: 'referral', crossAgency: false },
    request: (t) => ({ path: `/api/referrals/${t!.id}/send`, body: { version: t!.version } }),
  },
  'POST /api/referrals/:id/accept': {
    callers: REFERRAL_RECEIVERS,
    target: { kind: 'referral', crossAgency: false },
    request: (t) => ({ path: `/api/referrals/${t!.id}/accept`, body: { version: t!.version } }),
  },
  'POST /api/referrals/:id/decline': {
    callers: REFERRAL_RECEIVERS,
    target: { kind: 'referral', crossAgency: false },
    request: (t) => ({ path: `/api/referrals/${t!.id}/decline`, body: { version: t!.version, reason: 'Matrix: no capacity' } }),
  },
  'POST /api/referrals/:id/start': {
    callers: REFERRAL_RECEIVERS,
    target: { kind: 'referral', crossAgency: false },
    request: (t) => ({ path: `/api/referrals/${t!.id}/start`, body: { version: t!.version } }),
  },
  'POST /api/referrals/:id/complete': {
    callers: REFERRAL_RECEIVERS,
    target: { kind: 'referral', crossAgency: false },
    request: (t) => ({ path: `/api/referrals/${t!.id}/complete`, body: { version: t!.version, feedback: 'Matrix service' } }),
  },
  'POST /api/referrals/:id/close': {
    callers: REFERRAL_PARTIES,
    target: { kind: 'referral', crossAgency: false },
    request: (t) => ({ path: `/api/referrals/${t!.id}/close`, body: { version: t!.version } }),
  },
  'POST /api/referrals/:id/revoke': {
    callers: ['supervisor'],
    target: { kind: 'referral', crossAgency: false },
    request: (t) => ({ path: `/api/referrals/${t!.id}/revoke`, body: { version: t!.version } }),
  },
  'GET /api/persons/:id/referrals': { callers: REFERRAL_SENDERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/referrals` }) },
  'POST /api/persons/:id/consents': {
    callers: CASE_MANAGERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/consents`, body: { recipientAgencyId: NO_SUCH_ID, purpose: 'asylum', status: 'given', language: 'en', interpreter: false } }),
  },
  'GET /api/persons/:id/consents': { callers: CASE_MANAGERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/consents` }) },
  'POST /api/consents/:id/withdraw': {
    callers: CASE_MANAGERS,
    target: { kind: 'consent', crossAgency: false },
    request: (t) => ({ path: `/api/consents/${t!.id}/withdraw`, body: { version: t!.version } }),
  },

  'GET /api/audit/events': { callers: OVERSIGHT, request: () => ({ path: '/api/audit/events' }) },
  'GET /api/audit/verify': { callers: OVERSIGHT, request: () => ({ path: '/api/audit/verify' }) },

  // Retention and erasure. The matrix's persons are witnesses in open
  // investigations, so an erasure request is recorded as refused: nothing is destroyed here.
  'POST /api/persons/:id/erasure-requests': {
    callers: CASE_MANAGERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/erasure-requests`, body: { requestedBy: 'person' } }),
  },
  'GET /api/persons/:id/erasure-requests': { callers: CASE_MANAGERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/erasure-requests` }) },
  'POST /api/persons/:id/legal-holds': {
    callers: ['investigator', 'supervisor'],
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}/legal-holds`, body: { reason: 'Matrix: evidence for a trial' } }),
  },
  'GET /api/persons/:id/legal-holds': { callers: ['investigator', 'supervisor'], target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}/legal-holds` }) },
  // A hold is released by the agency it belongs to (the placing agency's, or its investigation's) or by the oversight body.
  'POST /api/legal-holds/:id/release': {
    callers: ['investigator', 'supervisor'],
    target: { kind: 'legal_hold', crossAgency: false },
    request: (t) => ({ path: `/api/legal-holds/${t!.id}/release`, body: { version: t!.version, reason: 'Matrix: the trial is over' } }),
  },
  'GET /api/oversight/legal-holds': { callers: OVERSIGHT, request: () => ({ path: '/api/oversight/legal-holds?limit=200' }) },
  'POST /api/oversight/legal-holds/:id/release': {
    callers: OVERSIGHT,
    target: { kind: 'legal_hold', crossAgency: true },
    request: (t) => ({ path: `/api/oversight/legal-holds/${t!.id}/release`, body: { version: t!.version, reason: 'Matrix: no ground to keep it' } }),
  },
  'GET /api/retention': { callers: ADMIN, request: () => ({ path: '/api/retention' }) },

  // The Framework-for-Action self-assessment: aggregates, no personal data.
  'GET /api/self-assessment': { callers: ['coordinator', 'oversight'], request: () => ({ path: '/api/self-assessment' }) },
  'GET /api/self-assessment/evidence': { callers: ['coordinator', 'oversight'], request: () => ({ path: '/api/self-assessment/evidence' }) },
  'GET /api/self-assessment/items/:itemId/answers': { callers: ['coordinator', 'oversight'], request: () => ({ path: '/api/self-assessment/items/PT-05/answers' }) },
  'POST /api/self-assessment/items/:itemId/answers': {
    callers: ['coordinator'],
    request: () => ({ path: '/api/self-assessment/items/PV-02/answers', body: { status: 'partly', previousVersion: 0 } }),
  },
  'GET /api/self-assessment/gap-report.html': { callers: ['coordinator', 'oversight'], request: () => ({ path: '/api/self-assessment/gap-report.html' }) },
  'GET /api/self-assessment/gap-report.pdf': { callers: ['coordinator', 'oversight'], request: () => ({ path: '/api/self-assessment/gap-report.pdf' }) },
  'GET /api/self-assessment/report.css': { callers: 'public', request: () => ({ path: '/api/self-assessment/report.css' }) },

  // Statistics: suppressed aggregates for coordinators, supervisors and oversight.
  'GET /api/stats/indicators': { callers: STATS_READERS, request: () => ({ path: '/api/stats/indicators' }) },
  'GET /api/stats/threshold': { callers: 'signed-in', request: () => ({ path: '/api/stats/threshold' }) },
  'PUT /api/stats/threshold': { callers: ADMIN, request: () => ({ path: '/api/stats/threshold', body: { k: 11, version: 0 } }) },
  // Exports: aggregates for the same readers; personal data for supervisors; a job only for its requester.
  'POST /api/exports/indicators': { callers: STATS_READERS, request: () => ({ path: '/api/exports/indicators', body: { format: 'csv' } }) },
  'POST /api/exports/cases': { callers: ['supervisor'], request: () => ({ path: '/api/exports/cases', body: { kind: 'case_list' } }) },
  'GET /api/exports': { callers: 'signed-in', request: () => ({ path: '/api/exports' }) },
  'GET /api/exports/:id': { callers: 'signed-in', request: () => ({ path: `/api/exports/${NO_SUCH_ID}` }) },
  'POST /api/exports/:id/download': { callers: 'signed-in', request: () => ({ path: `/api/exports/${NO_SUCH_ID}/download`, body: {} }) },
};

/**
 * Calls that must be refused to a role the matrix above lets through: overrides the law admits
 * none of (DOMAIN.md section 6), asked by a supervisor, who holds `guard:override`. Each is made
 * on the caller's own agency's person, a 16-year-old unaccompanied girl who fears return and is
 * detained, so non-refoulement, confidentiality and non-criminalization all stand. Each must
 * answer 409 `override-not-permitted` naming the protections, and store nothing.
 */
export interface RefusedCall {
  role: Role;
  method: 'POST';
  request: (personId: string) => { path: string; body: unknown };
  status: 409;
  problem: 'override-not-permitted';
  protections: readonly string[];
}

const OVERRIDE_REASON = 'Matrix: a supervisor insists in writing on this exception';

export const REFUSED_OVERRIDES: Record<string, RefusedCall> = {
  'overriding charge_for_being_smuggled': {
    role: 'supervisor',
    method: 'POST',
    request: (id) => ({ path: `/api/persons/${id}/actions/charge_for_being_smuggled`, body: { overrideReason: OVERRIDE_REASON } }),
    status: 409,
    problem: 'override-not-permitted',
    protections: ['protection.non_criminalization'],
  },
  'overriding share_with_origin_state while confidentiality stands': {
    role: 'supervisor',
    method: 'POST',
    request: (id) => ({ path: `/api/persons/${id}/actions/share_with_origin_state`, body: { overrideReason: OVERRIDE_REASON, details: 'Identity check by the embassy' } }),
    status: 409,
    problem: 'override-not-permitted',
    protections: ['protection.confidentiality'],
  },
  'overriding a consular notification while confidentiality stands': {
    role: 'supervisor',
    method: 'POST',
    request: (id) => ({ path: `/api/persons/${id}/consular-notifications`, body: { post: 'Matrix consulate', sentAt: PAST, channel: 'email', overrideReason: OVERRIDE_REASON } }),
    status: 409,
    problem: 'override-not-permitted',
    protections: ['protection.confidentiality'],
  },
  'overriding return while non_refoulement stands': {
    role: 'supervisor',
    method: 'POST',
    request: (id) => ({ path: `/api/persons/${id}/actions/return`, body: { overrideReason: OVERRIDE_REASON, details: 'Readmission flight' } }),
    status: 409,
    problem: 'override-not-permitted',
    protections: ['protection.non_refoulement'],
  },
};

/** Routes served by the API documentation plugin: public, static. */
export const DOCUMENTATION_PREFIX = '/api/docs';
