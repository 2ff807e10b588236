import { isProblemCode, PROBLEMS, type ProblemCode } from '@haven/core/problems';
import type { RouteOptions } from 'fastify';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import type { RouteAccess } from '../access/route-access.js';
import { IDEMPOTENCY_CONFLICT_DESCRIPTION, IDEMPOTENCY_KEY_DESCRIPTION } from './idempotency.js';

/**
 * The API description a client can trust: every operation's security, operationId and problem
 * answers are derived from what the route declares (`config.access`, `config.idempotent`,
 * `config.rateLimit`, its schemas), so a route cannot be published without them.
 */

/** Problem statuses a handler may answer beyond what its declaration implies. */
export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 410 | 422 | 429 | 503;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Refusals the handler itself answers (a guard, a status move, a record named in the body),
     * each with when: documented with the ones the access rule, schemas and idempotency imply.
     * A refusal names its problem codes in backticks (`guard-refused`); one naming none answers
     * the status's general code (DEFAULT_CODES), and a status with no general code must name one.
     */
    refusals?: Partial<Record<RefusalStatus, string>>;
  }
}

/** The code a refusal answers when its words name none of the codes of its status. */
const DEFAULT_CODES: Partial<Record<RefusalStatus, ProblemCode>> = {
  400: 'invalid-input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  422: 'unprocessable',
  429: 'too-many-requests',
  503: 'not-ready',
};

