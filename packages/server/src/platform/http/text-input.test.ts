import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { fieldWithNul } from './text-input.js';

describe('finding U+0000 in a request', () => {
  it('names the field as validation errors do, at any depth, in keys too', () => {
    expect(fieldWithNul('body', { persons: [{ givenName: 'Amina' }, { givenName: 'Yo\u0000nas' }] })).toBe('persons.1.givenName');
    expect(fieldWithNul('query', { area: '\u0000' })).toBe('querystring:area');
    expect(fieldWithNul('params', { id: 'a\u0000' })).toBe('params:id');
    expect(fieldWithNul('body', { notes: { ['x\u0000']: 1 } })).toBe('notes.x\u0000');
    expect(fieldWithNul('body', 'plain\u0000')).toBe('body');
  });

  it('passes everything else, other control characters and any script included', () => {
    expect(fieldWithNul('body', { givenName: 'ሰናይት', familyName: 'هايلي', notes: 'line\nbreak\u0001\u2028', n: 0, ok: null, list: [] })).toBeUndefined();
    expect(fieldWithNul('query', undefined)).toBeUndefined();
  });

  it('walks deep nesting without recursion', () => {
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(fieldWithNul('body', deep)).toMatch(/^0(\.0)*$/);
  });
});

// Found by the fuzzer: `area=%00` reached PostgreSQL, which refuses U+0000 in text, and answered 500.
describe.each(await databaseKinds())('a request holding U+0000 on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let coordinator: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'silent' });
    const agency = await makeAgency(server.platform, 'Coast Guard');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer'));
    coordinator = await sessionFor(server, await makeUser(server.platform, agency, 'coordinator', 'coordinator'));
  });
  afterAll(async () => server?.close());

  it('is refused with a 400 naming the query field, not a 500', async () => {
    const answer = await coordinator.get('/api/stats/indicators?area=%00');
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body.errors).toEqual([{ field: 'querystring:area', message: 'must not contain the NUL character (U+0000)' }]);
    expect((await coordinator.get('/api/stats/indicators?area=North')).status).toBe(200);
  });

  it('is refused in a body field, and nothing of the request is stored', async () => {
    const persons = async () => (await server.platform.database.db.selectFrom('persons').select('id').execute()).length;
    const before = await persons();
    const answer = await officer.post('/api/persons', { givenName: 'Senait\u0000', familyName: 'Haile', sex: 'female', ageClaimed: 16 });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ field: 'givenName', message: 'must not contain the NUL character (U+0000)' }]);
    expect(await persons()).toBe(before);
    expect((await officer.post('/api/persons', { givenName: 'Senait', familyName: 'Haile', sex: 'female', ageClaimed: 16 })).status).toBe(201);
  });
});
