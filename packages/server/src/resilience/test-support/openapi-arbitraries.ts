import fc from 'fast-check';

/** The part of an OpenAPI 3.1 document the fuzzer reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}
export interface OpenApiOperation {
  parameters?: { in: 'path' | 'query' | 'header' | 'cookie'; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON Schema as zod writes it
export type JsonSchema = Record<string, any>;

const HUGE = 'Ω'.repeat(300_000);

/** Values that break naive code: boundaries, wrong types, huge and odd strings. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_VALUE, 1e308, 5e-324),
  fc.constantFrom('', ' ', HUGE, '\u0000', '\ud800', '‮', '../../etc/passwd', "' or 1=1 --", '<script>alert(1)</script>', '9999-99-99', '2026-02-30T25:61:00Z', 'NaN', '{}'),
  fc.constantFrom(null, true, false, [], {}, { __proto__: { polluted: true } }, { constructor: { prototype: { polluted: true } } }),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

function resolve(schema: JsonSchema, doc: OpenApiDocument): JsonSchema {
  const ref = schema.$ref as string | undefined;
  if (!ref) return schema;
  return doc.components?.schemas?.[ref.replace('#/components/schemas/', '')] ?? {};
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  const max = Math.min(schema.maxLength ?? 60, 60);
  const min = Math.min(schema.minLength ?? 0, max);
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress();
    default:
      return fc.string({ minLength: min, maxLength: max });
  }
}

/** Values shaped by a schema (valid or nearly so), to reach past validation into the handlers. */
export function valueFor(schema: JsonSchema | undefined, doc: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return hostileValue;
  const s = resolve(schema, doc);
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alternatives?.length) return fc.oneof(...alternatives.map((alt) => valueFor(alt, doc, depth + 1)));
  if (Array.isArray(s.allOf) && s.allOf.length) return valueFor(s.allOf[0] as JsonSchema, doc, depth + 1);
  const type = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string | undefined];
  const arbitraries = type.map((t): fc.Arbitrary<unknown> => {
    switch (t) {
      case 'string':
        return stringFor(s);
      case 'integer':
        return fc.integer({ min: Math.max(s.minimum ?? -1_000_000, -1_000_000), max: Math.min(s.maximum ?? 1_000_000, 1_000_000) });
      case 'number':
        return fc.double({ min: Math.max(s.minimum ?? -1e6, -1e6), max: Math.min(s.maximum ?? 1e6, 1e6), noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(valueFor(s.items as JsonSchema | undefined, doc, depth + 1), { minLength: Math.min(s.minItems ?? 0, 3), maxLength: Math.min(s.maxItems ?? 3, 3) });
      case 'object': {
        const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
        const required = new Set((s.required ?? []) as string[]);
        const names = Object.keys(properties);
        if (names.length === 0) return fc.dictionary(fc.string({ maxLength: 10 }), hostileValue, { maxKeys: 3 });
        return fc.record(
          Object.fromEntries(names.map((name) => [name, valueFor(properties[name], doc, depth + 1)])),
          { requiredKeys: names.filter((name) => required.has(name)) },
        );
      }
      default:
        return hostileValue;
    }
  });
  return arbitraries.length === 1 ? arbitraries[0]! : fc.oneof(...arbitraries);
}

/** A body mutated the way an attacker or a broken client would. */
export type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; bytes: Uint8Array; contentType: string } | { kind: 'none' };

/** A deeply nested array, built as text so the generator itself does not recurse. */
const deepNesting = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

function mutate(value: unknown): fc.Arbitrary<Body> {
  const json = (v: unknown): Body => ({ kind: 'json', value: v });
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(json(value)) },
    // a field of the wrong type, or a hostile value
    {
      weight: 3,
      arbitrary: fc.tuple(fc.nat(), hostileValue).map(([i, hostile]) => {
        if (!isObject) return json(hostile);
        const keys = Object.keys(value as object);
        if (keys.length === 0) return json({ ...(value as object), unexpected: hostile });
        return json({ ...(value as object), [keys[i % keys.length]!]: hostile });
      }),
    },
    // unknown fields
    { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), hostileValue).map(([k, v]) => json(isObject ? { ...(value as object), [k]: v } : { [k]: v })) },
    // a field dropped
    { weight: 1, arbitrary: fc.nat().map((i) => {
      if (!isObject) return json(value);
      const entries = Object.entries(value as object);
      return json(Object.fromEntries(entries.filter((_, at) => at !== i % Math.max(1, entries.length))));
    }) },
    // deep nesting, huge documents, invalid UTF-8, random bytes, wrong content types, no body
    { weight: 1, arbitrary: fc.constantFrom(500, 5_000, 50_000).map((depth): Body => ({ kind: 'raw', bytes: Buffer.from(deepNesting(depth)), contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'raw', bytes: Buffer.from(`{"givenName":"${'x'.repeat(3_000_000)}"}`), contentType: 'application/json' }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes): Body => ({ kind: 'raw', bytes: Buffer.concat([Buffer.from('{"givenName":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(bytes), Buffer.from('"}')]), contentType: 'application/json; charset=utf-8' })) },
    { weight: 1, arbitrary: fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream')).map(([bytes, contentType]): Body => ({ kind: 'raw', bytes, contentType })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  );
}

export interface FuzzRequest {
  method: string;
  path: string;
  route: string;
  body: Body;
  caller: number;
}

/**
 * Requests for every operation of the document: path parameters from known ids, random ids or
 * hostile text; query parameters from their schemas or hostile; bodies from the schemas, mutated.
 */
export function requestsFor(doc: OpenApiDocument, knownIds: string[], callers: number): fc.Arbitrary<FuzzRequest> {
  const operations = Object.entries(doc.paths).flatMap(([route, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => ({ route, method: method.toUpperCase(), operation })),
  );
  const pathValue = fc.oneof(
    { weight: 3, arbitrary: knownIds.length ? fc.constantFrom(...knownIds) : fc.uuid() },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('%00', '..', '%E0%A4%A', 'x'.repeat(5000), '-1', '1e400')) },
  );
  return fc.oneof(
    ...operations.map(({ route, method, operation }) => {
      const parameters = operation.parameters ?? [];
      const pathParams = parameters.filter((p) => p.in === 'path');
      const queryParams = parameters.filter((p) => p.in === 'query');
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      return fc
        .record({
          path: fc.tuple(...pathParams.map(() => pathValue)),
          query: fc.tuple(...queryParams.map((p) => fc.option(fc.oneof(valueFor(p.schema, doc), hostileValue), { nil: undefined }))),
          body: bodySchema ? valueFor(bodySchema, doc).chain(mutate) : method === 'GET' ? fc.constant<Body>({ kind: 'none' }) : mutate({}),
          caller: fc.nat({ max: callers - 1 }),
        })
        .map(({ path, query, body, caller }) => {
          let filled = route;
          pathParams.forEach((p, i) => {
            filled = filled.replace(`{${p.name}}`, encodeURIComponent(String(path[i])));
          });
          const search = new URLSearchParams();
          queryParams.forEach((p, i) => {
            const value = query[i];
            if (value !== undefined) search.set(p.name, typeof value === 'string' ? value : JSON.stringify(value));
          });
          const qs = search.toString();
          return { method, route, path: qs ? `${filled}?${qs}` : filled, body, caller };
        });
    }),
  );
}
