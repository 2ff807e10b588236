import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../context.js';
import { perDatabase, type Db, type Queryable } from '../db/database.js';
import type { IdempotencyKeyTable } from '../db/schema.js';
import { placeOf, type FieldCipher } from '../crypto/cipher.js';
import { holderGone, LEASE_TTL_MS, type ProcessLease } from '../process-lease.js';
import { badRequest, HttpProblem, unprocessable } from './problem.js';

// Idempotent creation: a field device that retries after a lost answer must not create a second
// record. The key is reserved before the work (one winner across processes, by the primary key),
// under the lease of the process doing the work, and the answer is stored in the same transaction
// as the creation (withAudit) only while the reservation is still that process's: a retry either
// replays the answer or finds no trace of the first attempt. A reservation whose process is gone
// (killed, crashed: its lease says so) is taken over by the next request with its key.

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/**
 * A reservation older than this is taken over even if its process still runs (a request a
 * minute old has been given up by its client), and so is one made before leases existed.
 */
const RESERVATION_TIMEOUT_MS = 60_000;
/** How long a request waits for another one holding its key to answer or release it, before 409. */
const RESERVATION_WAIT_MS = 2_000;
const RESERVATION_POLL_MS = 20;
/** How long answers are kept for replay. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
const KEY_FORMAT = /^[\x21-\x7e]{8,200}$/;

export interface IdempotentUnit {
  userId: string;
  key: string;
  status: number;
  /** The lease under which the key is reserved: the answer is stored only while it still holds it. */
  holder: string;
  stored: boolean;
}

/**
 * What a client should know of the header, for the API description: when to send it, what a 409
 * means and when to retry with the same key.
 */
export const IDEMPOTENCY_KEY_DESCRIPTION = [
  'Makes a creating request safe to retry. Send a new key (8 to 200 visible ASCII characters; a UUID is ideal) with each new thing to create, and the same key, with the same request, on every retry of it.',
  'A retry of a request that was answered gets the first answer again (header `Idempotency-Replayed: true`), from any server process, for 24 hours; the same key with a different request is refused with 422.',
  'A retry that arrives while the first request with its key is still being processed gets 409 `idempotency-key-in-use` with `Retry-After` (seconds): retry then, with the same key and the same request. Do not switch to a new key: the first attempt may still commit, and a new key would create the record twice.',
  `If the server process handling the first attempt stopped (crashed, killed, restarted), a retry with the same key is let through as soon as that is known: at once on the same machine, within ${LEASE_TTL_MS / 1000} s from another, and at most a minute after the first attempt began. An attempt that did not commit leaves no trace, and its retry creates the record once.`,
  'Keep retrying a lost answer, a 5xx or a 409 `idempotency-key-in-use` with the same key. Any other answer is final: a refusal (4xx) stores nothing and frees the key, so the corrected request may be sent with the same key.',
].join('\n\n');

/** Why an idempotent request answers 409, for the API description. */
export const IDEMPOTENCY_CONFLICT_DESCRIPTION =
  '`idempotency-key-in-use`: another request with this Idempotency-Key is still being processed, or its server process stopped and that is not yet known. Retry after `Retry-After` seconds with the same key and the same request; never with a new key.';

const keyInUse = () =>
  new HttpProblem('idempotency-key-in-use', 'A request with this key is still being processed; retry shortly.', { headers: { 'retry-after': '1' } });

/**
 * The answer of a request whose reservation was taken over while it ran (its process seemed
 * gone): its work rolls back, and its retry replays what the request that took over stored.
 */
export const keyTakenOver = () =>
  new HttpProblem('idempotency-key-in-use', 'Another request with this key took over while this one ran; retry with the same key.', { headers: { 'retry-after': '1' } });

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route creates something: it honours Idempotency-Key and answers with this status. */
    idempotent?: number;
  }
}

function fingerprint(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params ?? {})}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

export function responsePlace(userId: string, key: string): string {
  return placeOf('idempotency_keys', 'response_enc', `${userId}:${key}`);
}

/** Reservations per statement: six parameters each. */
const RESERVATION_CHUNK = 500;

interface Reservation {
  row: IdempotencyKeyTable;
  resolve(reserved: boolean): void;
  reject(error: unknown): void;
}

/**
 * The reservations asked for in one turn of the event loop, taken in one statement: the devices
 * of a field team registering at once each send a key, and one insert each was a round trip per
 * request before any work began. Each row is reserved or not exactly as alone: by the primary
 * key, whichever process inserts it first.
 */
class Reservations {
  private waiting: Reservation[] = [];

  constructor(private readonly db: Db) {}

  reserve(row: IdempotencyKeyTable): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ row, resolve, reject }) === 1) setImmediate(() => void this.take());
    });
  }

  private async take(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    for (let i = 0; i < batch.length; i += RESERVATION_CHUNK) {
      const chunk = batch.slice(i, i + RESERVATION_CHUNK);
      // The same key twice in one statement would be refused by PostgreSQL: the first asks, a
      // repeat waits for the next turn (and then finds the key taken, as it would have anyway).
      const first = new Map<string, Reservation>();
      const repeats: Reservation[] = [];
      for (const entry of chunk) {
        const id = `${entry.row.user_id}\n${entry.row.key}`;
        if (first.has(id)) repeats.push(entry);
        else first.set(id, entry);
      }
      try {
        const taken = await this.db
          .insertInto('idempotency_keys')
          .values([...first.values()].map((entry) => entry.row))
          .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
          .returning(['user_id', 'key'])
          .execute();
        const won = new Set(taken.map((row) => `${row.user_id}\n${row.key}`));
        for (const [id, entry] of first) entry.resolve(won.has(id));
      } catch (error) {
        for (const entry of first.values()) entry.reject(error);
      }
      for (const entry of repeats) void this.reserve(entry.row).then(entry.resolve, entry.reject);
    }
  }
}

