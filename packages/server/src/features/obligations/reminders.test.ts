import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HavenConfig } from '../../platform/config.js';
import type { Platform } from '../../platform/context.js';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { sendReminders } from './reminders.js';

// The responsible officer and their agency's supervisors are notified when an
// obligation is due within two hours and when it becomes overdue — once each, also when several
// server processes run the reminder pass.

const HOUR = 3_600_000;

// Several server processes: each child process loads the TypeScript sources through Vite's module
// runner (what vitest itself uses), opens its own platform on the test's database, and runs a
// reminder pass each time it is given a clock time, so the passes really overlap in separate
// processes (SQLite's lock waits block a whole thread: two connections in this one cannot stand in
// for two processes).
const here = path.dirname(fileURLToPath(import.meta.url));
const serverSrc = path.resolve(here, '../..');
const CHILD = `
import { createInterface } from 'node:readline';
const [vite, entry, coreSrc] = process.argv.slice(2);
const { runnerImport } = await import(vite);
const { module } = await runnerImport(entry, { configFile: false, logLevel: 'error', resolve: { alias: { '@haven/core': coreSrc } } });
let now = new Date();
const platform = await module.openPlatform(JSON.parse(process.env.HAVEN_TEST_CONFIG), { clock: () => new Date(now) });
process.stdout.write('ready\\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'exit') break;
  now = new Date(line);
  process.stdout.write(JSON.stringify(await module.sendReminders(platform)) + '\\n');
}
await platform.database.close();
process.exit(0);
`;

interface ReminderProcesses {
  /** One reminder pass in every process at the same moment, at this clock time; their counts. */
  pass(now: Date): Promise<{ dueSoon: number; overdue: number }[]>;
  close(): Promise<void>;
}