/** The problem codes a refusal's words name (in backticks) that are answered with its status. */
export function refusalCodes(status: RefusalStatus, words: string): ProblemCode[] {
  const named = [...words.matchAll(/`([^`]+)`/g)].map((match) => match[1]).filter((name): name is ProblemCode => isProblemCode(name) && PROBLEMS[name].status === status);
  if (named.length > 0) return [...new Set(named)];
  const general = DEFAULT_CODES[status];
  if (!general) throw new Error(`a ${status} refusal names no problem code answered with ${status} (in backticks): ${words}`);
  return [general];
}

/** The tags routes may use, each with what its operations are about (in the order shown). */
export const TAGS: Record<string, string> = {
  system: 'Health, readiness and this description',
  auth: 'Signing in, the second factor, passwords, API tokens and the code of conduct',
  admin: 'Agencies, users, roles and settings (administrators)',
  encounters: 'Rescues, interceptions and apprehensions; mass registration and triage at the encounter',
  persons: 'The person record: identity, age assessments, family links, documents, duplicates and merges',
  screening: 'Screening versions: indicators and statements in the person’s words',
  cases: 'The case of a person: stage, facts, detention and consular rights',
  assistance: 'Assistance given, which discharges obligations',
  obligations: 'What the State owes a person, waivers, and the guards on return, sharing, detention and charges',
  queues: 'Work queues of obligations and blocked guards',
  notifications: 'Reminders and notices to a user',
  directory: 'Service providers and the default referral pathways',
  referrals: 'Consent and referrals to service providers, with only the shared fields',
  justice: 'Investigations and prosecutions, victims and witnesses, protection measures and incidents',
  oversight: 'Allegations of failure to assist, the oversight queue and a record’s audit trail',
  audit: 'The hash-chained audit trail (the oversight body)',
  retention: 'Legal holds, erasure requests and retention periods',
  'self-assessment': 'The jurisdiction’s self-assessment against the Framework for Action',
  stats: 'Indicators with small cells suppressed (no personal data)',
  exports: 'Exports of indicators and of personal data (encrypted ZIPs)',
};

/**
 * The Idempotency-Key header of the creating routes, described once: every idempotent operation
 * refers to this parameter.
 */
export const IDEMPOTENCY_KEY_PARAMETER: OpenAPIV3_1.ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: IDEMPOTENCY_KEY_DESCRIPTION,
  schema: { type: 'string', minLength: 8, maxLength: 200, pattern: '^[!-~]+$' },
};

/**
 * operationIds where the rule (verb from the method, nouns from the path) reads badly, by
 * `METHOD /fastify/url`. An entry naming no route stops the app at start-up.
 */
const OPERATION_ID_OVERRIDES: Record<string, string> = {
  'POST /api/auth/login': 'signIn',
  'POST /api/auth/logout': 'signOut',
  'POST /api/auth/logout-all': 'signOutEverywhere',
  'POST /api/auth/password': 'changePassword',
  'POST /api/auth/totp/enrol': 'startTotpEnrolment',
  'POST /api/auth/totp/confirm': 'confirmTotpEnrolment',
  'POST /api/auth/totp/verify': 'verifySecondFactor',
  'GET /api/auth/me': 'getMe',
  'POST /api/persons': 'registerPerson',
  'POST /api/persons/:id/merge': 'mergePersons',
  'POST /api/person-merges/:id/unmerge': 'unmergePersons',
  'POST /api/persons/:id/actions/:action': 'takeGuardedAction',
  'POST /api/persons/:id/consular-rights': 'recordConsularRights',
  'POST /api/notifications/:id/read': 'markNotificationRead',
  'POST /api/exports/indicators': 'exportIndicators',
  'POST /api/exports/cases': 'exportCases',
  'GET /api/openapi.json': 'getApiDescription',
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const VERBS: Record<string, string> = { GET: 'get', POST: 'create', PUT: 'set', PATCH: 'update', DELETE: 'delete' };

const isParameter = (segment: string | undefined) => segment !== undefined && (segment.startsWith(':') || segment === '*');
const pascal = (segment: string) =>
  segment
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
const camel = (segment: string) => {
  const word = pascal(segment);
  return word[0]!.toLowerCase() + word.slice(1);
};
/** `agencies` → `agency`, `persons` → `person`: a collection named before one of its ids. */
const singular = (segment: string) => (segment.endsWith('ies') ? `${segment.slice(0, -3)}y` : /[^s]s$/.test(segment) ? segment.slice(0, -1) : segment);

/** Whether a response schema is a list: an array, or a page (`items` and `nextCursor`). */
function isList(schema: unknown): boolean {
  if (schema instanceof z.ZodArray) return true;
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, unknown>) : {};
  return shape.items instanceof z.ZodArray && 'nextCursor' in shape;
}

/** Whether a creation answers with a list named like the collection (`{ persons: [...] }`): it creates several. */
function createsSeveral(schema: unknown, collection: string): boolean {
  return schema instanceof z.ZodObject && (schema.shape as Record<string, unknown>)[camel(collection)] instanceof z.ZodArray;
}

/** The words of path segments, ids left out and the collection before each id singular. */
const nouns = (segments: string[]) => segments.map((segment, i) => (isParameter(segment) ? '' : pascal(isParameter(segments[i + 1]) ? singular(segment) : segment))).join('');

/**
 * The rule: a verb from the method (`get`, or `list` for a list; `create`, `set`, `update`,
 * `delete`), then the path's words without `/api`, a collection before an id made singular, and
 * the collection a POST adds one record to: `POST /api/persons/:id/documents` →
 * `createPersonDocument`, but `POST /api/encounters/:id/persons` (answering `{ persons: [...] }`)
 * → `createEncounterPersons`. A POST that creates nothing (answers 200) is an action named by its
 * last word: `POST /api/referrals/:id/send` → `sendReferral`.
 */
export function operationIdOf(method: string, url: string, responses: Record<string, unknown> = {}): string {
  const override = OPERATION_ID_OVERRIDES[`${method} ${url}`];
  if (override) return override;
  const segments = url.split('/').filter(Boolean);
  if (segments[0] === 'api') segments.shift();
  const last = segments.at(-1);
  const created = responses['201'] ?? responses['202'];
  if (method === 'POST' && created === undefined && last !== undefined && !isParameter(last) && segments.length > 1) {
    return `${camel(last)}${nouns(segments.slice(0, -1))}`;
  }
  if (method === 'POST' && last !== undefined && !isParameter(last) && !createsSeveral(created, last)) segments[segments.length - 1] = singular(last);
  const verb = method === 'GET' && isList(responses['200']) ? 'list' : (VERBS[method] ?? method.toLowerCase());
  return `${verb}${nouns(segments)}`;
}


/** What the description needs of a route, kept when it registers. */
interface DescribedRoute {
  method: string;
  url: string;
  operationId: string;
  access: RouteAccess;
  idempotent: boolean;
  rateLimited: boolean;
  refusals: Partial<Record<RefusalStatus, string>>;
  /** The codes of each refusal, read from its words when the route registers. */
  refusalCodes: Partial<Record<RefusalStatus, ProblemCode[]>>;
}

/** `/api/persons/:id` → `/api/persons/{id}`, as @fastify/swagger writes paths. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

type Document = OpenAPIV3_1.Document;
type Operation = OpenAPIV3_1.OperationObject;
type Parameter = OpenAPIV3_1.ParameterObject;
type Schema = OpenAPIV3_1.SchemaObject;

const PROBLEM_REF = '#/components/schemas/Problem';
const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** RFC 9457 problem details as errors.ts writes them, with the extras Haven's refusals carry. */
const PROBLEM_SCHEMAS: Record<string, Schema> = {
  Problem: {
    type: 'object',
    description: 'An RFC 9457 problem: every refusal and error has this shape. Refusals may carry more members, named below.',
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string', format: 'uri', description: 'Identifies the kind of problem; its last path segment is a stable code (`stale-version`, `guard-refused`, …).' },
      title: { type: 'string', description: 'A short summary of the kind of problem.' },
      status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status.' },
      detail: { type: 'string', description: 'What went wrong for this request, in words.' },
      instance: { type: 'string', description: 'The path of the request.' },
      requestId: { type: 'string', description: 'The request id (also the X-Request-Id header), which finds the request in the logs.' },
      errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' }, description: 'Each failing field of the input.' },
      currentVersion: { type: 'integer', description: 'With a stale version: the record’s current version.' },
      retryAfter: { type: 'integer', description: 'With 429: seconds to wait before trying again (also the Retry-After header).' },
      blockedBy: { type: 'array', items: { type: 'string' }, description: 'With a guard’s refusal: the obligations that block the action.' },
      action: { type: 'string', description: 'With a guard’s refusal: the guarded action refused.' },
      pending: { type: 'string', enum: ['mfa_verify', 'mfa_enrol', 'password_change'], description: 'With `sign-in-incomplete`: the sign-in step still to do.' },
    },
  },
  FieldError: {
    type: 'object',
    description: 'A field that failed, named by its path: `persons.3.birthDate` in the body, `query:limit`, `header:idempotency-key`.',
    required: ['field', 'message'],
    properties: { field: { type: 'string' }, message: { type: 'string' } },
  },
};

const SECURITY_SCHEMES: Record<string, OpenAPIV3_1.SecuritySchemeObject> = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'haven_session',
    description:
      'The session cookie POST /api/auth/login sets (HttpOnly, SameSite=Strict). With it, every POST, PUT, PATCH and DELETE also needs the session’s CSRF token (the `csrf` scheme).',
  },
  csrf: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description: 'The CSRF token of the session (in the sign-in answer, or from GET /api/auth/csrf): sent with the session cookie on every POST, PUT, PATCH and DELETE. Not used with an API token.',
  },
  apiToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API token (POST /api/auth/tokens) as `Authorization: Bearer <token>`: its owner’s role, narrowed to the token’s scopes. Sign-in steps and token management need a session.',
  },
};

/** Who may call: nobody needs to sign in for a public route; otherwise a session (with its CSRF token when the method changes something), or an API token where the route allows one. */
function securityOf(route: DescribedRoute): OpenAPIV3_1.SecurityRequirementObject[] {
  if (route.access.public) return [];
  const session: OpenAPIV3_1.SecurityRequirementObject = SAFE_METHODS.has(route.method) ? { session: [] } : { session: [], csrf: [] };
  return route.access.sessionOnly ? [session] : [session, { apiToken: [] }];
}

/** Follows a local `$ref` to a schema of the document. */
function resolved(doc: Document, schema: Schema | OpenAPIV3_1.ReferenceObject | undefined): Schema | undefined {
  if (!schema) return undefined;
  if ('$ref' in schema) return doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
  return schema;
}

/** Whether the operation's body or query names a version to check (optimistic locking). */
function sendsVersion(doc: Document, operation: Operation): boolean {
  const query = ((operation.parameters ?? []) as Parameter[]).some((p) => p.in === 'query' && /^(previousV|v)ersion$/.test(p.name));
  const body = resolved(doc, (operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content['application/json']?.schema);
  return query || Object.keys(body?.properties ?? {}).some((name) => /^(previousV|v)ersion$/.test(name));
}

/** The problem answers of one operation, each with when it comes: implied by the route's declaration, then its own refusals. */
function problemResponses(doc: Document, route: DescribedRoute, operation: Operation): Record<string, OpenAPIV3_1.ResponseObject> {
  const parameters = (operation.parameters ?? []) as Parameter[];
  const pathIds = parameters.some((p) => p.in === 'path');
  const query = parameters.some((p) => p.in === 'query');
  // Fastify reads a body on any of these methods, declared or not: its size and type can be refused.
  const body = operation.requestBody !== undefined || !SAFE_METHODS.has(route.method);
  const { access } = route;
  const reasons = new Map<number, string[]>();
  const codes = new Map<number, Set<ProblemCode>>();
  const add = (status: number, reason: string, ...raised: ProblemCode[]) => {
    reasons.set(status, [...(reasons.get(status) ?? []), reason]);
    codes.set(status, new Set([...(codes.get(status) ?? []), ...raised]));
  };

  if (pathIds || query || body || route.idempotent) {
    add(400, 'The input is not valid: `errors` names each failing field.', 'invalid-input', ...(pathIds ? (['bad-url'] as const) : []), ...(body ? (['malformed-json', 'invalid-content-length'] as const) : []));
  }
  if (!access.public) {
    add(401, 'Not signed in, or the session or API token has ended, expired or been revoked.', 'unauthorized');
    if (!SAFE_METHODS.has(route.method)) add(403, 'With the session cookie, the X-CSRF-Token header is missing or wrong.', 'forbidden');
    if (access.sessionOnly) add(403, 'Called with an API token: this needs a signed-in session.', 'forbidden');
    if (!access.duringSignIn) add(403, 'Sign-in is not complete (`sign-in-incomplete`; `pending` names the step).', 'sign-in-incomplete');
    if (access.permission) add(403, `The role, or the API token’s scopes, lack the permission \`${access.permission}\`.`, 'forbidden');
    if (access.personalData) add(403, 'The code of conduct in force is not accepted (`conduct-not-accepted`).', 'conduct-not-accepted');
  }
  if (pathIds) add(404, 'No such record, or one outside your scope: both get the same answer.', 'not-found');
  if (sendsVersion(doc, operation)) add(409, 'The version sent is stale: someone changed the record since (`stale-version`; `currentVersion` names the current one).', 'stale-version');
  if (route.idempotent) add(409, IDEMPOTENCY_CONFLICT_DESCRIPTION, 'idempotency-key-in-use');
  if (body) {
    add(413, 'The request body is larger than the server accepts.', 'body-too-large');
    add(415, 'The request body is not `application/json`.', 'unsupported-media-type');
  }
  if (route.idempotent) add(422, 'The Idempotency-Key was already used for a different request (`idempotency-key-reused`).', 'idempotency-key-reused');
  if (route.rateLimited) add(429, 'Too many attempts: try again after `retryAfter` seconds (also the Retry-After header).', 'too-many-requests');
  if (pathIds) add(414, 'A path parameter is longer than any identifier.', 'uri-too-long');
  // Node's parser answers this before any route runs, for any request.
  add(431, 'The request line or its headers are too long.', 'headers-too-large');
  for (const [status, reason] of Object.entries(route.refusals)) add(Number(status), reason, ...(route.refusalCodes[Number(status) as RefusalStatus] ?? []));

  const retryAfter: Record<string, OpenAPIV3_1.HeaderObject> = { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } } };
  return Object.fromEntries(
    [...reasons]
      .sort(([a], [b]) => a - b)
      .map(([status, why]) => [
        String(status),
        {
          description: why.length === 1 ? why[0]! : why.map((reason) => `- ${reason}`).join('\n'),
          // The codes of core's registry this answer may carry (the last segment of the problem's `type`).
          'x-problem-codes': [...(codes.get(status) ?? [])].sort(),
          ...(status === 429 || (status === 409 && route.idempotent) ? { headers: retryAfter } : {}),
          content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: PROBLEM_REF } } },
        },
      ]),
  );
}

