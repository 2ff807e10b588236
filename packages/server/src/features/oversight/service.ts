import { randomUUID } from 'node:crypto';
import type { AllegationChange, AllegationInput, AllegationStatus } from '@haven/core';
import { withAudit } from '../../platform/audit/recorder.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { secretHash } from '../../platform/auth/tokens.js';
import type { Actor, Platform, RequestContext } from '../../platform/context.js';
import type { Queryable } from '../../platform/db/database.js';
import type { AllegationTable } from '../../platform/db/schema.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { conflict, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import { incidentSubject } from '../justice/service.js';
import { actorOf } from '../../platform/access/actor.js';
import {
  allegationPlace,
  allegationView,
  defaultOversightAgency,
  findAllegation,
  findAllegationByReceipt,
  isOversightAgency,
  listAllegationRows,
  newReceipt,
  obligationSubject,
  personExists,
  type AllegationView,
} from './store.js';

// Seed para 14: allegations of failure to assist are received — from users or anonymously — and
// investigated by an oversight body, which also reads the audit trail of the records concerned.

const MOVES: Readonly<Record<AllegationStatus, readonly AllegationStatus[]>> = {
  received: ['under_investigation'],
  under_investigation: ['substantiated', 'unsubstantiated'],
  substantiated: ['closed'],
  unsubstantiated: ['closed'],
  closed: [],
};

export interface AllegationReceipt {
  /** Shown once: the only way to follow the allegation up without signing in. Only its hash is kept. */
  receipt: string;
  status: AllegationStatus;
}

/**
 * Intake without a trace of who reported: no user, no agency, no client address in the audit
 * event (the oversight body reads the trail), and no idempotency record tying the answer to an account.
 */
export function anonymousAudit(ctx: RequestContext): AuditContext {
  return { actorUserId: null, actorAgencyId: null, requestId: ctx.requestId, clientAddress: null };
}

async function fileAllegation(platform: Platform, audit: AuditContext, filedBy: string | null, input: AllegationInput): Promise<AllegationReceipt> {
  const at = platform.clock().toISOString();
  const receipt = newReceipt();
  return withAudit(platform, audit, async (trx, record) => {
    const id = randomUUID();
    const row: AllegationTable = {
      id,
      receipt_hash: secretHash(receipt),
      filed_by: filedBy,
      description_enc: platform.cipher.encrypt(input.description, allegationPlace('description_enc', id)),
      person_id: null,
      obligation_id: null,
      incident_id: null,
      oversight_agency_id: await defaultOversightAgency(trx),
      status: 'received',
      findings_enc: null,
      remedy_enc: null,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    await trx.insertInto('allegations').values(row).execute();
    record({ action: 'allegation.filed', recordType: 'allegation', recordId: id, fields: ['description'] });
    return { receipt, status: 'received' as const };
  });
}

/** A signed-in user reports a failure to assist, under their name. */
export async function fileAllegationAsUser(platform: Platform, ctx: RequestContext, input: AllegationInput): Promise<AllegationReceipt> {
  const actor = actorOf(ctx);
  return fileAllegation(platform, ctx.audit, actor.userId, input);
}

/** Anyone reports a failure to assist through the public form; nothing about them is kept, even when signed in. */
export async function fileAllegationAnonymously(platform: Platform, ctx: RequestContext, input: AllegationInput): Promise<AllegationReceipt> {
  return fileAllegation(platform, anonymousAudit(ctx), null, input);
}

/** What the holder of a receipt may know: where the allegation stands and when it last moved; never findings. */
export async function followUpAllegation(platform: Platform, ctx: RequestContext, receipt: string): Promise<{ status: AllegationStatus; updatedAt: string }> {
  return withAudit(platform, anonymousAudit(ctx), async (trx, record) => {
    const row = await findAllegationByReceipt(trx, secretHash(receipt));
    if (!row) throw notFound('allegation for this receipt');
    record({ action: 'allegation.followed_up', recordType: 'allegation', recordId: row.id, fields: ['status'] });
    return { status: row.status as AllegationStatus, updatedAt: row.updated_at };
  });
}

/** An allegation the caller's oversight agency handles (or one not yet assigned); any other is not found. */
function handledBy(actor: Actor, row: AllegationTable | undefined): row is AllegationTable {
  return row !== undefined && (row.oversight_agency_id === null || row.oversight_agency_id === actor.agencyId);
}

const READ_FIELDS = ['description', 'findings', 'remedy'];

export async function listAllegations(
  platform: Platform,
  ctx: RequestContext,
  filter: { status?: AllegationStatus | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<{ items: AllegationView[]; nextCursor: string | null }> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const rows = await listAllegationRows(trx, actor.agencyId, filter.status, cursor, limit + 1);
    const page = rows.slice(0, limit);
    for (const row of page) record({ action: 'allegation.read', recordType: 'allegation', recordId: row.id, fields: READ_FIELDS });
    const last = page[page.length - 1];
    return { items: page.map((r) => allegationView(platform.cipher, r)), nextCursor: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
  });
}

export async function readAllegation(platform: Platform, ctx: RequestContext, id: string): Promise<AllegationView> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const row = await findAllegation(trx, id);
    if (!handledBy(actor, row)) throw notFound('allegation');
    record({ action: 'allegation.read', recordType: 'allegation', recordId: id, fields: READ_FIELDS });
    return allegationView(platform.cipher, row);
  });
}