async function startReminderProcesses(config: HavenConfig, count: number): Promise<ReminderProcesses> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-reminders-'));
  const entry = path.join(dir, 'entry.ts');
  writeFileSync(
    entry,
    [
      `export { openPlatform } from ${JSON.stringify(path.join(serverSrc, 'platform/bootstrap.ts'))};`,
      `export { sendReminders } from ${JSON.stringify(path.join(serverSrc, 'features/obligations/reminders.ts'))};`,
    ].join('\n'),
  );
  const script = path.join(dir, 'child.mjs');
  writeFileSync(script, CHILD);
  const coreSrc = path.resolve(serverSrc, '../../core/src');
  const children = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, [script, import.meta.resolve('vite'), entry, coreSrc], {
      env: { ...process.env, HAVEN_TEST_CONFIG: JSON.stringify(config) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`reminder process exited with ${code}: ${stderr}`))));
    exited.catch(() => undefined);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => {
      const line = await Promise.race([lines.next(), exited]);
      return String(line.value);
    };
    return { child, exited, next };
  });
  await Promise.all(children.map((c) => c.next()));
  return {
    async pass(now) {
      const answers = children.map((c) => c.next());
      for (const c of children) c.child.stdin.write(`${now.toISOString()}\n`);
      return (await Promise.all(answers)).map((line) => JSON.parse(line) as { dueSoon: number; overdue: number });
    },
    async close() {
      for (const c of children) c.child.stdin.write('exit\n');
      await Promise.all(children.map((c) => c.exited.catch(() => undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each(await databaseKinds())('reminders on %s', (kind) => {
  let server: TestServer;
  let second: Platform;
  let officerId: string;
  let supervisorIds: string[];
  let otherSupervisorId: string;
  let officer: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    // A second "process": another platform (its own connections) on the same database and clock.
    second = await server.database.open(server.clock.now);
    const agency = await makeAgency(server.platform, 'Protection Unit');
    const other = await makeAgency(server.platform, 'Other Unit');
    officerId = await makeUser(server.platform, agency, 'protection_officer', 'officer');
    supervisorIds = [await makeUser(server.platform, agency, 'supervisor', 'supervisor1'), await makeUser(server.platform, agency, 'supervisor', 'supervisor2')];
    otherSupervisorId = await makeUser(server.platform, other, 'supervisor', 'other.supervisor');
    officer = await sessionFor(server, officerId);
  });
  afterAll(async () => {
    await second?.database.close();
    await server.close();
  });

  const db = () => server.platform.database.db;

  async function advance(ms: number): Promise<void> {
    server.clock.advance(ms);
    officer = await sessionFor(server, officerId);
  }

  /** Persons registered at an encounter that happened just now; returns their ids. */
  async function register(persons: Record<string, unknown>[]): Promise<string[]> {
    const encounter = await officer.post('/api/encounters', { type: 'inland', occurredAt: server.clock.now().toISOString(), place: { name: 'Station' } });
    expect(encounter.status).toBe(201);
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons });
    expect(registered.status).toBe(201);
    return registered.body.persons.map((p: { id: string }) => p.id);
  }

  async function obligationId(personId: string, code: string): Promise<string> {
    const row = await db().selectFrom('obligations').select('id').where('person_id', '=', personId).where('code', '=', code).executeTakeFirstOrThrow();
    return row.id;
  }

  async function notificationsFor(obligationIds: string[]): Promise<{ user_id: string; kind: string; obligation_id: string | null }[]> {
    if (obligationIds.length === 0) return [];
    return db().selectFrom('notifications').select(['user_id', 'kind', 'obligation_id']).where('obligation_id', 'in', obligationIds).execute();
  }

  it('notifies the officer and the agency supervisors once when an obligation comes due within two hours, and once when it is overdue', async () => {
    const [personId] = await register([{ sex: 'male', ageClaimed: 30 }]);
    const infoRights = await obligationId(personId!, 'info.rights');
    // Nothing is due within two hours yet (information on rights: 24 h).
    await sendReminders(server.platform);
    expect(await notificationsFor([infoRights])).toEqual([]);

    await advance(22.5 * HOUR);
    const first = await sendReminders(server.platform);
    expect(first.dueSoon).toBeGreaterThanOrEqual(1);
    const dueSoon = await notificationsFor([infoRights]);
    expect(dueSoon.map((n) => n.kind)).toEqual(['obligation_due_soon', 'obligation_due_soon', 'obligation_due_soon']);
    expect(new Set(dueSoon.map((n) => n.user_id))).toEqual(new Set([officerId, ...supervisorIds]));
    expect(dueSoon.map((n) => n.user_id)).not.toContain(otherSupervisorId);

    expect(await sendReminders(server.platform)).toEqual({ dueSoon: 0, overdue: 0 });
    expect(await notificationsFor([infoRights])).toHaveLength(3);

    await advance(2 * HOUR);
    const late = await sendReminders(server.platform);
    expect(late.overdue).toBeGreaterThanOrEqual(1);
    const all = await notificationsFor([infoRights]);
    expect(all.filter((n) => n.kind === 'obligation_overdue').map((n) => n.user_id).sort()).toEqual([officerId, ...supervisorIds].sort());
    expect(await sendReminders(server.platform)).toEqual({ dueSoon: 0, overdue: 0 });
    expect(await notificationsFor([infoRights])).toHaveLength(6);

    const inbox = await officer.get('/api/notifications');
    expect(inbox.status).toBe(200);
    expect(inbox.body.filter((n: { obligationId: string }) => n.obligationId === infoRights).map((n: { kind: string }) => n.kind).sort()).toEqual([
      'obligation_due_soon',
      'obligation_overdue',
    ]);
  });

  it('sends no reminder for an obligation already fulfilled', async () => {
    const [personId] = await register([{ sex: 'male', ageClaimed: 30, indicators: ['medical_emergency'] }]);
    const care = await obligationId(personId!, 'life.emergency_care');
    expect((await officer.post(`/api/persons/${personId}/assistance`, { type: 'emergency_medical', givenAt: server.clock.now().toISOString() })).status).toBe(201);
    await advance(2 * HOUR);
    await sendReminders(server.platform);
    expect(await notificationsFor([care])).toEqual([]);
  });

  it('sends each reminder exactly once when several server processes run the pass at the same time', async () => {
    const persons = await register(Array.from({ length: 20 }, () => ({ sex: 'male', ageClaimed: 40, indicators: ['medical_emergency'] })));
    const ids = await Promise.all(persons.map((p) => obligationId(p, 'life.emergency_care')));
    const processes = await startReminderProcesses(server.database.config, 2);
    try {
      const soon = await processes.pass(server.clock.now());
      expect(soon.reduce((n, r) => n + r.dueSoon, 0)).toBeGreaterThanOrEqual(20);
      let sent = await notificationsFor(ids);
      expect(sent).toHaveLength(20 * 3);
      for (const id of ids) expect(sent.filter((n) => n.obligation_id === id).map((n) => n.user_id).sort()).toEqual([officerId, ...supervisorIds].sort());

      await advance(90 * 60_000);
      const late = await processes.pass(server.clock.now());
      expect(late.reduce((n, r) => n + r.overdue, 0)).toBeGreaterThanOrEqual(20);
      sent = await notificationsFor(ids);
      expect(sent.filter((n) => n.kind === 'obligation_overdue')).toHaveLength(20 * 3);
      for (const id of ids) {
        expect(sent.filter((n) => n.obligation_id === id && n.kind === 'obligation_overdue').map((n) => n.user_id).sort()).toEqual([officerId, ...supervisorIds].sort());
      }
      expect(await processes.pass(server.clock.now())).toEqual([
        { dueSoon: 0, overdue: 0 },
        { dueSoon: 0, overdue: 0 },
      ]);
    } finally {
      await processes.close();
    }
  }, 60_000);

  // Two platforms in this one process overlap only on PostgreSQL (a pool per platform); on SQLite
  // one thread's lock wait would block the other connection's transaction (see above).
  it.runIf(kind === 'postgres')('sends each reminder exactly once when two platforms run the pass concurrently in one process', async () => {
    const persons = await register(Array.from({ length: 12 }, () => ({ sex: 'female', ageClaimed: 25, indicators: ['medical_emergency'] })));
    const ids = await Promise.all(persons.map((p) => obligationId(p, 'life.emergency_care')));

    // Emergency care is due within the hour: both passes see every one as due soon.
    const [a, b] = await Promise.all([sendReminders(server.platform), sendReminders(second)]);
    expect(a.dueSoon + b.dueSoon).toBeGreaterThanOrEqual(12);
    let sent = await notificationsFor(ids);
    expect(sent).toHaveLength(12 * 3);
    for (const id of ids) {
      expect(sent.filter((n) => n.obligation_id === id).map((n) => n.user_id).sort()).toEqual([officerId, ...supervisorIds].sort());
    }

    await advance(90 * 60_000);
    const [c, d] = await Promise.all([sendReminders(second), sendReminders(server.platform)]);
    expect(c.overdue + d.overdue).toBeGreaterThanOrEqual(12);
    sent = await notificationsFor(ids);
    expect(sent.filter((n) => n.kind === 'obligation_overdue')).toHaveLength(12 * 3);
    for (const id of ids) {
      const overdue = sent.filter((n) => n.obligation_id === id && n.kind === 'obligation_overdue');
      expect(overdue.map((n) => n.user_id).sort()).toEqual([officerId, ...supervisorIds].sort());
    }
    expect(await Promise.all([sendReminders(server.platform), sendReminders(second)])).toEqual([
      { dueSoon: 0, overdue: 0 },
      { dueSoon: 0, overdue: 0 },
    ]);
  });
});
