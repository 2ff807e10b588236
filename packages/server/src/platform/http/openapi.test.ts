import dns from 'node:dns';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { isProblemCode, PROBLEMS, type ProblemCode } from '@haven/core/problems';
import { BaseResolver, createConfig, lintDocument, Source } from '@redocly/openapi-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { OpenAPIV3_1 } from 'openapi-types';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { buildHavenApp } from '../../server.js';
import { createSession } from '../auth/sessions.js';
import { documentedStatuses, undocumentedAnswer } from '../../test-support/api-description.js';
import { createTestDatabase, databaseKinds, type DatabaseKind } from '../../test-support/databases.js';
import { anonymous, makeAgency, makeUser, sessionCaller, sessionFor, startTestServer, type HttpAnswer, type TestServer } from '../../test-support/server.js';
import { buildApp, type Feature } from './app.js';
import { IDEMPOTENCY_KEY_PARAMETER, operationIdOf } from './openapi.js';

type Document = OpenAPIV3_1.Document;
type Operation = OpenAPIV3_1.OperationObject;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const REPOSITORY_MODULES = fileURLToPath(new URL('../../../../../node_modules/', import.meta.url));
const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/** Every operation of the document with its path and method. */
function operations(doc: Document): { path: string; method: string; operation: Operation }[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((method) => item?.[method]).map((method) => ({ path, method: method.toUpperCase(), operation: item![method]! })),
  );
}

const fastifyUrl = (openApiPath: string) => openApiPath.replace(/\{([^}]+)\}/g, ':$1');

/** The API description as a client downloads it, from a real server over HTTP. */
async function publishedDescription(kind: DatabaseKind): Promise<Document> {
  const server = await startTestServer(kind, { logLevel: 'warn' });
  try {
    const answer = await anonymous(server).get('/api/openapi.json');
    expect(answer.status).toBe(200);
    return answer.body as Document;
  } finally {
    await server.close();
  }
}

/**
 * Runs work with the network unavailable: every TCP connection, DNS lookup or fetch it tries is
 * refused and listed. (No server of this test runs meanwhile, so none of its own connections can
 * be mistaken for one.)
 */
