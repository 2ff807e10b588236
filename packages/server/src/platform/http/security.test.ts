import { Writable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHavenApp } from '../../server.js';
import { createTestDatabase, databaseKinds, type DatabaseKind } from '../../test-support/databases.js';
import { anonymous, makeAgency, makeUser, startTestServer, TEST_PASSWORD, TestClock, type HttpAnswer, type TestServer } from '../../test-support/server.js';
import type { Platform } from '../context.js';

/** A server like startTestServer's, but with the platform config changed before the app is built. */
async function startWithConfig(kind: DatabaseKind, change: (config: Platform['config']) => void): Promise<{ baseUrl: string; platform: Platform; close(): Promise<void> }> {
  const database = await createTestDatabase(kind);
  const platform = await database.open(new TestClock().now);
  change(platform.config);
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const app = await buildHavenApp(platform, discard);
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    baseUrl,
    platform,
    async close() {
      await app.close();
      await platform.database.close();
      await database.destroy();
    },
  };
}

/** `script-src 'self'; frame-ancestors 'none'` → { 'script-src': ["'self'"], … } */
function cspDirectives(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type JsonObject = Record<string, unknown>;

/** Follows a local JSON pointer (`#/components/schemas/Person`) in the document. */
function resolvePointer(doc: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as JsonObject)[key] : undefined), doc);
}

/** Every `$ref` anywhere in a JSON value. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

/**
 * The rules of OpenAPI 3.1 a generator can get wrong, checked without the official meta-schema
 * (not available offline): returns one message per violation.
 */
