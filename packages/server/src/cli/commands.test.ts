import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '@haven/core';
import { verifyPassword } from '../platform/auth/passwords.js';
import { migrations } from '../platform/db/migrations/index.js';
import { createTestDatabase, databaseKinds, TEST_PG_URL, type TestDatabase } from '../test-support/databases.js';
import { makeAgency } from '../test-support/server.js';
import { buildProgram } from './main.js';
import { runHaven } from './test-support/haven.js';

const STRONG = 'river-lantern-copper-57';

describe.each(await databaseKinds())('haven user create on %s', (kind) => {
  let database: TestDatabase;
  let agencyId: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const platform = await database.open();
    agencyId = await makeAgency(platform, 'Protection Unit');
    await platform.database.close();
  });
  afterAll(() => database?.destroy());

  const env = () => database.config;
  async function userRow(username: string) {
    const platform = await database.open();
    try {
      return await platform.database.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    } finally {
      await platform.database.close();
    }
  }

  it('creates a user with a temporary password they must change, and audits it', async () => {
    const run = await runHaven(env(), ['user', 'create', '--username', 'officer7', '--role', 'protection_officer', '--agency', 'Protection Unit']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [created, temporary] = run.stdout.split('\n');
    expect(created).toBe('created officer7 (protection_officer, Protection Unit)');
    const password = /^temporary password: (\S+)$/.exec(temporary!)?.[1];
    expect(password).toBeDefined();
    const row = await userRow('officer7');
    expect(row).toMatchObject({ role: 'protection_officer', agency_id: agencyId, must_change_password: 1, display_name: 'officer7' });
    expect(await verifyPassword(row!.password_hash, password!)).toBe(true);
    const platform = await database.open();
    try {
      const events = await platform.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.create').where('record_id', '=', row!.id).execute();
      expect(events).toHaveLength(1);
      expect(events[0]!.request_id).toBe('cli-user-create');
    } finally {
      await platform.database.close();
    }
  });

  it('finds the agency by id too, and takes the password from standard input without printing it', async () => {
    const run = await runHaven(env(), ['user', 'create', '--username', 'sup1', '--role', 'supervisor', '--agency', agencyId, '--display-name', 'Duty Supervisor', '--password-stdin'], { stdin: `${STRONG}\n` });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('created sup1 (supervisor, Protection Unit)\n');
    const row = await userRow('sup1');
    expect(row?.display_name).toBe('Duty Supervisor');
    expect(await verifyPassword(row!.password_hash, STRONG)).toBe(true);
  });

  it('refuses an unknown role, naming --role and the roles there are', async () => {
    const run = await runHaven(env(), ['user', 'create', '--username', 'wizard1', '--role', 'wizard', '--agency', 'Protection Unit']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`haven: --role: unknown role "wizard" (one of ${ROLES.join(', ')})\n`);
    expect(await userRow('wizard1')).toBeUndefined();
  });

  it('refuses an unknown agency, naming --agency', async () => {
    const run = await runHaven(env(), ['user', 'create', '--username', 'lost1', '--role', 'supervisor', '--agency', 'Nowhere Office']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('haven: --agency: no agency named or identified "Nowhere Office"\n');
    expect(await userRow('lost1')).toBeUndefined();
  });

  it('refuses a weak password from standard input, naming the option and why', async () => {
    for (const [password, why] of [
      ['short1', 'at least 12 characters'],
      ['password123456', 'common'],
      ['weakling-weakuser1', 'user name'],
    ] as const) {
      const run = await runHaven(env(), ['user', 'create', '--username', 'weakuser1', '--role', 'supervisor', '--agency', 'Protection Unit', '--password-stdin'], { stdin: `${password}\n` });
      expect(run.code, password).toBe(1);
      expect(run.stderr, password).toMatch(/^haven: --password-stdin: /);
      expect(run.stderr, password).toContain(why);
    }
    expect(await userRow('weakuser1')).toBeUndefined();
  });

  it('refuses a user name that is taken', async () => {
    const run = await runHaven(env(), ['user', 'create', '--username', 'officer7', '--role', 'supervisor', '--agency', 'Protection Unit']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('The user name "officer7" is taken.');
  });

  it('refuses a missing required option, naming it', async () => {
    const run = await runHaven(env(), ['user', 'create', '--username', 'nobody1', '--agency', 'Protection Unit']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("required option '--role <role>' not specified");
  });
});

describe.each(await databaseKinds())('haven seed-demo and haven migrate on %s', (kind) => {
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });

  // Nine accounts' password hashes and a small synthetic history, twice over a process start.
  it('seeds an empty database with one user per role and a second administrator, once', { timeout: 90_000 }, async () => {
    database = await createTestDatabase(kind);
    const first = await runHaven(database.config, ['seed-demo', '--history', '20']);
    expect(first.stderr).toMatch(/^synthetic history: 20 persons in \d+ encounters \([\d.]+ s\)\n$/);
    expect(first.code).toBe(0);
    const lines = first.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(lines).toHaveLength(ROLES.length + 1);
    for (const line of lines) expect(line).toHaveLength(4);
    const roles = lines.map((line) => line[2]);
    expect([...roles].sort()).toEqual([...ROLES, 'admin'].sort());
    expect(new Set(lines.map((line) => line[1])).size).toBe(ROLES.length + 1);

    const second = await runHaven(database.config, ['seed-demo', '--history', '20']);
    expect(second.code).not.toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain('only seeded into an empty database');
    expect((await runHaven(database.config, ['audit', 'verify'])).code).toBe(0);
  });

  it('applies the migrations once, and then reports the database up to date', async () => {
    database = await createTestDatabase(kind);
    const first = await runHaven(database.config, ['migrate']);
    expect(first).toEqual({ code: 0, stdout: `applied: ${Object.keys(migrations).join(', ')}\n`, stderr: '' });
    const second = await runHaven(database.config, ['migrate']);
    expect(second).toEqual({ code: 0, stdout: 'database is up to date\n', stderr: '' });
  });

  if (kind === 'postgres') {
    it('migrates its own schema while another schema of the database holds Kysely’s migration tables', async () => {
      const neighbour = await createTestDatabase('postgres');
      try {
        const client = new pg.Client({ connectionString: TEST_PG_URL });
        await client.connect();
        await client.query(`create table ${neighbour.schema}.kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`);
        await client.query(`create table ${neighbour.schema}.kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`);
        await client.end();
        database = await createTestDatabase('postgres');
        const run = await runHaven(database.config, ['migrate']);
        expect(run.stderr).toBe('');
        expect(run.stdout).toBe(`applied: ${Object.keys(migrations).join(', ')}\n`);
      } finally {
        await neighbour.destroy();
      }
    });
  }
});

