import { readFileSync } from 'node:fs';
import { assess, parseAssessInput, type AssessInput } from '@haven/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// Each shared vignette, replayed through the API as encounter + person +
// screening (+ detention, case facts), yields what `haven assess` says for the same input.

interface Vignette {
  id: string;
  input: Record<string, unknown>;
}

const vignettes = (JSON.parse(readFileSync(new URL('../../../../../../shared/data/vignettes.json', import.meta.url), 'utf8')) as { vignettes: Vignette[] }).vignettes;

/** A day-precision birth date that makes the person exactly `age` at the encounter. */
function birthDateFor(encounteredAt: string, age: number): string {
  const at = new Date(encounteredAt);
  return `${String(at.getUTCFullYear() - age).padStart(4, '0')}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-${String(at.getUTCDate()).padStart(2, '0')}`;
}

const sortBy = <T>(items: T[], key: (t: T) => string) => [...items].sort((a, b) => key(a).localeCompare(key(b)));

describe.each(await databaseKinds())('vignettes replayed through the API on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    // Every vignette happened before "now", so none of its times is refused as future.
    server.clock.advance(400 * 86_400_000);
    const agency = await makeAgency(server.platform, 'Replay Unit');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'supervisor', 'replay.supervisor'));
  });
  afterAll(() => server.close());

  it.each(vignettes.map((v) => [v.id, v] as const))('%s: the API derives what haven assess derives', async (_id, vignette) => {
    const parsed = parseAssessInput(vignette.input);
    expect(parsed.ok).toBe(true);
    const input = (parsed as { ok: true; value: AssessInput }).value;
    const person = input.person ?? {};

    const encounter = await officer.post('/api/encounters', {
      type: input.encounterType ?? 'inland',
      occurredAt: input.encounteredAt,
      place: { name: `Replay of ${vignette.id}` },
    });
    expect(encounter.status, JSON.stringify(encounter.body)).toBe(201);

    const registration = await officer.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [
        {
          sex: person.sex ?? 'unknown',
          ...(person.age != null ? { birthDate: birthDateFor(input.encounteredAt, person.age), birthDatePrecision: 'day' } : {}),
          ...(person.ageClaimed != null ? { ageClaimed: person.ageClaimed } : {}),
          ...(person.ageDisputed != null ? { ageDisputed: person.ageDisputed } : {}),
          ...(person.accompaniment != null ? { accompaniment: person.accompaniment } : {}),
          ...(person.nationality != null ? { nationality: person.nationality } : {}),
          ...(person.languages != null ? { languages: person.languages } : {}),
        },
      ],
    });
    expect(registration.status, JSON.stringify(registration.body)).toBe(201);
    const personId = registration.body.persons[0].id as string;

    if (input.indicators && input.indicators.length > 0) {
      const screening = await officer.post(`/api/persons/${personId}/screenings`, { indicators: input.indicators });
      expect(screening.status, JSON.stringify(screening.body)).toBe(201);
    }
    if (input.detention?.since) {
      const detention = await officer.post(`/api/persons/${personId}/detentions`, {
        place: 'Replay station',
        since: input.detention.since,
        ...(input.detention.until ? { until: input.detention.until } : {}),
        legalBasis: 'Replay',
      });
      expect(detention.status, JSON.stringify(detention.body)).toBe(201);
    }
    const caseFacts = {
      ...(input.consular ? { consular: input.consular } : {}),
      ...(input.asylumClaim ? { asylumClaim: input.asylumClaim } : {}),
      ...(input.bestInterestsDetermined != null ? { bestInterestsDetermined: input.bestInterestsDetermined } : {}),
    };
    if (Object.keys(caseFacts).length > 0) {
      const current = await officer.get(`/api/persons/${personId}/case`);
      const changed = await officer.patch(`/api/cases/${current.body.id}`, { version: current.body.version, ...caseFacts });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    }

    const expected = assess(input);
    const viaApi = await officer.get(`/api/persons/${personId}/assessment`);
    expect(viaApi.status).toBe(200);
    expect([...viaApi.body.flags].sort()).toEqual([...expected.flags].sort());
    const obligations = (list: { code: string; status: string; dueBy: string | null }[]) =>
      sortBy(list, (o) => o.code).map((o) => ({ code: o.code, status: o.status, dueBy: o.dueBy === null ? null : Date.parse(o.dueBy) }));
    expect(obligations(viaApi.body.obligations)).toEqual(obligations(expected.obligations));
    const referrals = (list: { service: string; obligations: string[]; dueBy: string | null }[]) =>
      sortBy(list, (r) => r.service).map((r) => ({ service: r.service, obligations: [...r.obligations].sort(), dueBy: r.dueBy === null ? null : Date.parse(r.dueBy) }));
    expect(referrals(viaApi.body.referrals)).toEqual(referrals(expected.referrals));
    for (const [action, guard] of Object.entries(expected.guards)) {
      expect({ action, allowed: viaApi.body.guards[action].allowed, blockedBy: [...viaApi.body.guards[action].blockedBy].sort() }).toEqual({
        action,
        allowed: guard.allowed,
        blockedBy: [...guard.blockedBy].sort(),
      });
    }

    // What is stored agrees too: every obligation the engine lists is persisted with its dueBy.
    const stored = await officer.get(`/api/persons/${personId}/obligations`);
    expect(stored.status).toBe(200);
    const current = (stored.body as { code: string; status: string; dueBy: string | null }[]).filter((o) => o.status !== 'lapsed');
    expect(sortBy(current, (o) => o.code).map((o) => [o.code, o.dueBy === null ? null : Date.parse(o.dueBy)])).toEqual(
      sortBy(expected.obligations, (o) => o.code).map((o) => [o.code, o.dueBy === null ? null : Date.parse(o.dueBy)]),
    );
  });
});
