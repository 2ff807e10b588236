import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../context.js';
import { placeOf } from '../crypto/cipher.js';
import { badRequest, HttpProblem, unprocessable } from './problem.js';

// Idempotent creation (issue 4): a field device that retries after a lost answer must not create
// a second record. The key is reserved before the work (one winner across processes, by the
// primary key) and the answer is stored in the same transaction as the creation (withAudit), so
// a retry either replays the answer or finds no trace of the first attempt.

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** A reservation older than this was abandoned by a crashed process and may be taken over. */
const RESERVATION_TIMEOUT_MS = 60_000;
/** How long answers are kept for replay. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
const KEY_FORMAT = /^[\x21-\x7e]{8,200}$/;

export interface IdempotentUnit {
  userId: string;
  key: string;
  status: number;
  stored: boolean;
}

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

/**
 * preHandler: replays a stored answer, refuses a key reused for a different request, or reserves
 * the key and marks the request's unit of work to store its answer.
 */
export async function idempotencyPreHandler(platform: Platform, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const status = request.routeOptions.config.idempotent;
  const header = request.headers[IDEMPOTENCY_HEADER];
  if (status === undefined || header === undefined || !request.ctx.actor) return undefined;
  if (typeof header !== 'string' || !KEY_FORMAT.test(header)) {
    throw badRequest(`header:${IDEMPOTENCY_HEADER}`, 'must be 8 to 200 visible ASCII characters (a UUID is ideal)');
  }
  const { db } = platform.database;
  const userId = request.ctx.actor.userId;
  const print = fingerprint(request);
  const now = platform.clock();
  const reserve = () =>
    db
      .insertInto('idempotency_keys')
      .values({ user_id: userId, key: header, fingerprint: print, status: 0, response_enc: '', created_at: now.toISOString() })
      .execute();
  try {
    await reserve();
  } catch {
    const existing = await db.selectFrom('idempotency_keys').selectAll().where('user_id', '=', userId).where('key', '=', header).executeTakeFirst();
    if (!existing) throw new HttpProblem(409, 'idempotency-key-in-use', 'Retry', 'The key is being used by another request; retry.', undefined, {}, { 'retry-after': '1' });
    if (existing.fingerprint !== print) {
      throw unprocessable(`header:${IDEMPOTENCY_HEADER}`, 'this key was already used for a different request', 'idempotency-key-reused');
    }
    if (existing.status > 0) {
      const body = platform.cipher.decrypt(existing.response_enc, responsePlace(userId, header));
      reply.header('idempotency-replayed', 'true');
      return reply.code(existing.status).type('application/json').send(body);
    }
    const abandoned = Date.parse(existing.created_at) + RESERVATION_TIMEOUT_MS <= now.getTime();
    const takeover = abandoned
      ? await db
          .updateTable('idempotency_keys')
          .set({ created_at: now.toISOString() })
          .where('user_id', '=', userId)
          .where('key', '=', header)
          .where('status', '=', 0)
          .where('created_at', '=', existing.created_at)
          .executeTakeFirst()
      : undefined;
    if (!takeover || Number(takeover.numUpdatedRows) !== 1) {
      throw new HttpProblem(409, 'idempotency-key-in-use', 'Request in progress', 'A request with this key is still being processed; retry shortly.', undefined, {}, { 'retry-after': '1' });
    }
  }
  request.ctx.audit = { ...request.ctx.audit, idempotency: { userId, key: header, status, stored: false } };
  return undefined;
}

/** onResponse: a refused or failed request frees its key, so the device can correct and retry. */
export async function releaseUnusedReservation(platform: Platform, request: FastifyRequest): Promise<void> {
  const unit = request.ctx?.audit.idempotency;
  if (!unit || unit.stored) return;
  await platform.database.db
    .deleteFrom('idempotency_keys')
    .where('user_id', '=', unit.userId)
    .where('key', '=', unit.key)
    .where('status', '=', 0)
    .execute();
}