describe('haven serve', () => {
  it('refuses a port that is not one, naming --port, before opening anything', async () => {
    for (const port of ['abc', '99999', '-1', '80.5']) {
      const run = await runHaven({ db: '/nonexistent/never-opened.db', keyFile: '/nonexistent/never-read.key' }, ['serve', '--port', port]);
      expect(run.code, port).toBe(1);
      expect(run.stderr, port).toBe(`haven: --port: must be a port number from 0 to 65535, not "${port}"\n`);
    }
  });
});

describe('haven --help', () => {
  /** Every command path of the program: [], ['serve'], ['audit'], ['audit', 'verify'], … */
  function commandPaths(): string[][] {
    const paths: string[][] = [[]];
    const walk = (command: ReturnType<typeof buildProgram>, prefix: string[]) => {
      for (const sub of command.commands) {
        paths.push([...prefix, sub.name()]);
        walk(sub, [...prefix, sub.name()]);
      }
    };
    walk(buildProgram(), []);
    return paths;
  }

  it('covers the subcommands the documentation promises', () => {
    const names = commandPaths().map((p) => p.join(' '));
    for (const expected of ['serve', 'migrate', 'seed-demo', 'user create', 'audit verify', 'keys rotate', 'backup', 'restore']) expect(names).toContain(expected);
  });

  it.each(commandPaths().map((p) => [p.join(' ') || '(haven)', p] as const))('exits 0 with usage for %s', async (_name, path) => {
    const run = await runHaven({ db: '/nonexistent/never-opened.db', keyFile: '/nonexistent/never-read.key' }, [...path, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: haven${path.length ? ` ${path.join(' ')}` : ''}`);
    expect(run.stderr).toBe('');
  });

  it('exits non-zero for an unknown command', async () => {
    const run = await runHaven({ db: '/nonexistent/never-opened.db', keyFile: '/nonexistent/never-read.key' }, ['frobnicate']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
  });
});