function openApiViolations(doc: JsonObject): { violations: string[]; schemaPointers: string[] } {
  const violations: string[] = [];
  // JSON pointers to every schema in the document, for compiling each one afterwards.
  const schemaPointers: string[] = [];
  const pointer = (...keys: string[]) => `#/${keys.map((k) => k.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) violations.push(`openapi is ${String(doc.openapi)}, not 3.1.x`);
  const info = doc.info as JsonObject | undefined;
  if (typeof info?.title !== 'string' || typeof info?.version !== 'string') violations.push('info needs a title and a version');
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, JsonObject>)) {
    if (!path.startsWith('/')) violations.push(`path ${path} does not start with /`);
    if (/:\w/.test(path)) violations.push(`path ${path} uses a Fastify parameter instead of {name}`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).sort();
    for (const [method, operation] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!(HTTP_METHODS as readonly string[]).includes(method) && !['summary', 'description', 'parameters', 'servers', '$ref'].includes(method)) {
        violations.push(`${path} has an unknown field ${method}`);
        continue;
      }
      if (!(HTTP_METHODS as readonly string[]).includes(method)) continue;
      const op = operation as JsonObject;
      if (typeof op.operationId === 'string') {
        if (operationIds.has(op.operationId)) violations.push(`${where}: operationId ${op.operationId} is not unique`);
        operationIds.add(op.operationId);
      }
      // A parameter may be a reference to components.parameters (the Idempotency-Key header).
      const given = (op.parameters ?? []) as JsonObject[];
      const parameters = given.map((p) => (typeof p.$ref === 'string' ? ((resolvePointer(doc, p.$ref) ?? {}) as JsonObject) : p));
      for (const [i, p] of parameters.entries()) {
        if (typeof p.name !== 'string' || !['query', 'header', 'path', 'cookie'].includes(String(p.in))) violations.push(`${where}: parameter ${i} needs a name and a valid "in"`);
        if (p.in === 'path' && p.required !== true) violations.push(`${where}: path parameter ${String(p.name)} must be required`);
        const ref = given[i]!.$ref;
        if (p.schema !== undefined) schemaPointers.push(typeof ref === 'string' ? `${ref}/schema` : pointer('paths', path, method, 'parameters', String(i), 'schema'));
      }
      const pathParams = parameters.filter((p) => p.in === 'path').map((p) => String(p.name)).sort();
      if (JSON.stringify(pathParams) !== JSON.stringify(templated)) violations.push(`${where}: path parameters ${pathParams.join(',')} do not match the template`);
      const body = op.requestBody as JsonObject | undefined;
      for (const [type, media] of Object.entries((body?.content ?? {}) as Record<string, JsonObject>)) {
        if (media.schema !== undefined) schemaPointers.push(pointer('paths', path, method, 'requestBody', 'content', type, 'schema'));
      }
      const responses = op.responses as Record<string, JsonObject> | undefined;
      if (!responses || Object.keys(responses).length === 0) violations.push(`${where}: no responses`);
      for (const [status, response] of Object.entries(responses ?? {})) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) violations.push(`${where}: response key ${status} is not a status code`);
        if (typeof response.description !== 'string') violations.push(`${where} ${status}: a response needs a description`);
        for (const [type, media] of Object.entries((response.content ?? {}) as Record<string, JsonObject>)) {
          if (media.schema !== undefined) schemaPointers.push(pointer('paths', path, method, 'responses', status, 'content', type, 'schema'));
        }
      }
    }
  }
  for (const name of Object.keys(((doc.components as JsonObject | undefined)?.schemas ?? {}) as JsonObject)) schemaPointers.push(pointer('components', 'schemas', name));
  for (const ref of refsIn(doc)) if (resolvePointer(doc, ref) === undefined) violations.push(`$ref ${ref} does not resolve`);
  return { violations, schemaPointers };
}

/** `GET /api/persons/:id` → `GET /api/persons/{id}` */
const asOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

// Routes deliberately kept out of the document: the web app's page and files (GET / and its
// catch-all GET /*, which answers /api/… with the problem+json 404) and the documentation UI itself.
const UNDOCUMENTED = (method: string, url: string) => (method === 'GET' && (url === '/' || url === '/*')) || url === '/api/docs' || url.startsWith('/api/docs/');

const problemCode = (answer: HttpAnswer): string => String(answer.body?.type ?? '').split('/').pop() ?? '';

describe.each(await databaseKinds())('HTTP security on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
  });
  afterAll(() => server.close());

  it('sends a strict Content-Security-Policy and the other protective headers on the page and on the API', async () => {
    const caller = anonymous(server);
    for (const answer of [await caller.get('/'), await caller.get('/api/auth/me'), await caller.get('/healthz'), await caller.get('/api/no-such-route')]) {
      const where = `${answer.status} ${answer.headers.get('content-type')}`;
      const csp = cspDirectives(answer.headers.get('content-security-policy'));
      const scripts = csp.get('script-src') ?? csp.get('default-src');
      expect(scripts, where).toBeDefined();
      expect(scripts, where).not.toContain("'unsafe-inline'");
      expect(scripts, where).not.toContain("'unsafe-eval'");
      expect(scripts, where).not.toContain('*');
      expect(csp.get('frame-ancestors'), where).toEqual(["'none'"]);
      expect(csp.get('object-src'), where).toEqual(["'none'"]);
      expect(answer.headers.get('x-content-type-options'), where).toBe('nosniff');
      expect(answer.headers.get('referrer-policy'), where).toBe('no-referrer');
      expect(answer.headers.get('x-frame-options'), where).toBe('DENY');
      expect(answer.headers.get('strict-transport-security'), where).toBeNull();
    }
    const page = await caller.get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('keeps answers out of shared caches', async () => {
    const answer = await anonymous(server).get('/api/auth/me');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('sends HSTS, and marks the session cookie Secure, when the public URL is https', async () => {
    const tls = await startWithConfig(kind, (config) => {
      config.publicUrl = 'https://haven.example.org';
      config.logLevel = 'silent';
    });
    try {
      const page = await fetch(`${tls.baseUrl}/`);
      expect(page.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
      expect(page.headers.get('strict-transport-security')).toMatch(/includeSubDomains/i);
      const api = await fetch(`${tls.baseUrl}/api/auth/me`);
      expect(api.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);

      const agency = await makeAgency(tls.platform, 'TLS Agency');
      await makeUser(tls.platform, agency, 'protection_officer', 'officer.tls');
      const login = await fetch(`${tls.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'officer.tls', password: TEST_PASSWORD }),
      });
      expect(login.status).toBe(200);
      const attributes = login.headers.get('set-cookie')!.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).toContain('secure');
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=strict');
    } finally {
      await tls.close();
    }
  });

  it('carries a request id on every answer and echoes a well-formed one the client sent', async () => {
    const caller = anonymous(server);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const answer of [
      await caller.get('/healthz'),
      await caller.get('/'),
      await caller.get('/api/persons'),
      await caller.get('/api/no-such-route'),
      await caller.post('/api/auth/login', '{"username":', { 'content-type': 'application/json' }),
    ]) {
      expect(answer.headers.get('x-request-id'), String(answer.status)).toMatch(uuid);
      if (answer.status >= 400) expect(answer.body.requestId).toBe(answer.headers.get('x-request-id'));
    }
    const given = 'edge-proxy.7f3a9c:42';
    const echoed = await caller.get('/api/persons', { 'x-request-id': given });
    expect(echoed.headers.get('x-request-id')).toBe(given);
    expect(echoed.body.requestId).toBe(given);
    for (const bad of ['short', 'has spaces in it', 'x'.repeat(81), 'inject\u0000ion-attempt', '<script>alert(1)</script>']) {
      let answer: HttpAnswer;
      try {
        answer = await caller.get('/healthz', { 'x-request-id': bad });
      } catch {
        continue; // the HTTP client itself refused the header value
      }
      expect(answer.headers.get('x-request-id'), JSON.stringify(bad)).toMatch(uuid);
    }
  });

  it('publishes a valid OpenAPI 3.1 document that lists every route the app serves', async () => {
    const answer = await anonymous(server).get('/api/openapi.json');
    expect(answer.status).toBe(200);
    const doc = answer.body as JsonObject;
    const { violations, schemaPointers } = openApiViolations(doc);
    expect(violations).toEqual([]);

    // Every schema must be valid JSON Schema 2020-12 (the dialect of OpenAPI 3.1) with its refs resolving.
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(doc, 'openapi.json');
    expect(schemaPointers.length).toBeGreaterThan(20);
    // Schemas written the same way compile the same way (every problem answer is one $ref): once each.
    const distinct = new Map(schemaPointers.map((pointer) => [JSON.stringify(resolvePointer(doc, pointer)), pointer]));
    for (const pointer of distinct.values()) {
      expect(() => ajv.compile({ $ref: `openapi.json${pointer}` }), pointer).not.toThrow();
    }

    const paths = doc.paths as Record<string, JsonObject>;
    const served = server.app.havenRoutes.filter((r) => r.method !== 'HEAD' && !UNDOCUMENTED(r.method, r.url));
    expect(served.length).toBeGreaterThan(20);
    const missing = served.filter((r) => paths[asOpenApiPath(r.url)]?.[r.method.toLowerCase()] === undefined).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    const documented = Object.entries(paths).flatMap(([path, item]) => Object.keys(item).filter((k) => (HTTP_METHODS as readonly string[]).includes(k)).map((m) => `${m.toUpperCase()} ${path}`));
    const servedKeys = new Set(served.map((r) => `${r.method} ${asOpenApiPath(r.url)}`));
    expect(documented.filter((d) => !servedKeys.has(d))).toEqual([]);
  });

  it('answers a request line or headers past the parser limit with problem+json, not a bare status', async () => {
    const longQuery = await fetch(`${server.baseUrl}/api/persons?q=${'a'.repeat(40_000)}`).catch((error: Error) => error);
    if (longQuery instanceof Error) throw longQuery;
    expect(longQuery.status).toBe(431);
    expect(longQuery.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await longQuery.json()) as { status: number; type: string; detail: string };
    expect(problem.status).toBe(431);
    expect(problem.type).toMatch(/headers-too-large$/);
    // The server lives on.
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  });

  it('answers an unknown route with 404 problem+json', async () => {
    for (const answer of [await anonymous(server).get('/api/no-such-route'), await anonymous(server).post('/api/persons/not/here', {}), await anonymous(server).request('DELETE', '/healthz')]) {
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(problemCode(answer)).toBe('not-found');
      expect(answer.body.status).toBe(404);
    }
  });

  it('answers the health and readiness checks with 200', async () => {
    const health = await anonymous(server).get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await anonymous(server).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: kind });
  });
});
