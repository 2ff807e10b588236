import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASELINE_OBLIGATIONS, SERVICE_TYPES, type ServiceType } from '@haven/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathwayProvider } from '../features/directory/service.js';
import { checkHandoverAgencies } from '../features/handover/service.js';
import { loadJurisdictionProfile } from '../platform/bootstrap.js';
import { freePort } from '../resilience/test-support/processes.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test-support/databases.js';
import { makeUser, sessionFor, startTestServer, type TestServer } from '../test-support/server.js';
import { DEMO_AREAS, DEMO_PROFILE_FILE, seedDemoJurisdiction } from './jurisdiction.js';

const FROM_SOURCE = fileURLToPath(new URL('../cli/test-support/haven-from-source.mjs', import.meta.url));

/** Runs `haven serve` from the sources until it serves (then stops it) or exits; answers what it wrote. */
function serve(database: TestDatabase, args: string[], env: Record<string, string | undefined> = {}): Promise<{ served: boolean; stdout: string; stderr: string; code: number | null }> {
  return freePort().then(
    (port) =>
      new Promise((resolve, reject) => {
        const merged: Record<string, string | undefined> = { ...process.env, HAVEN_DB: database.config.db, HAVEN_KEY_FILE: database.config.keyFile, HAVEN_LOG_LEVEL: 'error', ...env };
        // A variable given as undefined is not set at all.
        for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
        const child = spawn(process.execPath, [FROM_SOURCE, 'serve', '--port', String(port), ...args], {
          env: merged,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        let served = false;
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`haven serve neither served nor exited within 60 s: ${stderr}`));
        }, 60_000);
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (!served && stdout.includes('Haven is serving at')) {
            served = true;
            child.kill('SIGTERM');
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve({ served, stdout, stderr, code });
        });
      }),
  );
}

describe.each(await databaseKinds())('the demo jurisdiction hands first-contact registrations over on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    await seedDemoJurisdiction(server.platform);
    server.platform.profile = loadJurisdictionProfile(DEMO_PROFILE_FILE);
  });
  afterAll(() => server.close());

  it('names only agencies the demo seeds: the coast guard and the rescue NGO hand over to the protection unit', async () => {
    const { profile } = server.platform;
    expect(profile.id).toBe('demo-jurisdiction');
    expect(profile.handover.map((rule) => [rule.from, rule.to])).toEqual([
      ['Demo Coast Guard', 'Demo Migrant Protection Unit'],
      ['Demo Sea Rescue NGO', 'Demo Migrant Protection Unit'],
    ]);
    await expect(checkHandoverAgencies(server.platform.database.db, profile)).resolves.toBeUndefined();
  });

  it('puts a boat the coast guard registers on the protection unit\'s unassigned cases', async () => {
    const { db } = server.platform.database;
    const agency = async (name: string) => (await db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const responder = await sessionFor(server, await makeUser(server.platform, await agency('Demo Coast Guard'), 'first_responder', 'demo-test-responder'));
    const encounter = await responder.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: server.clock.now().toISOString(), place: { name: 'Off the southern coast' } });
    expect(encounter.body.area).toBe('Southern coast');
    const registered = await responder.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [{ givenName: 'Test', sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied', indicators: ['medical_emergency'] }],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const row = await db.selectFrom('cases').select(['agency_id', 'officer_id']).where('person_id', '=', registered.body.persons[0].id).executeTakeFirstOrThrow();
    expect(row).toEqual({ agency_id: await agency('Demo Migrant Protection Unit'), officer_id: null });
  });
});

describe.each(await databaseKinds())('haven serve and the handover rules on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.destroy());

  it('refuses to start when a rule names an agency that does not exist, naming the entry', async () => {
    const file = path.join(database.dir, 'profile.json');
    writeFileSync(file, JSON.stringify({ id: 'bad', handover: [{ from: 'Demo Coast Guard', to: 'No Such Unit', within: 'PT6H', keepAccessFor: 'P1D' }] }));
    const run = await serve(database, [], { HAVEN_PROFILE: file });
    expect(run.served).toBe(false);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('handover[0].from: no agency named "Demo Coast Guard"');
    expect(run.stderr).toContain('handover[0].to: no agency named "No Such Unit"');
  }, 90_000);

  it('serves the demo with its own profile when HAVEN_PROFILE is not set', async () => {
    const run = await serve(database, ['--demo', '--demo-history', '0'], { HAVEN_PROFILE: undefined });
    expect(run.stderr).toBe('');
    expect(run.served).toBe(true);
  }, 90_000);
});

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
