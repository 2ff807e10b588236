/**
 * The routes no screen of the web app calls, each with why: meant for other systems (the `haven`
 * command, integrations, probes, the public API's clients). Every other route is a duty someone does
 * on screen; `screens-cover-routes.test.ts` fails for a route missing from both. Keep this list short
 * and reviewed: a route lands here only when no person should do it in a browser.
 */
export const ROUTES_FOR_OTHER_SYSTEMS: Readonly<Record<string, string>> = {
  'GET /': 'the web app itself (index.html): the screens, not a duty',
  'GET /*': "the web app's files and the single-page fallback: the screens, not a duty",
  'GET /api/self-assessment/report.css': 'the stylesheet the HTML gap report links to; the browser loads it with the report, no screen calls it',
  'GET /healthz': 'liveness probe for the process supervisor or load balancer',
  'GET /readyz': 'readiness probe: the database answers and migrations are applied',
  'GET /api/openapi.json': 'the API description, for integrators and generated clients (the docs page at /api/docs reads it)',
  'POST /api/persons': 'registration of one person outside an encounter, by an integration (API token); on screen every person is registered within an encounter',
};
