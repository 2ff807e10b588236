import { ROLES, type Role } from '@haven/core';

/**
 * The authorization matrix: for every route, which roles may call it, and whether a record of
 * another agency is reachable through it. This is the specification the generated test in
 * features/authorization.test.ts holds the server to; a route missing here fails that test.
 */

/** Records a route can target: the test makes one in the caller's agency and one in another. */
export type TargetKind = 'person' | 'agency' | 'user' | 'api_token';

export interface Targets {
  /** The record's id, and its current version where the route needs one. */
  id: string;
  version: number;
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

export const AUTHORIZATION_MATRIX: Record<string, RouteRule> = {
  'GET /': { callers: 'public', request: () => ({ path: '/' }) },
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
  'POST /api/admin/conduct': { callers: ADMIN, request: () => ({ path: '/api/admin/conduct', body: { text: 'Matrix code of conduct: treat every person with humanity.' } }) },
  'GET /api/admin/settings/mfa-roles': { callers: ADMIN, request: () => ({ path: '/api/admin/settings/mfa-roles' }) },
  'PUT /api/admin/settings/mfa-roles': { callers: ADMIN, request: () => ({ path: '/api/admin/settings/mfa-roles', body: { roles: [...ROLES] } }) },

  'POST /api/persons': { callers: WRITERS, request: () => ({ path: '/api/persons', body: { givenName: 'Matrix', sex: 'unknown' } }) },
  'GET /api/persons': { callers: READERS, lists: { kind: 'person', crossAgency: false }, request: () => ({ path: '/api/persons?limit=200' }) },
  'GET /api/persons/:id': { callers: READERS, target: { kind: 'person', crossAgency: false }, request: (t) => ({ path: `/api/persons/${t!.id}` }) },
  'PATCH /api/persons/:id': {
    callers: WRITERS,
    target: { kind: 'person', crossAgency: false },
    request: (t) => ({ path: `/api/persons/${t!.id}`, body: { version: t!.version, familyName: 'Matrix' } }),
  },

  'GET /api/audit/events': { callers: OVERSIGHT, request: () => ({ path: '/api/audit/events' }) },
  'GET /api/audit/verify': { callers: OVERSIGHT, request: () => ({ path: '/api/audit/verify' }) },
};

/** Routes served by the API documentation plugin: public, static. */
export const DOCUMENTATION_PREFIX = '/api/docs';
