import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type TestServer } from '../../test-support/server.js';

describe.each(await databaseKinds())('screening results shared for health only on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
  });
  afterAll(() => server.close());

  it('shows a clinic given the health group the health indicators and nothing of protection', async () => {
    const { platform } = server;
    const unit = await makeAgency(platform, 'Protection Unit');
    const clinicAgency = await makeAgency(platform, 'Clinic', 'service_provider');
    const officer = await sessionFor(server, await makeUser(platform, unit, 'protection_officer', 'min.officer'));
    const clinic = await sessionFor(server, await makeUser(platform, clinicAgency, 'service_provider', 'min.clinic'));
    const person = (await officer.post('/api/persons', { givenName: 'Mariam', sex: 'female', ageClaimed: 24, indicators: ['medical_emergency', 'pregnant', 'fear_of_return', 'trafficking_debt_bondage'] })).body.id;
    // What an emergency-medical referral grants: identity and health.
    await platform.database.db
      .insertInto('access_grants')
      .values({ id: randomUUID(), person_id: person, agency_id: clinicAgency, field_groups: JSON.stringify(['identity', 'health']), source_type: 'referral', source_id: randomUUID(), created_at: platform.clock().toISOString(), revoked_at: null })
      .execute();

    const seen = await clinic.get(`/api/persons/${person}/screenings`);
    expect(seen.status).toBe(200);
    expect(seen.body[0].indicators.sort()).toEqual(['medical_emergency', 'pregnant']);
    expect(seen.body[0]).not.toHaveProperty('statement');
    const full = await officer.get(`/api/persons/${person}/screenings`);
    expect(full.body[0].indicators).toEqual(expect.arrayContaining(['fear_of_return', 'trafficking_debt_bondage']));
  });
});