async function offline<T>(work: () => Promise<T>): Promise<{ result: T; attempts: string[] }> {
  const attempts: string[] = [];
  const refuse = (what: string) => {
    attempts.push(what);
    throw new Error(`no network in this test: ${what}`);
  };
  const spies = [
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation((...args: unknown[]) => refuse(`connect ${JSON.stringify(args[0])}`)),
    vi.spyOn(dns, 'lookup').mockImplementation(((host: string) => refuse(`lookup ${host}`)) as unknown as typeof dns.lookup),
    vi.spyOn(dns.promises, 'lookup').mockImplementation((host: string) => refuse(`lookup ${host}`)),
    vi.spyOn(globalThis, 'fetch').mockImplementation((input: string | URL | Request) => refuse(`fetch ${String(input instanceof Request ? input.url : input)}`)),
  ];
  try {
    return { result: await work(), attempts };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('the operationId rule', () => {
  it('names an operation by its method and path, a collection before an id singular', () => {
    expect(operationIdOf('GET', '/api/persons', { 200: z.object({ items: z.array(z.string()), nextCursor: z.string().nullable() }) })).toBe('listPersons');
    expect(operationIdOf('GET', '/api/persons/:id', { 200: z.object({ id: z.string() }) })).toBe('getPerson');
    expect(operationIdOf('GET', '/api/persons/:id/documents', { 200: z.array(z.object({})) })).toBe('listPersonDocuments');
    expect(operationIdOf('PATCH', '/api/persons/:id/detentions/:detentionId', { 200: z.object({}) })).toBe('updatePersonDetention');
    expect(operationIdOf('DELETE', '/api/directory/pathways/:id', { 200: z.object({}) })).toBe('deleteDirectoryPathway');
    expect(operationIdOf('PUT', '/api/stats/threshold', { 200: z.object({}) })).toBe('setStatsThreshold');
    expect(operationIdOf('GET', '/api/admin/agencies', { 200: z.array(z.object({})) })).toBe('listAdminAgencies');
  });

  it('names a creation after the one record it adds, or the several it answers with', () => {
    expect(operationIdOf('POST', '/api/persons/:id/documents', { 201: z.object({ id: z.string() }) })).toBe('createPersonDocument');
    expect(operationIdOf('POST', '/api/admin/agencies', { 201: z.object({ id: z.string() }) })).toBe('createAdminAgency');
    expect(operationIdOf('POST', '/api/encounters/:id/persons', { 201: z.object({ encounterId: z.string(), persons: z.array(z.object({})) }) })).toBe('createEncounterPersons');
  });

  it('names a POST that creates nothing after its action', () => {
    expect(operationIdOf('POST', '/api/referrals/:id/send', { 200: z.object({}) })).toBe('sendReferral');
    expect(operationIdOf('POST', '/api/legal-holds/:id/release', { 200: z.object({}) })).toBe('releaseLegalHold');
  });

  it('takes an explicit name where the rule reads badly', () => {
    expect(operationIdOf('POST', '/api/auth/login', { 200: z.object({}) })).toBe('signIn');
  });
});

describe.each(await databaseKinds())('the API description on %s', (kind) => {
  let server: TestServer;
  let doc: Document;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    doc = (await anonymous(server).get('/api/openapi.json')).body as Document;
  });
  afterAll(() => server.close());

  it('declares who may call every operation, from its access rule: nobody for public routes, the session (with its CSRF token on changes) or an API token', () => {
    const schemes = doc.components?.securitySchemes as Record<string, OpenAPIV3_1.SecuritySchemeObject>;
    expect(schemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'haven_session' });
    expect(schemes.csrf).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
    expect(schemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const routes = server.app.havenRoutes.filter((r) => r.method !== 'HEAD');
    let checked = 0;
    for (const { path, method, operation } of operations(doc)) {
      const route = routes.find((r) => r.method === method && r.url === fastifyUrl(path));
      expect(route, `${method} ${path} is a route`).toBeDefined();
      const { access } = route!;
      const session = method === 'GET' ? { session: [] } : { session: [], csrf: [] };
      const expected = access.public ? [] : access.sessionOnly ? [session] : [session, { apiToken: [] }];
      expect(operation.security, `${method} ${path}`).toEqual(expected);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('describes the session as the server checks it: a change with the cookie but without the CSRF header is refused', async () => {
    const agency = await makeAgency(server.platform, 'Description agency');
    const userId = await makeUser(server.platform, agency, 'protection_officer', 'officer.description');
    await sessionFor(server, userId); // accepts the code of conduct in force
    const session = await createSession(server.platform.database.db, userId, 'full', server.platform.clock());
    const cookieOnly = sessionCaller(server, `haven_session=${session.token}`);
    const answer = await cookieOnly.post('/api/persons', { givenName: 'Amina', sex: 'female' });
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toMatch(/X-CSRF-Token/);
    expect(doc.paths!['/api/persons']!.post!.responses['403']).toMatchObject({ description: expect.stringMatching(/X-CSRF-Token/) });
    // Reading needs no CSRF token, as the description says.
    expect((await cookieOnly.get('/api/persons')).status).toBe(200);
  });

  it('gives every operation a unique camelCase operationId, a summary and a described tag', () => {
    const ids = new Set<string>();
    const tags = new Set((doc.tags ?? []).map((tag) => tag.name));
    for (const { path, method, operation } of operations(doc)) {
      const where = `${method} ${path}`;
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(ids.has(operation.operationId!), `${where}: ${operation.operationId} is unique`).toBe(false);
      ids.add(operation.operationId!);
      expect(operation.summary?.length, where).toBeGreaterThan(5);
      expect(operation.tags?.length, where).toBeGreaterThan(0);
      for (const tag of operation.tags ?? []) expect(tags.has(tag), `${where}: tag ${tag} is described`).toBe(true);
    }
    for (const tag of doc.tags ?? []) expect(tag.description, tag.name).toBeTruthy();
  });

  it('documents the problem answers each operation can give, all with the shared Problem schema', () => {
    for (const { path, method, operation } of operations(doc)) {
      const where = `${method} ${path}`;
      const route = server.app.havenRoutes.find((r) => r.method === method && r.url === fastifyUrl(path))!;
      const responses = operation.responses ?? {};
      const statuses = Object.keys(responses);
      expect(statuses.some((s) => s.startsWith('4')), `${where} has a 4xx answer`).toBe(true);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const response = responses[status] as OpenAPIV3_1.ResponseObject;
        expect(response.content, `${where} ${status}`).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
        expect(response.description.length, `${where} ${status}`).toBeGreaterThan(10);
      }
      const parameters = (operation.parameters ?? []) as (OpenAPIV3_1.ParameterObject | OpenAPIV3_1.ReferenceObject)[];
      if (!route.access.public) expect(statuses, where).toContain('401');
      if (!route.access.public && (method !== 'GET' || 'permission' in route.access || !route.access.duringSignIn)) expect(statuses, where).toContain('403');
      if (parameters.some((p) => 'in' in p && p.in === 'path')) expect(statuses, where).toContain('404');
      if (operation.requestBody || parameters.length > 0) expect(statuses, where).toContain('400');
      const body = operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
      const bodySchema = body?.content['application/json']?.schema as OpenAPIV3_1.SchemaObject | OpenAPIV3_1.ReferenceObject | undefined;
      const properties = bodySchema && '$ref' in bodySchema ? doc.components!.schemas![bodySchema.$ref.split('/').pop()!]!.properties : bodySchema?.properties;
      if (properties?.version) expect(statuses, `${where} sends a version`).toContain('409');
    }
  });

  it('documents the Idempotency-Key header once and on every creating route, with the refusals it brings', () => {
    expect(doc.components?.parameters?.IdempotencyKey).toEqual(IDEMPOTENCY_KEY_PARAMETER);
    const idempotent = server.app.havenRoutes.filter((r) => r.method === 'POST' && ['/api/persons', '/api/encounters/:id/persons', '/api/referrals'].includes(r.url));
    expect(idempotent).toHaveLength(3);
    for (const route of idempotent) {
      const operation = doc.paths![route.url.replace(/:(\w+)/g, '{$1}')]!.post!;
      expect(operation.parameters, route.url).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
      expect(Object.keys(operation.responses), route.url).toEqual(expect.arrayContaining(['409', '422']));
      expect((operation.responses['409'] as OpenAPIV3_1.ResponseObject).headers?.['Retry-After']).toBeDefined();
    }
    const login = doc.paths!['/api/auth/login']!.post!;
    expect(login.parameters ?? []).not.toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect((login.responses['429'] as OpenAPIV3_1.ResponseObject).headers?.['Retry-After']).toBeDefined();
  });

  it('describes the refusals the server really sends: their bodies match the Problem schema and their statuses are listed', async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(doc, 'openapi.json');
    const problem = ajv.getSchema('openapi.json#/components/schemas/Problem')!;
    const agency = await makeAgency(server.platform, 'Refusing agency');
    const officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer.refusals'));
    const created = await officer.post('/api/persons', { givenName: 'Yonas', sex: 'male' });
    expect(created.status).toBe(201);
    const answers: [string, string, HttpAnswer][] = [
      ['POST', '/api/persons', await officer.post('/api/persons', { givenName: 7 })],
      ['GET', '/api/persons', await anonymous(server).get('/api/persons')],
      ['GET', '/api/persons/:id', await officer.get('/api/persons/00000000-0000-4000-8000-000000000000')],
      ['PATCH', '/api/persons/:id', await officer.patch(`/api/persons/${created.body.id}`, { version: created.body.version + 5, familyName: 'Stale' })],
      ['GET', '/api/admin/agencies', await officer.get('/api/admin/agencies')],
    ];
    expect(answers.map(([, , answer]) => answer.status)).toEqual([400, 401, 404, 409, 403]);
    for (const [method, url, answer] of answers) {
      const where = `${method} ${url} → ${answer.status}`;
      expect(answer.headers.get('content-type'), where).toMatch(/^application\/problem\+json/);
      expect(problem(answer.body), `${where}: ${JSON.stringify(problem.errors)}`).toBe(true);
      expect(undocumentedAnswer(doc as never, method, url, answer.status, answer.body), where).toBeUndefined();
    }
    expect(answers[3]![2].body.currentVersion).toBe(created.body.version);
  });

  it('lists with every problem answer the codes it may carry, each registered in core with that status', () => {
    let listed = 0;
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, operation] of Object.entries(item ?? {}) as [string, { responses?: Record<string, { 'x-problem-codes'?: string[] }> }][]) {
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          if (Number(status) < 400) continue;
          const codes = response['x-problem-codes'];
          expect(codes, `${method} ${path} ${status}`).toBeInstanceOf(Array);
          expect(codes!.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
          for (const code of codes!) {
            expect(isProblemCode(code), `${method} ${path} ${status}: ${code}`).toBe(true);
            expect(PROBLEMS[code as ProblemCode].status, `${method} ${path} ${status}: ${code}`).toBe(Number(status));
            listed += 1;
          }
        }
      }
    }
    expect(listed).toBeGreaterThan(500);
    expect(doc.paths!['/api/persons/{id}/actions/{action}']!.post!.responses!['409']).toMatchObject({ 'x-problem-codes': expect.arrayContaining(['guard-refused', 'override-not-permitted', 'person-merged']) });
  });

  it('names the server, the licence and the tags, and keeps no component schema no operation uses', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(doc.info.license).toMatchObject({ identifier: 'AGPL-3.0-or-later' });
    const text = JSON.stringify({ paths: doc.paths, components: { ...doc.components, schemas: {} } });
    const schemas = doc.components!.schemas!;
    const reachable = new Set<string>();
    const visit = (json: string) => {
      for (const [, name] of json.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
        if (reachable.has(name!)) continue;
        reachable.add(name!);
        visit(JSON.stringify(schemas[name!]));
      }
    };
    visit(text);
    expect(Object.keys(schemas).filter((name) => !reachable.has(name))).toEqual([]);
    expect(schemas.Problem).toBeDefined();
    // zod's registry has an input twin of every named schema; only those a request uses stay.
    expect(Object.keys(schemas).length).toBeLessThan(80);
  });

  it('names the public URL as the server when one is configured', async () => {
    const database = await createTestDatabase(kind);
    const platform = await database.open();
    try {
      platform.config.publicUrl = 'https://haven.gov.test/';
      platform.config.logLevel = 'silent';
      const app = await buildHavenApp(platform, discard());
      try {
        expect((app.swagger() as Document).servers).toEqual([{ url: 'https://haven.gov.test' }]);
      } finally {
        await app.close();
      }
    } finally {
      await platform.database.close();
      await database.destroy();
    }
  });

  it('refuses to start with a route that has no summary, an undescribed tag, or an operationId another route has', async () => {
    const handler = async () => ({});
    const route = (url: string, schema: Record<string, unknown>): Feature => (app) => {
      app.get(url, { config: { access: { public: true } }, schema }, handler);
    };
    const build = (...features: Feature[]) => buildApp(server.platform, { features, logStream: discard() });
    await expect(build(route('/api/things', { tags: ['system'] }))).rejects.toThrow(/GET \/api\/things has no summary/);
    await expect(build(route('/api/things', { tags: ['things'], summary: 'Things' }))).rejects.toThrow(/tag things, which is not among the described tags/);
    await expect(
      build(
        route('/api/things/:id', { tags: ['system'], summary: 'A thing', params: z.strictObject({ id: z.string() }) }),
        route('/api/thing', { tags: ['system'], summary: 'The thing' }),
      ),
    ).rejects.toThrow(/share the operationId getThing/);
  });

  it('lists the statuses the description promises, which the conformance checks of the other suites read', () => {
    expect(documentedStatuses(doc as never, 'GET', '/api/persons/:id')).toEqual(new Set(['200', '400', '401', '403', '404', '414', '431']));
    expect(undocumentedAnswer(doc as never, 'GET', '/api/persons/:id', 409)).toMatch(/does not list/);
  });
});

