import { createHash } from 'node:crypto';
import type { FieldCipher } from '../crypto/cipher.js';
import { lockForChain, type Db, type Dialect, type Tx } from '../db/database.js';
import { insertTogether } from '../db/insert-together.js';
import type { AuditEventTable } from '../db/schema.js';
import type { AuditAction } from './actions.js';
import type { IdempotentUnit } from '../http/idempotency.js';

/** Who acts, from where, in which request: stamped on every event of that request. */
export interface AuditContext {
  actorUserId: string | null;
  actorAgencyId: string | null;
  requestId: string | null;
  clientAddress: string | null;
  /** Set on a creating request with an Idempotency-Key: its answer is stored with the change. */
  idempotency?: IdempotentUnit;
}

/** One audit event. `fields` names what was touched, never the values. */
export interface AuditEvent {
  action: AuditAction;
  recordType: string;
  recordId: string | null;
  fields?: readonly string[];
}

export const GENESIS_HASH = '0'.repeat(64);
const AUDIT_LOCK_ID = 0x4156_4e31; // "AVN1": the advisory lock of the chain's first append
const HEAD_PURPOSE = 'audit-head';

/** The canonical content of a row: a fixed-order JSON array of every column except the hashes. */
function canonicalContent(row: Omit<AuditEventTable, 'prev_hash' | 'hash'>): string {
  return JSON.stringify([
    row.seq,
    row.at,
    row.actor_user_id,
    row.actor_agency_id,
    row.action,
    row.record_type,
    row.record_id,
    row.fields,
    row.request_id,
    row.client_address,
  ]);
}

export function chainHash(prevHash: string, row: Omit<AuditEventTable, 'prev_hash' | 'hash'>): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalContent(row)).digest('hex');
}

function headMac(cipher: FieldCipher, seq: number, hash: string): string {
  return cipher.mac(HEAD_PURPOSE, `${seq}:${hash}`);
}

/** The events one unit of work recorded, with who did it: several units may commit together. */
export interface AuditBatch {
  context: AuditContext;
  events: readonly AuditEvent[];
}

/**
 * The chain's head, locked until the transaction ends. On PostgreSQL the head row's own lock
 * serialises writers, in the statement that reads it (a writer that waited reads the head its
 * predecessor committed); only the very first append, with no row to lock yet, takes the chain's
 * advisory lock and reads again. SQLite admits one writer at a time anyway.
 */
async function lockedHead(trx: Tx, dialect: Dialect): Promise<{ seq: number; hash: string } | undefined> {
  const read = () => {
    const query = trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
    return (dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  };
  const head = await read();
  if (head) return head;
  await lockForChain(trx, dialect, AUDIT_LOCK_ID);
  return read();
}

/**
 * Appends events to the chain inside the caller's transaction, so the change and its audit
 * commit or roll back together. Writers are serialised by a lock so the chain never forks.
 */
export async function appendAudit(trx: Tx, dialect: Dialect, cipher: FieldCipher, at: Date, batches: readonly AuditBatch[]): Promise<void> {
  if (batches.every((batch) => batch.events.length === 0)) return;
  const head = await lockedHead(trx, dialect);
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  const iso = at.toISOString();
  const rows: AuditEventTable[] = [];
  for (const { context, events } of batches) {
    for (const event of events) {
      seq += 1;
      const content = {
        seq,
        at: iso,
        actor_user_id: context.actorUserId,
        actor_agency_id: context.actorAgencyId,
        action: event.action,
        record_type: event.recordType,
        record_id: event.recordId,
        fields: JSON.stringify([...(event.fields ?? [])].sort()),
        request_id: context.requestId,
        client_address: context.clientAddress,
      };
      const hash = chainHash(prev, content);
      rows.push({ ...content, prev_hash: prev, hash });
      prev = hash;
    }
  }
  const mac = headMac(cipher, seq, prev);
  // The events and the new head in one round trip on PostgreSQL (parts chunked under both
  // engines' bound-parameter limits for a 1,000-person registration).
  const newHead = head
    ? trx.updateTable('audit_head').set({ seq, hash: prev, mac }).where('id', '=', 1)
    : trx.insertInto('audit_head').values({ id: 1, seq, hash: prev, mac });
  await insertTogether(trx, dialect, [{ table: 'audit_events', rows }], newHead);
}

export interface ChainVerdict {
  ok: boolean;
  rows: number;
  /** The first row that does not hold, and why. */
  firstBad?: { seq: number; reason: string };
}

type Head = { seq: number; hash: string; mac: string };

async function readHead(db: Db): Promise<Head | undefined> {
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  return head && { seq: Number(head.seq), hash: head.hash, mac: head.mac };
}

/**
 * Recomputes the whole chain, page by page, and checks its keyed anchor.
 *
 * The anchor is read before the rows it covers: rows and the anchor move in one transaction, so
 * rows appended while this runs (a live server) lie beyond that anchor and are checked against a
 * fresh read of it, never reported as a break. A row beyond the newest anchor was not written by
 * Haven.
 */
export async function verifyAuditChain(db: Db, cipher: FieldCipher, pageSize = 5000): Promise<ChainVerdict> {
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let count = 0;
  const fail = (seq: number, reason: string): ChainVerdict => ({ ok: false, rows: count, firstBad: { seq, reason } });

  /** Checks the rows from `expectedSeq` up to `upTo` (all when undefined); returns the first that does not hold. */
  async function checkRows(upTo: number | undefined): Promise<ChainVerdict | undefined> {
    for (;;) {
      let query = db.selectFrom('audit_events').selectAll().where('seq', '>=', expectedSeq);
      if (upTo !== undefined) query = query.where('seq', '<=', upTo);
      const page = await query.orderBy('seq').limit(pageSize).execute();
      for (const row of page) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) return fail(expectedSeq, `row ${expectedSeq} is missing (next row is ${seq})`);
        if (row.prev_hash !== prev) return fail(seq, `row ${seq} does not follow row ${seq - 1} (previous hash differs)`);
        const { prev_hash: _p, hash, ...content } = row;
        if (chainHash(prev, { ...content, seq }) !== hash) return fail(seq, `row ${seq} was altered (its hash does not match its content)`);
        prev = hash;
        expectedSeq = seq + 1;
        count += 1;
      }
      if (page.length < pageSize) return undefined;
    }
  }

  let head = await readHead(db);
  for (;;) {
    const bad = await checkRows(head ? head.seq : 0);
    if (bad) return bad;
    const lastSeq = expectedSeq - 1;
    if (head) {
      if (head.mac !== headMac(cipher, head.seq, head.hash)) return fail(head.seq, 'the chain anchor was forged or the key file differs');
      if (lastSeq < head.seq) return fail(lastSeq + 1, `row ${lastSeq + 1} is missing: the chain ends at row ${lastSeq} but its anchor records row ${head.seq}`);
      if (prev !== head.hash) return fail(head.seq, `rows up to ${head.seq} were rewritten: their hashes do not lead to the chain anchor`);
    }
    const beyond = await db.selectFrom('audit_events').select('seq').where('seq', '>', lastSeq).orderBy('seq').limit(1).executeTakeFirst();
    if (!beyond) return { ok: true, rows: count };
    const fresh = await readHead(db);
    if (fresh && fresh.seq > lastSeq) {
      head = fresh;
      continue;
    }
    if (head) return fail(Number(beyond.seq), `row ${beyond.seq} lies beyond the chain anchor (row ${head.seq})`);
    // No anchor at all: name the first row that does not hold, or else the last one.
    return (await checkRows(undefined)) ?? fail(expectedSeq - 1, 'the chain anchor is missing');
  }
}