const reservationsOf = perDatabase((database) => new Reservations(database.db));

/**
 * preHandler: replays a stored answer, refuses a key reused for a different request, or reserves
 * the key and marks the request's unit of work to store its answer.
 */
export async function idempotencyPreHandler(platform: Platform, lease: ProcessLease, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const status = request.routeOptions.config.idempotent;
  const header = request.headers[IDEMPOTENCY_HEADER];
  if (status === undefined || header === undefined || !request.ctx.actor) return undefined;
  if (typeof header !== 'string' || !KEY_FORMAT.test(header)) {
    throw badRequest(`header:${IDEMPOTENCY_HEADER}`, 'must be 8 to 200 visible ASCII characters (a UUID is ideal)');
  }
  const { db } = platform.database;
  const userId = request.ctx.actor.userId;
  const print = fingerprint(request);
  // A reservation still in progress is waited for (in real time: the other request is real work),
  // because it may yet be answered (then replayed) or released: a refused request frees its key
  // only once its answer has gone out, and the device's corrected retry can arrive before that.
  const waitUntil = performance.now() + RESERVATION_WAIT_MS;
  for (;;) {
    const now = platform.clock();
    if (await reservationsOf(platform.database).reserve({ user_id: userId, key: header, fingerprint: print, status: 0, response_enc: '', created_at: now.toISOString(), holder: lease.id })) break;
    const existing = await db.selectFrom('idempotency_keys').selectAll().where('user_id', '=', userId).where('key', '=', header).executeTakeFirst();
    if (existing && existing.status > 0) {
      if (existing.fingerprint !== print) {
        throw unprocessable(`header:${IDEMPOTENCY_HEADER}`, 'this key was already used for a different request', 'idempotency-key-reused');
      }
      const body = platform.cipher.decrypt(existing.response_enc, responsePlace(userId, header));
      reply.header('idempotency-replayed', 'true');
      return reply.code(existing.status).type('application/json').send(body);
    }
    if (existing && (await abandoned(platform, lease, existing, now))) {
      // Taken over by one request only: the update is conditional on the holder and time read.
      const takeover = await db
        .updateTable('idempotency_keys')
        .set({ created_at: now.toISOString(), fingerprint: print, holder: lease.id })
        .where('user_id', '=', userId)
        .where('key', '=', header)
        .where('status', '=', 0)
        .where('holder', '=', existing.holder)
        .where('created_at', '=', existing.created_at)
        .executeTakeFirst();
      if (Number(takeover.numUpdatedRows) === 1) break;
    }
    if (performance.now() >= waitUntil) throw keyInUse();
    await new Promise((resolve) => setTimeout(resolve, RESERVATION_POLL_MS));
  }
  request.ctx.audit = { ...request.ctx.audit, idempotency: { userId, key: header, status, holder: lease.id, stored: false } };
  return undefined;
}

/**
 * Whether a reservation still in progress was abandoned: its process is gone, or it is older than
 * any request a client still waits for, or it was made before leases and is that old.
 */
async function abandoned(platform: Platform, lease: ProcessLease, reservation: IdempotencyKeyTable, now: Date): Promise<boolean> {
  if (Date.parse(reservation.created_at) + RESERVATION_TIMEOUT_MS <= now.getTime()) return true;
  if (reservation.holder === '' || reservation.holder === lease.id) return false;
  return holderGone(platform.database.db, reservation.holder, now);
}

/** onResponse: a refused or failed request frees its key, so the device can correct and retry. */
export async function releaseUnusedReservation(platform: Platform, request: FastifyRequest): Promise<void> {
  const unit = request.ctx?.audit.idempotency;
  if (!unit || unit.stored) return;
  // Only its own: a request that took the key over meanwhile keeps it.
  await platform.database.db
    .deleteFrom('idempotency_keys')
    .where('user_id', '=', unit.userId)
    .where('key', '=', unit.key)
    .where('status', '=', 0)
    .where('holder', '=', unit.holder)
    .execute();
}

/**
 * Stored answers (kept about a day) may hold a record as it was returned: those that mention
 * `text` (a purged person's id) are deleted, in the caller's transaction. Answers how many.
 */
export async function forgetAnswersMentioning(q: Queryable, cipher: FieldCipher, text: string): Promise<number> {
  const rows = await q.selectFrom('idempotency_keys').select(['user_id', 'key', 'response_enc']).execute();
  let deleted = 0;
  for (const row of rows) {
    let answer: string;
    try {
      answer = cipher.decrypt(row.response_enc, responsePlace(row.user_id, row.key));
    } catch {
      // A reservation not yet answered (or unreadable): it holds no record to forget.
      continue;
    }
    if (!answer.includes(text)) continue;
    await q.deleteFrom('idempotency_keys').where('user_id', '=', row.user_id).where('key', '=', row.key).execute();
    deleted += 1;
  }
  return deleted;
}