/** Every `$ref` in a JSON value. */
function refsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.add(item);
      else refsIn(item, found);
    }
  }
  return found;
}

/** Drops the component schemas no operation reaches (zod's registry has an input and an output twin of each). */
function withoutUnusedSchemas(doc: Document): void {
  const schemas = doc.components?.schemas ?? {};
  const reached = new Set<string>();
  const visit = (refs: Set<string>) => {
    for (const ref of refs) {
      const name = ref.startsWith('#/components/schemas/') ? ref.slice('#/components/schemas/'.length) : undefined;
      if (name === undefined || reached.has(name) || !schemas[name]) continue;
      reached.add(name);
      visit(refsIn(schemas[name]));
    }
  };
  visit(refsIn({ paths: doc.paths, parameters: doc.components?.parameters }));
  for (const name of Object.keys(schemas)) if (!reached.has(name)) delete schemas[name];
}

/**
 * The routes as the description sees them: registered by the app's onRoute hook (which refuses a
 * documented route with no summary, a tag not in TAGS or an operationId already taken), then
 * used by `complete` to finish the document @fastify/swagger generates.
 */
export class ApiDescription {
  private readonly routes = new Map<string, DescribedRoute>();
  private readonly operationIds = new Map<string, string>();

  constructor(private readonly publicUrl: string | undefined) {}