/** Links the allegation to what it concerns, checking that person, obligation and incident agree. */
async function subjectChanges(q: Queryable, row: AllegationTable, change: AllegationChange): Promise<Partial<AllegationTable>> {
  const set: Partial<AllegationTable> = {};
  if (change.personId) {
    if (!(await personExists(q, change.personId))) throw unprocessable('personId', 'no such person');
  }
  let personId = change.personId === undefined ? row.person_id : change.personId;
  const obligationId = change.obligationId === undefined ? row.obligation_id : change.obligationId;
  const incidentId = change.incidentId === undefined ? row.incident_id : change.incidentId;
  const owedTo = obligationId ? await obligationSubject(q, obligationId) : undefined;
  if (obligationId && !owedTo) throw unprocessable('obligationId', 'no such obligation');
  const against = incidentId ? await incidentSubject(q, incidentId) : undefined;
  if (incidentId && !against) throw unprocessable('incidentId', 'no such incident');
  // An obligation or incident names its person: the allegation follows it when no person was given.
  personId ??= owedTo?.personId ?? against?.personId ?? null;
  if (owedTo && personId && owedTo.personId !== personId) throw unprocessable('obligationId', 'is owed to another person than personId');
  if (against?.personId && personId && against.personId !== personId) throw unprocessable('incidentId', 'concerns another person than personId');
  if (personId !== row.person_id) set.person_id = personId;
  if (obligationId !== row.obligation_id) set.obligation_id = obligationId;
  if (incidentId !== row.incident_id) set.incident_id = incidentId;
  return set;
}

/**
 * Investigates an allegation: links it to what it concerns, moves it on (received →
 * under_investigation → substantiated | unsubstantiated → closed), records findings and remedy.
 * Concluding needs findings; closing a substantiated allegation needs the remedy.
 */
export async function changeAllegation(platform: Platform, ctx: RequestContext, id: string, change: AllegationChange): Promise<AllegationView> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const row = await findAllegation(trx, id);
    if (!handledBy(actor, row)) throw notFound('allegation');
    if (row.version !== change.version) throw staleVersion('allegation', row.version);
    const from = row.status as AllegationStatus;
    if (from === 'closed') throw conflict('allegation-closed', 'The allegation is closed; it no longer changes.', { from, allowed: [] });
    const to = change.status ?? from;
    if (to !== from && !MOVES[from].includes(to)) {
      throw conflict('transition-not-allowed', `An allegation that is ${from} cannot become ${to} (it can become ${MOVES[from].join(' or ')}).`, { from, to, allowed: MOVES[from] });
    }
    const findings = change.findings ?? row.findings_enc;
    if ((to === 'substantiated' || to === 'unsubstantiated') && !findings) throw unprocessable('findings', `required to conclude that the allegation is ${to}`);
    const remedy = change.remedy ?? row.remedy_enc;
    if (to === 'closed' && from === 'substantiated' && !remedy) throw unprocessable('remedy', 'required to close a substantiated allegation');
    if (change.oversightAgencyId !== undefined && !(await isOversightAgency(trx, change.oversightAgencyId))) throw unprocessable('oversightAgencyId', 'must be an oversight agency');

    const set: Partial<AllegationTable> = { ...(await subjectChanges(trx, row, change)), status: to, version: row.version + 1, updated_at: at };
    if (change.findings !== undefined) set.findings_enc = platform.cipher.encrypt(change.findings, allegationPlace('findings_enc', id));
    if (change.remedy !== undefined) set.remedy_enc = platform.cipher.encrypt(change.remedy, allegationPlace('remedy_enc', id));
    if (change.oversightAgencyId !== undefined) set.oversight_agency_id = change.oversightAgencyId;
    const result = await trx.updateTable('allegations').set(set).where('id', '=', id).where('version', '=', change.version).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw staleVersion('allegation', change.version + 1);
    const fields = Object.entries(change)
      .filter(([key, value]) => key !== 'version' && value !== undefined)
      .map(([key]) => key);
    if (set.person_id !== undefined && !fields.includes('personId')) fields.push('personId');
    record({ action: 'allegation.update', recordType: 'allegation', recordId: id, fields });
    return allegationView(platform.cipher, (await findAllegation(trx, id))!);
  });
}

export interface RecordAuditEvent {
  seq: number;
  at: string;
  actorUserId: string | null;
  actorAgencyId: string | null;
  action: string;
  fields: string[];
  requestId: string | null;
  clientAddress: string | null;
  hash: string;
}

/** Who did what to one record, oldest first: the trail names fields, never their values. */
export async function recordAuditTrail(
  platform: Platform,
  ctx: RequestContext,
  recordType: string,
  recordId: string,
  after: number,
  limit: number,
): Promise<{ recordType: string; recordId: string; items: RecordAuditEvent[]; nextAfter: number | null }> {
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const rows = await trx
      .selectFrom('audit_events')
      .selectAll()
      .where('record_type', '=', recordType)
      .where('record_id', '=', recordId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    // The read lands in the record's own trail: who looked at it is part of its history.
    record({ action: 'audit.read', recordType, recordId });
    return {
      recordType,
      recordId,
      items: page.map((r) => ({
        seq: Number(r.seq),
        at: r.at,
        actorUserId: r.actor_user_id,
        actorAgencyId: r.actor_agency_id,
        action: r.action,
        fields: JSON.parse(r.fields) as string[],
        requestId: r.request_id,
        clientAddress: r.client_address,
        hash: r.hash,
      })),
      nextAfter: rows.length > limit ? Number(page[page.length - 1]!.seq) : null,
    };
  });
}
