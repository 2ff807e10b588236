import { ASYLUM_CLAIM_STATES, CONSULAR_CHOICES, GUARDED_ACTIONS, overrideFor, type GuardedAction, type GuardResult } from '@haven/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// DOMAIN.md section 6 through the API: for generated case facts, a supervisor's override of a
// guarded action is accepted exactly when the engine's rule admits one, and refused with
// override-not-permitted, with nothing stored, exactly when it admits none.

const HOUR = 3_600_000;
type Facts = { ageClaimed: number; accompaniment: string; indicators: string[]; consular: (typeof CONSULAR_CHOICES)[number]; asylumClaim: (typeof ASYLUM_CLAIM_STATES)[number]; bestInterestsDetermined: boolean; action: GuardedAction };
const example = (action: GuardedAction, facts: Partial<Facts>): [Facts] => [
  { ageClaimed: 34, accompaniment: 'adult', indicators: [], consular: 'not_asked', asylumClaim: 'none', bestInterestsDetermined: false, action, ...facts },
];
// Every kind of verdict at least once, whatever the generator draws.
const RUNS = {
  numRuns: 24,
  examples: [
    example('return', { indicators: ['fear_of_return'] }),
    example('share_with_origin_state', { indicators: ['asylum_intent'] }),
    example('share_with_origin_state', { indicators: ['asylum_intent'], consular: 'requested' }),
    example('return', { ageClaimed: 16, accompaniment: 'separated' }),
    example('detain', { ageClaimed: 9, accompaniment: 'unaccompanied' }),
    example('charge_for_being_smuggled', {}),
  ],
};

const facts = fc.record({
  ageClaimed: fc.constantFrom(9, 16, 17, 18, 34, 67),
  accompaniment: fc.constantFrom('adult', 'with_family', 'unaccompanied', 'separated'),
  indicators: fc.uniqueArray(fc.constantFrom('fear_of_return', 'asylum_intent', 'torture_survivor', 'trafficking_debt_bondage', 'needs_interpreter', 'medical_need'), { maxLength: 3 }),
  consular: fc.constantFrom(...CONSULAR_CHOICES),
  asylumClaim: fc.constantFrom(...ASYLUM_CLAIM_STATES),
  bestInterestsDetermined: fc.boolean(),
  action: fc.constantFrom(...GUARDED_ACTIONS),
});

describe.each(await databaseKinds())('overrides over generated case facts on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let supervisor: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Coast Guard');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer'));
    supervisor = await sessionFor(server, await makeUser(server.platform, agency, 'supervisor', 'supervisor'));
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;

  it('accepts a supervisor’s override exactly when the core rule admits one', async () => {
    await fc.assert(
      fc.asyncProperty(facts, async ({ ageClaimed, accompaniment, indicators, consular, asylumClaim, bestInterestsDetermined, action }) => {
        const created = await officer.post('/api/persons', { sex: 'female', ageClaimed, accompaniment, nationality: 'ER', ...(indicators.length ? { indicators } : {}) });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const personId = created.body.id as string;
        const current = (await officer.get(`/api/persons/${personId}/case`)).body as { id: string; version: number };
        const changed = await officer.patch(`/api/cases/${current.id}`, { version: current.version, consular, asylumClaim, bestInterestsDetermined });
        expect(changed.status, JSON.stringify(changed.body)).toBe(200);

        const guards = (await supervisor.get(`/api/persons/${personId}/guards`)).body as Record<GuardedAction, GuardResult>;
        const verdict = overrideFor(action, guards[action]);
        const now = server.clock.now().getTime();
        const body = {
          overrideReason: 'The supervisor records this exception in writing for oversight',
          ...(action === 'detain'
            ? {
                detention: { place: 'Harbour police station', since: new Date(now - HOUR).toISOString(), legalBasis: 'Art. 13' },
                lastResort: { alternativesConsidered: 'The night shelter and a foster family were called; neither could take her', plannedEnd: new Date(now + 2 * HOUR).toISOString() },
              }
            : {}),
        };
        const answer = await supervisor.post(`/api/persons/${personId}/actions/${action}`, body);
        const overrides = await db().selectFrom('guard_overrides').select(['action', 'planned_end']).where('person_id', '=', personId).execute();
        const actions = await db().selectFrom('case_actions').select('id').where('person_id', '=', personId).execute();
        const label = `${action} ${JSON.stringify(guards[action])}: ${answer.status} ${JSON.stringify(answer.body)}`;

        if (verdict.override === 'never') {
          expect(answer.status, label).toBe(409);
          expect(answer.body.type, label).toMatch(/override-not-permitted$/);
          expect(answer.body.protections, label).toEqual(verdict.forbiddenBy);
          expect(overrides).toEqual([]);
          expect(actions).toEqual([]);
          return;
        }
        expect(answer.status, label).toBe(201);
        expect(answer.body.overridden, label).toBe(verdict.override !== 'not_needed');
        expect(actions).toHaveLength(1);
        expect(overrides, label).toEqual(
          verdict.override === 'not_needed' ? [] : [{ action, planned_end: verdict.override === 'last_resort' ? body.lastResort!.plannedEnd : null }],
        );
      }),
      RUNS,
    );
  });
});
