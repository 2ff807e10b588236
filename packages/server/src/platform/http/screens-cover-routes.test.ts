import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test-support/server.js';
import { ROUTES_FOR_OTHER_SYSTEMS } from './other-systems.js';

// Every duty in the browser (issue 18): a route that no screen calls is a duty only curl can do.
// The web app's source is read for the API paths it names; each registered route must be among
// them or listed, with its reason, as meant for other systems.

const WEB_SOURCE = fileURLToPath(new URL('../../../../web/src/', import.meta.url));
const DOCUMENTATION_PREFIX = '/api/docs';

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) return name === 'test-support' ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/**
 * A path as the web app writes it, reduced to its shape: `${…}` standing for a whole segment is a
 * parameter (`*`); anything from a `?` or a `${…}` glued to a segment's end (a query string built
 * apart) is dropped. `/api/referrals/${id}/${action}` keeps two parameters, so it covers no route
 * whose last segment is a word: a screen names each action it calls.
 */
export function webPathShape(literal: string): string {
  const path = literal.split('?')[0]!;
  return path
    .split('/')
    .map((segment) => (/^\$\{[^}]*\}$/.test(segment) ? '*' : segment.replace(/\$\{.*$/, '')))
    .join('/');
}

/** A route's URL reduced to the same shape: every `:param` is `*`. */
export const routeShape = (url: string) => url.replace(/:[^/]+/g, '*');

/** The API paths the web app names, as shapes: string literals and templates starting `/api/`, `/healthz`… */
export function webPaths(source: string): Set<string> {
  const shapes = new Set<string>();
  for (const match of source.matchAll(/(['"`])(\/(?:api\/|healthz|readyz)(?:[^'"`$\\]|\$\{(?:[^{}]|\{[^{}]*\})*\})*)\1/g)) shapes.add(webPathShape(match[2]!));
  return shapes;
}

describe('every route is a duty someone can do on screen', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { logLevel: 'warn' });
  });
  afterAll(() => server?.close());

  it('reads path shapes as the app writes them', () => {
    expect(webPathShape('/api/referrals/${referral!.id}/accept')).toBe('/api/referrals/*/accept');
    expect(webPathShape('/api/referrals/${id}/${action}')).toBe('/api/referrals/*/*');
    expect(webPathShape('/api/referrals/inbox${status === "waiting" ? "" : `?status=${status}`}')).toBe('/api/referrals/inbox');
    expect(webPathShape('/api/referrals/proposal?${query}')).toBe('/api/referrals/proposal');
    expect([...webPaths("api('GET', `/api/persons/${personId}/screenings`); fetch('/api/conduct')")]).toEqual(['/api/persons/*/screenings', '/api/conduct']);
    // A computed action segment covers nothing: it does not say which action the screen calls.
    expect(webPaths('`/api/referrals/${id}/${action}`').has(routeShape('/api/referrals/:id/accept'))).toBe(false);
  });

  it('fails for a route no screen calls unless it is listed, with its reason, as meant for other systems', () => {
    const used = new Set(sourceFiles(WEB_SOURCE).flatMap((file) => [...webPaths(readFileSync(file, 'utf8'))]));
    const routes = server.app.havenRoutes.filter((r) => r.method !== 'HEAD' && !r.url.startsWith(DOCUMENTATION_PREFIX));
    const uncovered = routes.map((r) => `${r.method} ${r.url}`).filter((route) => !ROUTES_FOR_OTHER_SYSTEMS[route] && !used.has(routeShape(route.split(' ')[1]!)));
    expect(uncovered, 'routes that no screen of the web app calls: give them a screen, or list them in other-systems.ts with the reason').toEqual([]);
  });

  it('lists only routes that exist and no screen calls, each with a reason', () => {
    const registered = new Set(server.app.havenRoutes.map((r) => `${r.method} ${r.url}`));
    const used = new Set(sourceFiles(WEB_SOURCE).flatMap((file) => [...webPaths(readFileSync(file, 'utf8'))]));
    for (const [route, reason] of Object.entries(ROUTES_FOR_OTHER_SYSTEMS)) {
      expect(registered.has(route), `${route} is listed but not registered`).toBe(true);
      expect(reason.length, `${route} needs its reason`).toBeGreaterThan(20);
    }
    // A listed route a screen now calls is no longer for other systems only: the list stays short.
    // (Paths are read without their method: POST /api/persons shares its path with the list screens read.)
    const alsoOnScreen = Object.keys(ROUTES_FOR_OTHER_SYSTEMS).filter((route) => used.has(routeShape(route.split(' ')[1]!)) && route !== 'POST /api/persons');
    expect(alsoOnScreen).toEqual([]);
  });
});
