import { statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENCRYPTED_COLUMNS } from '../features/encrypted-columns.js';
import { verifyAuditChain } from '../platform/audit/chain.js';
import { FieldCipher, placeOf } from '../platform/crypto/cipher.js';
import { KEY_FILE_CHECK_MS } from '../platform/crypto/keyring.js';
import { databaseKinds } from '../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../test-support/server.js';
import { runHaven } from './test-support/haven.js';

const PEOPLE = [
  { givenName: 'Mohammed', familyName: 'Al-Hassan', sex: 'male', phone: '+30 690 000 0001', address: 'Shelter A' },
  { givenName: 'Amina', familyName: 'Yusuf', otherNames: ['Amina Y.'], sex: 'female' },
  { givenName: 'Yonas', sex: 'male', address: 'Camp 3, tent 12' },
  { givenName: 'Selam', familyName: 'Tesfay', sex: 'female', phone: '+251 900 000 000' },
];

describe.each(await databaseKinds())('haven keys rotate on %s, while a server runs', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let officerId: string;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'silent' });
    const agency = await makeAgency(server.platform, 'Rotation Unit');
    officerId = await makeUser(server.platform, agency, 'protection_officer', 'rotator');
    officer = await sessionFor(server, officerId);
    for (const person of PEOPLE) {
      const created = await officer.post('/api/persons', person);
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    // A second factor is the users' encrypted column.
    await server.platform.database.db
      .updateTable('users')
      .set({ totp_secret_enc: server.platform.cipher.encrypt('JBSWY3DPEHPK3PXP', placeOf('users', 'totp_secret_enc', officerId)) })
      .where('id', '=', officerId)
      .execute();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(() => server?.close());

  const env = () => server.database.config;

  /** The key ids of every encrypted value stored, by table.column. */
  async function storedKeyIds(): Promise<Map<string, Set<string | undefined>>> {
    const seen = new Map<string, Set<string | undefined>>();
    for (const { table, columns } of ENCRYPTED_COLUMNS) {
      const rows = (await server.platform.database.db.selectFrom(table as 'persons').selectAll().execute()) as unknown as Record<string, string | null>[];
      for (const row of rows) {
        for (const column of columns) {
          const value = row[column];
          if (value == null) continue;
          const key = `${table}.${column}`;
          if (!seen.has(key)) seen.set(key, new Set());
          seen.get(key)!.add(FieldCipher.keyIdOf(value));
        }
      }
    }
    return seen;
  }

  it('re-encrypts every value under the new key, and the server reads and writes under it', async () => {
    const oldKey = server.platform.keyring.activeKeyId();
    const before = await storedKeyIds();
    expect([...before.keys()].sort()).toEqual(['persons.address_enc', 'persons.family_name_enc', 'persons.given_name_enc', 'persons.other_names_enc', 'persons.phone_enc', 'users.totp_secret_enc']);
    for (const keyIds of before.values()) expect([...keyIds]).toEqual([oldKey]);

    const run = await runHaven(env(), ['keys', 'rotate', '--settle', '0', '--batch', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const newKey = /new active key (\S+)/.exec(run.stdout)?.[1];
    expect(newKey).toMatch(/^k\d{8}-[0-9a-f]{6}$/);
    expect(newKey).not.toBe(oldKey);
    // 4 + 3 + 2 + 3 values of the persons, and one second factor.
    expect(run.stdout).toContain(`re-encrypted 13 values; every value is under key ${newKey}`);
    expect(statSync(env().keyFile).mode & 0o777).toBe(0o600);

    for (const [column, keyIds] of await storedKeyIds()) expect([...keyIds], column).toEqual([newKey]);

    // Once the key file check is due, the server writes under the new key without a restart.
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + KEY_FILE_CHECK_MS + 1);
    const later = await officer.post('/api/persons', { givenName: 'Hiwet', familyName: 'Berhane', sex: 'female' });
    expect(later.status).toBe(201);
    const row = await server.platform.database.db.selectFrom('persons').selectAll().where('id', '=', later.body.id).executeTakeFirstOrThrow();
    expect(FieldCipher.keyIdOf(row.given_name_enc!)).toBe(newKey);
    expect(FieldCipher.keyIdOf(row.family_name_enc!)).toBe(newKey);

    for (const [i, id] of ids.entries()) {
      const read = await officer.get(`/api/persons/${id}`);
      expect(read.status).toBe(200);
      expect(read.body.fields).toMatchObject(PEOPLE[i]!);
    }
    expect((await officer.get(`/api/persons/${later.body.id}`)).body.fields.givenName).toBe('Hiwet');
    const totp = await server.platform.database.db.selectFrom('users').select('totp_secret_enc').where('id', '=', officerId).executeTakeFirstOrThrow();
    expect(server.platform.cipher.decrypt(totp.totp_secret_enc!, placeOf('users', 'totp_secret_enc', officerId))).toBe('JBSWY3DPEHPK3PXP');

    const rotated = await server.platform.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'keys.rotated').execute();
    expect(rotated.map((r) => r.record_id)).toEqual([newKey]);
    expect((await verifyAuditChain(server.platform.database.db, server.platform.cipher)).ok).toBe(true);
  });

  it('opens, on a server that has not looked at the key file yet, a value written under a key added since', async () => {
    const run = await runHaven(env(), ['keys', 'rotate', '--settle', '0']);
    expect(run.code).toBe(0);
    const newKey = /new active key (\S+)/.exec(run.stdout)![1]!;
    expect(server.platform.keyring.keyIds()).not.toContain(newKey);
    for (const [i, id] of ids.entries()) {
      const read = await officer.get(`/api/persons/${id}`);
      expect(read.status).toBe(200);
      expect(read.body.fields).toMatchObject(PEOPLE[i]!);
    }
    expect(server.platform.keyring.keyIds()).toContain(newKey);
  });

  it('refuses a bad --batch or --settle, naming the option', async () => {
    for (const [args, option] of [
      [['--batch', '0'], '--batch'],
      [['--batch', 'many'], '--batch'],
      [['--settle', '-1'], '--settle'],
      [['--settle', 'soon'], '--settle'],
    ] as const) {
      const run = await runHaven(env(), ['keys', 'rotate', ...args]);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toContain(`haven: ${option}:`);
    }
  });
});
