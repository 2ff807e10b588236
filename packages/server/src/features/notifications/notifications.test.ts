import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { sendReminders } from '../obligations/reminders.js';
import { systemStore } from '../../store/system-store.js';
import { forgetNotificationsBefore, notify, type Notice } from './service.js';

// Notifications that lead to work (issue 17, point 5): each names what it is about as far as the
// reader may see it now, links to the screen where the work is done, and repeats of one event
// while unread are one notification with a count.

const HOUR = 3_600_000;

interface Item {
  id: string;
  kind: string;
  count: number;
  lastAt: string;
  readAt: string | null;
  personId: string | null;
  obligationId: string | null;
  person: { name: string | null; caseAgency: string | null } | null;
  obligation: { code: string; dueBy: string | null; status: string } | null;
  referral: unknown;
  link: string | null;
}

describe.each(await databaseKinds())('notifications on %s', (kind) => {
  let server: TestServer;
  let officerId: string;
  let outsiderId: string;
  let responderId: string;
  let officer: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Coastal Protection Unit');
    const other = await makeAgency(server.platform, 'Inland Office');
    officerId = await makeUser(server.platform, agency, 'protection_officer', 'officer');
    responderId = await makeUser(server.platform, agency, 'first_responder', 'responder');
    outsiderId = await makeUser(server.platform, other, 'protection_officer', 'outsider');
    officer = await sessionFor(server, officerId);
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;
  const notifyAsSystem = (notice: Notice) => systemStore(server.platform, 'reminders').unit((unit) => notify(unit, notice));

  async function register(persons: Record<string, unknown>[]): Promise<{ encounterId: string; personIds: string[] }> {
    officer = await sessionFor(server, officerId);
    const encounter = await officer.post('/api/encounters', { type: 'inland', occurredAt: server.clock.now().toISOString(), place: { name: 'Station' } });
    expect(encounter.status).toBe(201);
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons });
    expect(registered.status).toBe(201);
    return { encounterId: encounter.body.id, personIds: registered.body.persons.map((p: { id: string }) => p.id) };
  }

  async function listOf(userId: string): Promise<Item[]> {
    const answer = await (await sessionFor(server, userId)).get('/api/notifications');
    expect(answer.status).toBe(200);
    return answer.body as Item[];
  }

  it('names the person and the obligation for a reader who may see them, with its due time and the case page', async () => {
    const { personIds } = await register([{ givenName: 'Selam', familyName: 'Tesfay', sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied', indicators: ['medical_emergency'] }]);
    const personId = personIds[0]!;
    const care = await db().selectFrom('obligations').select(['id', 'due_by']).where('person_id', '=', personId).where('code', '=', 'life.emergency_care').executeTakeFirstOrThrow();
    await sendReminders(server.platform);

    const mine = (await listOf(officerId)).filter((n) => n.obligationId === care.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      kind: 'obligation_due_soon',
      count: 1,
      person: { name: 'Selam Tesfay', caseAgency: 'Coastal Protection Unit' },
      obligation: { code: 'life.emergency_care', dueBy: care.due_by, status: 'open' },
      link: `/cases/${personId}`,
    });
    // Naming the person is a read of their record.
    const reads = await db().selectFrom('audit_events').select(['action', 'fields']).where('record_id', '=', personId).where('actor_user_id', '=', officerId).where('action', '=', 'person.read').execute();
    expect(reads.some((r) => String(r.fields).includes('givenName'))).toBe(true);

    // Overdue: the status says so.
    server.clock.advance(2 * HOUR);
    await sendReminders(server.platform);
    const overdue = (await listOf(officerId)).find((n) => n.obligationId === care.id && n.kind === 'obligation_overdue');
    expect(overdue?.obligation?.status).toBe('overdue');
  });

  it('names no one to a reader outside the case: a person in a case of the agency, nothing of the obligation, no link', async () => {
    const { personIds } = await register([{ givenName: 'Hidden', familyName: 'Person', sex: 'male', ageClaimed: 30 }]);
    const personId = personIds[0]!;
    const obligation = await db().selectFrom('obligations').select('id').where('person_id', '=', personId).limit(1).executeTakeFirstOrThrow();
    await notifyAsSystem({ userIds: [outsiderId], kind: 'obligation_overdue', personId, obligationId: obligation.id, at: server.clock.now().toISOString() });
    const seen = (await listOf(outsiderId)).find((n) => n.personId === personId);
    expect(seen).toMatchObject({ person: { name: null, caseAgency: 'Coastal Protection Unit' }, obligation: null, referral: null, link: null });
    expect(JSON.stringify(seen)).not.toContain('Hidden');
  });

  it('links a first responder to the encounter where they record the work', async () => {
    const { encounterId, personIds } = await register([{ givenName: 'Field', sex: 'male', ageClaimed: 40 }]);
    const obligation = await db().selectFrom('obligations').select('id').where('person_id', '=', personIds[0]!).limit(1).executeTakeFirstOrThrow();
    await notifyAsSystem({ userIds: [responderId], kind: 'obligation_overdue', personId: personIds[0]!, obligationId: obligation.id, at: server.clock.now().toISOString() });
    const seen = (await listOf(responderId)).find((n) => n.obligationId === obligation.id);
    expect(seen?.link).toBe(`/first-response/encounters/${encounterId}`);
  });

  it('counts repeats of one event while unread on one notification; after it is read, the next is a new one', async () => {
    const { personIds } = await register([{ givenName: 'Repeat', sex: 'male', ageClaimed: 22 }]);
    const personId = personIds[0]!;
    const at = (minutes: number) => new Date(server.clock.now().getTime() + minutes * 60_000).toISOString();
    for (const minutes of [0, 5, 9]) await notifyAsSystem({ userIds: [officerId, officerId], kind: 'referral_consent_withdrawn', personId, at: at(minutes) });
    let mine = (await listOf(officerId)).filter((n) => n.personId === personId && n.kind === 'referral_consent_withdrawn');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ count: 3, lastAt: at(9), readAt: null });

    expect((await officer.post(`/api/notifications/${mine[0]!.id}/read`, {})).status).toBe(200);
    await notifyAsSystem({ userIds: [officerId], kind: 'referral_consent_withdrawn', personId, at: at(12) });
    mine = (await listOf(officerId)).filter((n) => n.personId === personId && n.kind === 'referral_consent_withdrawn');
    expect(mine.map((n) => [n.count, n.readAt === null])).toEqual([
      [1, true],
      [3, false],
    ]);
    // The header's count names no one: a count of unread notifications, not of events.
    const unread = (await officer.get('/api/notifications/unread')).body.unread;
    expect(unread).toBe((await listOf(officerId)).filter((n) => n.readAt === null).length);
  });

  it('keeps for the retention period from the latest repeat, not the first', async () => {
    const { personIds } = await register([{ givenName: 'Kept', sex: 'male', ageClaimed: 50 }]);
    const [personId] = personIds;
    const day = 86_400_000;
    const now = server.clock.now().getTime();
    const iso = (ms: number) => new Date(ms).toISOString();
    // Repeated until yesterday, first sent a year ago: kept. Sent once a year ago: gone.
    await notifyAsSystem({ userIds: [officerId], kind: 'referral_revoked', personId: personId!, at: iso(now - 365 * day) });
    await notifyAsSystem({ userIds: [officerId], kind: 'referral_revoked', personId: personId!, at: iso(now - day) });
    await notifyAsSystem({ userIds: [officerId], kind: 'referral_declined', personId: personId!, at: iso(now - 365 * day) });
    await systemStore(server.platform, 'retention').unit((unit) => forgetNotificationsBefore(unit, iso(now - 30 * day)));
    const left = await db().selectFrom('notifications').select(['kind', 'count']).where('person_id', '=', personId!).execute();
    expect(left.map((n) => [n.kind, Number(n.count)])).toEqual([['referral_revoked', 2]]);
  });
});
