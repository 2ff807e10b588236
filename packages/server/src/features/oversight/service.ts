import { randomUUID } from 'node:crypto';
import type { Allegation, AllegationChange, AllegationFollowUp, AllegationInput, AllegationReceiptView, AllegationStatus } from '@haven/core';
import { secretHash } from '../../platform/auth/tokens.js';
import type { AllegationTable } from '../../platform/db/schema.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { conflict, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { auditEventPage } from '../audit/service.js';
import { incidentSubject } from '../justice/service.js';
import {
  allegationPlace,
  allegationView,
  defaultOversightAgency,
  eraseAllegationText,
  findAllegationByReceipt,
  handledAllegation,
  insertAllegation,
  isOversightAgency,
  listAllegationRows,
  newReceipt,
  obligationSubject,
  personExists,
  updateAllegation,
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

/** Files an allegation in the unit given: the caller's, or the anonymous form's that keeps nothing of who reported. */
async function fileAllegation(unit: StoreUnit, filedBy: string | null, input: AllegationInput): Promise<AllegationReceiptView> {
  const { platform } = unit;
  const at = platform.clock().toISOString();
  const receipt = newReceipt();
  const id = randomUUID();
  const row: AllegationTable = {
    id,
    receipt_hash: secretHash(receipt),
    filed_by: filedBy,
    description_enc: platform.cipher.encrypt(input.description, allegationPlace('description_enc', id)),
    person_id: null,
    obligation_id: null,
    incident_id: null,
    oversight_agency_id: await defaultOversightAgency(unit),
    status: 'received',
    findings_enc: null,
    remedy_enc: null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await insertAllegation(unit, row);
  unit.record({ action: 'allegation.filed', recordType: 'allegation', recordId: id, fields: ['description'] });
  return { receipt, status: 'received' as const };
}

/** A signed-in user reports a failure to assist, under their name. */
export async function fileAllegationAsUser(store: ScopedStore, input: AllegationInput): Promise<AllegationReceiptView> {
  return store.unit((unit) => fileAllegation(unit, unit.actor.userId, input));
}

/**
 * Anyone reports a failure to assist through the public form; nothing about them is kept, even
 * when signed in: no user, no agency, no client address in the audit event (the oversight body
 * reads the trail), and no idempotency record tying the answer to an account.
 */
export async function fileAllegationAnonymously(store: ScopedStore, input: AllegationInput): Promise<AllegationReceiptView> {
  return store.anonymous((unit) => fileAllegation(unit, null, input));
}

/** What the holder of a receipt may know: where the allegation stands and when it last moved; never findings. */
export async function followUpAllegation(store: ScopedStore, receipt: string): Promise<AllegationFollowUp> {
  return store.anonymous(async (unit) => {
    const row = await findAllegationByReceipt(unit, secretHash(receipt));
    if (!row) throw notFound('allegation for this receipt');
    unit.record({ action: 'allegation.followed_up', recordType: 'allegation', recordId: row.id, fields: ['status'] });
    return { status: row.status as AllegationStatus, updatedAt: row.updated_at };
  });
}

const READ_FIELDS = ['description', 'findings', 'remedy'];

export async function listAllegations(
  store: ScopedStore,
  filter: { status?: AllegationStatus | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<{ items: Allegation[]; nextCursor: string | null }> {
  return store.unit(async (unit) => {
    const rows = await listAllegationRows(unit, filter.status, cursor, limit + 1);
    const page = rows.slice(0, limit);
    for (const row of page) unit.readDone({ recordType: 'allegation', recordId: row.id }, READ_FIELDS);
    const last = page[page.length - 1];
    return { items: page.map((r) => allegationView(store.platform.cipher, r)), nextCursor: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
  });
}

export async function readAllegation(store: ScopedStore, id: string): Promise<Allegation> {
  return store.unit(async (unit) => {
    const row = await handledAllegation(unit, id);
    unit.readDone({ recordType: 'allegation', recordId: id }, READ_FIELDS);
    return allegationView(store.platform.cipher, row);
  });
}

/** Links the allegation to what it concerns, checking that person, obligation and incident agree. */
async function subjectChanges(unit: StoreUnit, row: AllegationTable, change: AllegationChange): Promise<Partial<AllegationTable>> {
  const set: Partial<AllegationTable> = {};
  if (change.personId) {
    if (!(await personExists(unit, change.personId))) throw unprocessable('personId', 'no such person');
  }
  let personId = change.personId === undefined ? row.person_id : change.personId;
  const obligationId = change.obligationId === undefined ? row.obligation_id : change.obligationId;
  const incidentId = change.incidentId === undefined ? row.incident_id : change.incidentId;
  const owedTo = obligationId ? await obligationSubject(unit, obligationId) : undefined;
  if (obligationId && !owedTo) throw unprocessable('obligationId', 'no such obligation');
  const against = incidentId ? await incidentSubject(unit, incidentId) : undefined;
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
export async function changeAllegation(store: ScopedStore, id: string, change: AllegationChange): Promise<Allegation> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    const row = await handledAllegation(unit, id);
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
    if (change.oversightAgencyId !== undefined && !(await isOversightAgency(unit, change.oversightAgencyId))) throw unprocessable('oversightAgencyId', 'must be an oversight agency');

    const set: Partial<AllegationTable> = { ...(await subjectChanges(unit, row, change)), status: to };
    if (change.findings !== undefined) set.findings_enc = platform.cipher.encrypt(change.findings, allegationPlace('findings_enc', id));
    if (change.remedy !== undefined) set.remedy_enc = platform.cipher.encrypt(change.remedy, allegationPlace('remedy_enc', id));
    if (change.oversightAgencyId !== undefined) set.oversight_agency_id = change.oversightAgencyId;
    const changed = await updateAllegation(unit, row, set, at);
    const fields = Object.entries(change)
      .filter(([key, value]) => key !== 'version' && value !== undefined)
      .map(([key]) => key);
    if (set.person_id !== undefined && !fields.includes('personId')) fields.push('personId');
    unit.record({ action: 'allegation.update', recordType: 'allegation', recordId: id, fields });
    return allegationView(platform.cipher, changed);
  });
}

export interface RecordAuditEvent {
  seq: number;
  at: string;
  actorUserId: string | null;
  actorName: string | null;
  actorAgencyId: string | null;
  actorAgencyName: string | null;
  action: string;
  fields: string[];
  requestId: string | null;
  clientAddress: string | null;
  hash: string;
}

/** Who did what to one record, oldest first: the trail names fields, never their values. */
export async function recordAuditTrail(
  store: ScopedStore,
  recordType: string,
  recordId: string,
  after: number,
  limit: number,
): Promise<{ recordType: string; recordId: string; items: RecordAuditEvent[]; nextAfter: number | null }> {
  return store.unit(async (unit) => {
    const page = await auditEventPage(unit, { after, limit, recordType, recordId });
    // The read lands in the record's own trail: who looked at it is part of its history.
    unit.record({ action: 'audit.read', recordType, recordId });
    return { recordType, recordId, items: page.items.map(({ recordType: _type, recordId: _id, ...event }) => event), nextAfter: page.nextAfter };
  });
}

/** The retention run destroys the free text of an allegation closed long enough; it records the purge. */
export async function purgeAllegation(unit: StoreUnit, id: string, at: string): Promise<void> {
  await eraseAllegationText(unit, id, at);
  unit.record({ action: 'allegation.purged', recordType: 'allegation', recordId: id, fields: ['description', 'findings', 'remedy'] });
}

/** What a purge asks of the allegations. */
export { eraseAllegationsOf, markAllegationsPurged } from './store.js';
