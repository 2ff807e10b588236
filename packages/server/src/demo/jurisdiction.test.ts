import { BASELINE_OBLIGATIONS, SERVICE_TYPES, type ServiceType } from '@haven/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../test-support/databases.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { pathwayProvider } from '../features/directory/service.js';
import { DEMO_AREAS, seedDemoJurisdiction } from './jurisdiction.js';

// No dead end in a referral in the demo (issue 17, point 6): every service type the engine can
// call for has a default provider, offering it, in every demo area.

/** The services the baseline catalogue's obligations are fulfilled by referring to. */
const ENGINE_SERVICES = [...new Set(BASELINE_OBLIGATIONS.flatMap((o) => (o.fulfilledBy.referral === undefined ? [] : [o.fulfilledBy.referral].flat())))] as ServiceType[];

describe.each(await databaseKinds())('the demo directory on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    expect(await seedDemoJurisdiction(server.platform)).toBeDefined();
  });
  afterAll(() => server.close());

  it('knows the areas of the demo agencies', () => {
    expect([...DEMO_AREAS].sort()).toEqual(['National', 'Port city', 'Southern coast']);
    expect(ENGINE_SERVICES.length).toBeGreaterThan(10);
  });

  it('has a default provider offering each service the engine can call for, and every other service, in each demo area', async () => {
    const missing: string[] = [];
    for (const area of DEMO_AREAS) {
      for (const service of new Set<ServiceType>([...ENGINE_SERVICES, ...SERVICE_TYPES])) {
        const found = await pathwayProvider(server.platform.database.db, service, area);
        if (!found || !found.provider.serviceTypes.includes(service)) missing.push(`${service} in ${area}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