describe.each(await databaseKinds())('clients of the API description published on %s', (kind) => {
  let doc: Document;
  beforeAll(async () => {
    doc = await publishedDescription(kind);
  });

  it("passes Redocly's recommended ruleset with no error, offline", async () => {
    const { result: problems, attempts } = await offline(async () => {
      // createConfig, unlike loadConfig, reads no redocly.yaml and no stored credentials.
      const config = await createConfig({ extends: ['recommended'] });
      const document = { source: new Source('openapi.json', JSON.stringify(doc), 'application/json'), parsed: doc };
      return lintDocument({ document, config: config.styleguide, externalRefResolver: new BaseResolver(config.resolve) });
    });
    expect(attempts).toEqual([]);
    const errors = problems.filter((p) => p.severity === 'error');
    const warnings = problems.filter((p) => p.severity === 'warn');
    expect(errors.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
    process.stderr.write(`Redocly recommended on the ${kind} server's description: ${errors.length} errors, ${warnings.length} warnings${warnings.length ? `: ${[...new Set(warnings.map((p) => p.ruleId))].join(', ')}` : ''}\n`);
  });

  it('generates a TypeScript client that type-checks against real operations, and catches a wrong call', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-client-'));
    try {
      const { result: types, attempts } = await offline(async () => astToString(await openapiTS(doc as never, { silent: true })));
      expect(attempts).toEqual([]);
      writeFileSync(path.join(dir, 'haven-api.ts'), types);
      symlinkSync(REPOSITORY_MODULES, path.join(dir, 'node_modules'), 'dir');
      const prelude = [
        "import createClient from 'openapi-fetch';",
        "import type { paths } from './haven-api';",
        "const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:8080' });",
      ];
      writeFileSync(
        path.join(dir, 'client.ts'),
        [
          ...prelude,
          'export async function registerAndRead(): Promise<string | undefined> {',
          "  const registered = await client.POST('/api/persons', { body: { givenName: 'Amina', sex: 'female', ageClaimed: 16 }, params: { header: { 'Idempotency-Key': 'a7d4c3b2-0000-4000-8000-000000000001' } } });",
          '  if (registered.error) return registered.error.errors?.map((e) => `${e.field}: ${e.message}`).join(", ") ?? registered.error.title;',
          '  const id: string = registered.data.id;',
          "  const read = await client.GET('/api/persons/{id}', { params: { path: { id } } });",
          '  const version: number | undefined = read.data?.version;',
          "  await client.PATCH('/api/persons/{id}', { params: { path: { id } }, body: { version: version ?? 1, familyName: 'Tesfaye' } });",
          "  const page = await client.GET('/api/persons', { params: { query: { limit: 10 } } });",
          "  const sent = await client.POST('/api/referrals/{id}/send', { params: { path: { id } }, body: { version: 1 } });",
          '  const blockedBy: string[] | undefined = sent.error?.blockedBy;',
          '  return `${page.data?.items.length ?? 0} ${blockedBy?.join(",") ?? ""}`;',
          '}',
        ].join('\n'),
      );
      writeFileSync(
        path.join(dir, 'wrong.ts'),
        [
          ...prelude,
          'export async function misuse(): Promise<void> {',
          "  await client.POST('/api/persons', { body: { givenName: 42, sex: 'female' } }); // wrong: a number for a name",
          "  const read = await client.GET('/api/persons/{id}', { params: { path: { id: 'x' } } });",
          '  read.data?.id.toFixed(); // wrong: an id is a string',
          "  await client.GET('/api/no-such-route'); // wrong: no such operation",
          "  await client.PATCH('/api/persons/{id}', { params: { path: { id: 'x' } }, body: { familyName: 'Tesfaye' } }); // wrong: no version",
          '}',
        ].join('\n'),
      );
      const program = ts.createProgram([path.join(dir, 'client.ts'), path.join(dir, 'wrong.ts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
        skipLibCheck: true,
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ({
        file: d.file ? path.basename(d.file.fileName) : '',
        line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
        text: ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]!,
      }));
      expect(diagnostics.filter((d) => d.file !== 'wrong.ts')).toEqual([]);
      // Each wrong line, and only those, is reported.
      const wrongLines = [5, 7, 8, 9];
      expect([...new Set(diagnostics.filter((d) => d.file === 'wrong.ts').map((d) => d.line))].sort((a, b) => a - b)).toEqual(wrongLines);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