  register(route: RouteOptions): void {
    const schema = route.schema;
    if (schema?.hide) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      const where = `${method} ${route.url}`;
      if (!schema?.summary) throw new Error(`route ${where} has no summary (schema.summary): the API description names what every operation does`);
      const tags = schema.tags ?? [];
      if (tags.length === 0) throw new Error(`route ${where} has no tag (schema.tags)`);
      const unknown = tags.find((tag) => !(tag in TAGS));
      if (unknown) throw new Error(`route ${where} uses the tag ${unknown}, which is not among the described tags (TAGS in platform/http/openapi.ts)`);
      const operationId = schema.operationId ?? operationIdOf(method, route.url, (schema.response ?? {}) as Record<string, unknown>);
      const taken = this.operationIds.get(operationId);
      if (taken) throw new Error(`routes ${taken} and ${where} would share the operationId ${operationId}: name one in OPERATION_ID_OVERRIDES (platform/http/openapi.ts)`);
      this.operationIds.set(operationId, where);
      const config = route.config ?? {};
      this.routes.set(`${method} ${openApiPath(route.url)}`, {
        method,
        url: route.url,
        operationId,
        access: config.access ?? { public: true },
        idempotent: config.idempotent !== undefined,
        rateLimited: config.rateLimit !== undefined && config.rateLimit !== false,
        refusals: config.refusals ?? {},
        refusalCodes: Object.fromEntries(Object.entries(config.refusals ?? {}).map(([status, words]) => [status, refusalCodes(Number(status) as RefusalStatus, words)])),
      });
    }
  }

  /** Called once every route is registered: an override naming no route is a mistake. */
  checkOverrides(): void {
    const registered = new Set([...this.routes.values()].map((route) => `${route.method} ${route.url}`));
    const stale = Object.keys(OPERATION_ID_OVERRIDES).filter((key) => !registered.has(key));
    if (stale.length > 0) throw new Error(`operationId overrides name no route: ${stale.join(', ')}`);
  }

  /** transformObject for @fastify/swagger: the generated document made complete. */
  complete = (input: Parameters<typeof jsonSchemaTransformObject>[0]): Document => {
    // Fills components.schemas from the schemas given an id (`.meta({ id })`), which the routes' $refs point to.
    const doc = jsonSchemaTransformObject(input) as unknown as Document;
    const paths = doc.paths ?? {};
    const used = new Set<string>();
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item ?? {}) as [string, Operation][]) {
        const route = this.routes.get(`${method.toUpperCase()} ${path}`);
        if (!route) throw new Error(`${method.toUpperCase()} ${path} is in the API description but was not registered with it`);
        operation.operationId = route.operationId;
        operation.security = securityOf(route);
        if (route.idempotent) operation.parameters = [...(operation.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
        operation.responses = { ...operation.responses, ...problemResponses(doc, route, operation) };
        for (const tag of operation.tags ?? []) used.add(tag);
      }
    }
    doc.servers = [{ url: this.publicUrl?.replace(/\/+$/, '') || '/' }];
    doc.tags = Object.entries(TAGS)
      .filter(([name]) => used.has(name))
      .map(([name, description]) => ({ name, description }));
    doc.components = {
      ...doc.components,
      schemas: { ...doc.components?.schemas, ...PROBLEM_SCHEMAS },
      parameters: { IdempotencyKey: IDEMPOTENCY_KEY_PARAMETER },
      securitySchemes: SECURITY_SCHEMES,
    };
    withoutUnusedSchemas(doc);
    return doc;
  };
}

/** The info block: what Haven is, its licence and how it refuses. */
export const API_INFO: OpenAPIV3_1.InfoObject = {
  title: 'Haven API',
  version: '0.1.0',
  description:
    'Protection of and assistance to smuggled migrants: registration, screening, obligations, referrals, justice, oversight and statistics. ' +
    'Every refusal is RFC 9457 problem+json (`application/problem+json`, the `Problem` schema) naming the failing field; ' +
    'a record outside your scope is answered exactly like one that does not exist.',
  license: { name: 'GNU Affero General Public License v3.0 or later', identifier: 'AGPL-3.0-or-later' },
};
