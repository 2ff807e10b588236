import { Writable } from 'node:stream';
import type { AgencyType, Role } from '@haven/core';
import { createAgency, createUser } from '../features/identity/accounts.js';
import { withAudit } from '../platform/audit/recorder.js';
import { createSession } from '../platform/auth/sessions.js';
import type { Platform } from '../platform/context.js';
import type { HavenApp } from '../platform/http/app.js';
import { buildHavenApp } from '../server.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

/** A clock tests move by hand (idle timeouts, lockouts, deadlines). */
export class TestClock {
  constructor(private current = new Date('2026-03-01T06:00:00Z')) {}
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestServer {
  kind: DatabaseKind;
  baseUrl: string;
  platform: Platform;
  app: HavenApp;
  database: TestDatabase;
  clock: TestClock;
  /** Every JSON log line the server wrote. */
  logs: string[];
  close(): Promise<void>;
}

/** A real server on a random loopback port over a fresh database of the given kind. */
export async function startTestServer(kind: DatabaseKind, options: { logLevel?: string } = {}): Promise<TestServer> {
  const database = await createTestDatabase(kind);
  const clock = new TestClock();
  const platform = await database.open(clock.now).catch(async (error: unknown) => {
    // A server that never started must not leave its schema or files behind.
    await database.destroy();
    throw error;
  });
  platform.config.logLevel = options.logLevel ?? 'info';
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = await buildHavenApp(platform, logStream);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    kind,
    baseUrl: address,
    platform,
    app,
    database,
    clock,
    logs,
    async close() {
      await app.close();
      await platform.database.close();
      await database.destroy();
    },
  };
}

export const TEST_PASSWORD = 'correct-horse-battery-9';
const SYSTEM_AUDIT = { actorUserId: null, actorAgencyId: null, requestId: 'test-setup', clientAddress: null };

export async function makeAgency(platform: Platform, name: string, type: AgencyType = 'government', area?: string): Promise<string> {
  const agency = await withAudit(platform, SYSTEM_AUDIT, (trx, record) => createAgency(trx, record, { name, type, ...(area !== undefined ? { area } : {}) }, platform.clock()));
  return agency.id;
}

export async function makeUser(platform: Platform, agencyId: string, role: Role, username: string, password = TEST_PASSWORD): Promise<string> {
  const user = await withAudit(platform, SYSTEM_AUDIT, (trx, record) =>
    createUser(trx, record, { agencyId, username, displayName: username, role, password, mustChangePassword: false }, platform.clock()),
  );
  return user.id;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
}

/** A caller: a session (cookie + CSRF token), a bearer token, or nobody. */
export class Caller {
  constructor(
    private readonly baseUrl: string,
    private readonly credentials: { cookie?: string; csrf?: string; bearer?: string } = {},
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const h: Record<string, string> = { ...headers };
    if (this.credentials.cookie) h.cookie = this.credentials.cookie;
    if (this.credentials.csrf && method !== 'GET') h['x-csrf-token'] = this.credentials.csrf;
    if (this.credentials.bearer) h.authorization = `Bearer ${this.credentials.bearer}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  get = (path: string, headers?: Record<string, string>) => this.request('GET', path, undefined, headers);
  post = (path: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', path, body ?? {}, headers);
  patch = (path: string, body?: unknown) => this.request('PATCH', path, body ?? {});
}

/**
 * A fully signed-in caller for a user, without going through the sign-in steps (their own tests
 * do): a session past the second factor, and the code of conduct accepted when one is in force.
 */
export async function sessionFor(server: TestServer, userId: string): Promise<Caller> {
  const { db } = server.platform.database;
  const session = await createSession(db, userId, 'full', server.platform.clock());
  const conduct = await db.selectFrom('conduct_versions').select(({ fn }) => fn.max('version').as('v')).executeTakeFirst();
  if (conduct?.v != null) {
    const version = Number(conduct.v);
    const accepted = await db.selectFrom('conduct_acceptances').select('version').where('user_id', '=', userId).where('version', '=', version).executeTakeFirst();
    if (!accepted) await db.insertInto('conduct_acceptances').values({ user_id: userId, version, accepted_at: server.platform.clock().toISOString() }).execute();
  }
  return new Caller(server.baseUrl, { cookie: `haven_session=${session.token}`, csrf: session.csrfToken });
}

export function anonymous(server: TestServer): Caller {
  return new Caller(server.baseUrl);
}

export function bearer(server: TestServer, token: string): Caller {
  return new Caller(server.baseUrl, { bearer: token });
}

export function sessionCaller(server: TestServer, cookie: string, csrf?: string): Caller {
  return new Caller(server.baseUrl, { cookie, ...(csrf ? { csrf } : {}) });
}
