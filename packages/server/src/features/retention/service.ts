import { randomUUID } from 'node:crypto';
import {
  ERASURE_REQUESTERS,
  retentionCutoff,
  RETENTION_RECORD_TYPES,
  type ErasureRequester,
  type ErasureRequestView,
  type LegalHoldOverview,
  type LegalHoldView,
  type RetentionRecordType,
  type RetentionReport,
} from '@haven/core';
import { actorOf } from '../../platform/access/actor.js';
import { assertWorksOnCase, personFieldGroups, visibleGroupsOrThrow, worksOnCase } from '../../platform/access/scope.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Actor, Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { Queryable } from '../../platform/db/database.js';
import type { ErasureRequestTable, LegalHoldTable } from '../../platform/db/schema.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { conflict, forbidden, HttpProblem, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import { describeHold, holdsOn, holdsOnMany, legalHoldRecords, releasingAgency, type LegalHoldRecord } from './holds.js';
import { compactAfterPurge, DESTROYED_TEXT, purgePerson } from './purge.js';

export { ERASURE_REQUESTERS, type ErasureRequester };
export type { ErasureRequestView, LegalHoldOverview, LegalHoldView, RetentionReport } from '@haven/core';

function erasureView(platform: Platform, row: ErasureRequestTable): ErasureRequestView {
  return {
    id: row.id,
    personId: row.person_id,
    requestedBy: row.requested_by as ErasureRequester,
    reason: platform.cipher.decryptNullable(row.reason_enc, placeOf('erasure_requests', 'reason_enc', row.id)),
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
    status: row.status as ErasureRequestView['status'],
    refusedBecause: JSON.parse(row.refused_because) as string[],
    carriedOutAt: row.carried_out_at,
  };
}

function holdOverview(hold: LegalHoldRecord): LegalHoldOverview {
  return {
    id: hold.id,
    personId: hold.person_id,
    agencyId: hold.agency_id,
    agencyName: hold.agency_name,
    investigationId: hold.investigation_id,
    investigationReference: hold.investigation_reference,
    releasableBy: releasingAgency(hold),
    placedBy: hold.placed_by,
    placedAt: hold.placed_at,
    releasedBy: hold.released_by,
    releasedAt: hold.released_at,
    version: hold.version,
  };
}

function holdView(platform: Platform, hold: LegalHoldRecord): LegalHoldView {
  return {
    ...holdOverview(hold),
    reason: platform.cipher.decryptNullable(hold.reason_enc, placeOf('legal_holds', 'reason_enc', hold.id)),
    releaseReason: platform.cipher.decryptNullable(hold.release_reason_enc, placeOf('legal_holds', 'release_reason_enc', hold.id)),
  };
}

async function purgedAt(q: Queryable, personId: string): Promise<string | null> {
  const row = await q.selectFrom('persons').select('purged_at').where('id', '=', personId).executeTakeFirst();
  return row?.purged_at ?? null;
}

/**
 * Records a person's request to erase their data and carries it out in the same transaction — or,
 * while a hold stands, records it as refused with every hold named. Only the agency working on the
 * case records it. After the commit the database is compacted so the values leave the files.
 */
export async function requestErasure(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
  input: { requestedBy: ErasureRequester; reason?: string | null | undefined },
): Promise<ErasureRequestView> {
  const actor = actorOf(ctx);
  let purged = false;
  const view = await withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    const already = await purgedAt(trx, personId);
    if (already) throw conflict('already-purged', `The person's personal data was already destroyed on ${already.slice(0, 10)}.`, { purgedAt: already });
    const at = platform.clock().toISOString();
    const holds = await holdsOn(trx, personId);
    const id = randomUUID();
    const row: ErasureRequestTable = {
      id,
      person_id: personId,
      requested_by: input.requestedBy,
      reason_enc: platform.cipher.encryptNullable(input.reason ?? null, placeOf('erasure_requests', 'reason_enc', id)),
      recorded_by: actor.userId,
      recorded_at: at,
      status: holds.length > 0 ? 'refused' : 'carried_out',
      refused_because: JSON.stringify(holds.map(describeHold)),
      carried_out_at: holds.length > 0 ? null : at,
    };
    await trx.insertInto('erasure_requests').values(row).execute();
    record({ action: 'erasure.requested', recordType: 'erasure_request', recordId: id, fields: input.reason ? ['requestedBy', 'reason'] : ['requestedBy'] });
    if (holds.length > 0) {
      record({ action: 'erasure.refused', recordType: 'person', recordId: personId, fields: holds.map((h) => `hold:${h.kind}`) });
      return erasureView(platform, row);
    }
    const summary = await purgePerson(platform, trx, personId, at);
    record({ action: 'person.purged', recordType: 'person', recordId: personId, fields: summary.fields });
    record({ action: 'erasure.carried_out', recordType: 'erasure_request', recordId: id });
    purged = true;
    // The request's own reason went with everything else; the answer still shows what was asked.
    return { ...erasureView(platform, row), reason: null };
  });
  if (purged) await compactAfterPurge(platform, { vacuum: false }).catch(() => undefined);
  return view;
}

export async function erasureRequestsOf(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
): Promise<{ personId: string; purgedAt: string | null; standingHolds: string[]; requests: ErasureRequestView[] }> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    const rows = await trx.selectFrom('erasure_requests').selectAll().where('person_id', '=', personId).orderBy('recorded_at').execute();
    record({ action: 'erasure.read', recordType: 'person', recordId: personId });
    return {
      personId,
      purgedAt: await purgedAt(trx, personId),
      standingHolds: (await holdsOn(trx, personId)).map(describeHold),
      requests: rows.map((row) => erasureView(platform, row)),
    };
  });
}

/**
 * An investigation a hold may be placed for: one of the caller's agency, or one the person is
 * linked to while the caller's agency works on the case (it sees those links). Any other is
 * refused as one that does not exist.
 */
async function investigationForHoldOrThrow(q: Queryable, actor: Actor, personId: string, investigationId: string): Promise<void> {
  const investigation = await q.selectFrom('investigations').select('agency_id').where('id', '=', investigationId).executeTakeFirst();
  if (investigation?.agency_id === actor.agencyId) return;
  if (investigation && (await worksOnCase(q, actor, personId))) {
    const link = await q.selectFrom('justice_links').select('id').where('investigation_id', '=', investigationId).where('person_id', '=', personId).executeTakeFirst();
    if (link) return;
  }
  throw unprocessable('investigationId', 'no such investigation');
}

/**
 * Places a hold with its reason; anyone who may see the person (an investigator through a justice
 * link, too). Placed for an investigation or prosecution, the hold is then that investigation's
 * agency's to release; otherwise the placing agency's.
 */
export async function placeLegalHold(platform: Platform, ctx: RequestContext, personId: string, input: { reason: string; investigationId?: string | undefined }): Promise<LegalHoldView> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await visibleGroupsOrThrow(trx, actor, personId);
    if (input.investigationId) await investigationForHoldOrThrow(trx, actor, personId, input.investigationId);
    const already = await purgedAt(trx, personId);
    if (already) throw conflict('already-purged', `The person's personal data was already destroyed on ${already.slice(0, 10)}: there is nothing left to hold.`, { purgedAt: already });
    const id = randomUUID();
    const row: LegalHoldTable = {
      id,
      person_id: personId,
      reason_enc: platform.cipher.encrypt(input.reason, placeOf('legal_holds', 'reason_enc', id)),
      placed_by: actor.userId,
      agency_id: actor.agencyId,
      investigation_id: input.investigationId ?? null,
      placed_at: platform.clock().toISOString(),
      released_by: null,
      released_at: null,
      release_reason_enc: null,
      version: 1,
    };
    await trx.insertInto('legal_holds').values(row).execute();
    record({ action: 'legal_hold.placed', recordType: 'legal_hold', recordId: id, fields: input.investigationId ? ['reason', 'investigationId'] : ['reason'] });
    return holdView(platform, await legalHoldRecords(trx).where('legal_holds.id', '=', id).executeTakeFirstOrThrow());
  });
}

export async function legalHoldsOf(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
): Promise<{ personId: string; purgedAt: string | null; standingHolds: string[]; holds: LegalHoldView[] }> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await visibleGroupsOrThrow(trx, actor, personId);
    const rows = await legalHoldRecords(trx).where('legal_holds.person_id', '=', personId).orderBy('legal_holds.placed_at').orderBy('legal_holds.id').execute();
    record({ action: 'legal_hold.read', recordType: 'person', recordId: personId, fields: ['reason', 'releaseReason'] });
    return {
      personId,
      purgedAt: await purgedAt(trx, personId),
      standingHolds: (await holdsOn(trx, personId)).map(describeHold),
      holds: rows.map((row) => holdView(platform, row)),
    };
  });
}

/**
 * Releases a recorded hold with a written reason (audited, the reason encrypted). Through its
 * agencies' route only the agency the hold belongs to may: the investigation's, for a hold placed
 * for one, else the placing agency. One who sees the hold (they see the person) is told who may;
 * anyone else gets the answer a hold that does not exist gets.
 */
export async function releaseLegalHold(platform: Platform, ctx: RequestContext, holdId: string, input: { version: number; reason: string }): Promise<LegalHoldView> {
  try {
    return holdView(platform, await release(platform, ctx, holdId, input, 'agency'));
  } catch (error) {
    // An attempt to lift another agency's hold is worth the oversight body's eye: audited in its
    // own transaction, since the refused one rolled back.
    if (error instanceof HttpProblem && error.status === 403) {
      const { idempotency: _unused, ...audit } = ctx.audit;
      await withAudit(platform, audit, async (_trx, record) => {
        record({ action: 'legal_hold.release_refused', recordType: 'legal_hold', recordId: holdId });
      });
    }
    throw error;
  }
}

/** The oversight body releases any hold, with a written reason; its answer carries no free text. */
export async function releaseAnyLegalHold(platform: Platform, ctx: RequestContext, holdId: string, input: { version: number; reason: string }): Promise<LegalHoldOverview> {
  return holdOverview(await release(platform, ctx, holdId, input, 'oversight'));
}

async function release(platform: Platform, ctx: RequestContext, holdId: string, input: { version: number; reason: string }, by: 'agency' | 'oversight'): Promise<LegalHoldRecord> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const hold = await legalHoldRecords(trx).where('legal_holds.id', '=', holdId).executeTakeFirst();
    if (!hold) throw notFound('legal hold');
    const releaser = releasingAgency(hold);
    if (by === 'agency' && releaser.agencyId !== actor.agencyId) {
      // The holds of a person are listed to whoever sees the person: to them the hold is no secret.
      if (!(await personFieldGroups(trx, actor, hold.person_id))) throw notFound('legal hold');
      const whose = hold.investigation_agency_id ? `the agency of investigation ${hold.investigation_reference ?? ''} (${releaser.agencyName})` : `the agency that placed it (${releaser.agencyName})`;
      throw forbidden(`Only ${whose} or the oversight body may release this legal hold.`);
    }
    if (hold.released_at) throw conflict('already-released', `The hold was released on ${hold.released_at.slice(0, 10)}.`);
    if (hold.version !== input.version) throw staleVersion('legal hold', hold.version);
    const changed = {
      released_by: actor.userId,
      released_at: platform.clock().toISOString(),
      release_reason_enc: platform.cipher.encrypt(input.reason, placeOf('legal_holds', 'release_reason_enc', holdId)),
      version: hold.version + 1,
    };
    const result = await trx.updateTable('legal_holds').set(changed).where('id', '=', holdId).where('version', '=', hold.version).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw staleVersion('legal hold', hold.version + 1);
    record({ action: 'legal_hold.released', recordType: 'legal_hold', recordId: holdId, fields: ['releaseReason'] });
    return { ...hold, ...changed };
  });
}

/**
 * Every recorded hold of every agency, newest first, for the oversight body: which holds exist,
 * who placed them and who may release them, without the reasons (free text may name anyone).
 */
export async function legalHoldsOverview(
  platform: Platform,
  ctx: RequestContext,
  filter: { status?: 'standing' | 'released' | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<{ items: LegalHoldOverview[]; nextCursor: string | null }> {
  return withAudit(platform, ctx.audit, async (trx, record) => {
    let query = legalHoldRecords(trx);
    if (filter.status === 'standing') query = query.where('legal_holds.released_at', 'is', null);
    if (filter.status === 'released') query = query.where('legal_holds.released_at', 'is not', null);
    if (cursor) {
      query = query.where((eb) => eb.or([eb('legal_holds.placed_at', '<', cursor.at), eb.and([eb('legal_holds.placed_at', '=', cursor.at), eb('legal_holds.id', '<', cursor.id)])]));
    }
    const rows = await query.orderBy('legal_holds.placed_at', 'desc').orderBy('legal_holds.id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    record({ action: 'oversight.read', recordType: 'legal_holds', recordId: null, fields: ['placedBy', 'releasedBy', 'investigationId'] });
    const last = page[page.length - 1];
    return { items: page.map(holdOverview), nextCursor: rows.length > limit && last ? encodeCursor({ at: last.placed_at, id: last.id }) : null };
  });
}

// ---------------------------------------------------------------------------------------------
// The retention run

export interface RetentionProgress {
  recordType: RetentionRecordType;
  done: number;
  total: number;
  held: number;
}

const SYSTEM: Omit<AuditContext, 'requestId'> = { actorUserId: null, actorAgencyId: null, clientAddress: null };

/** Persons not yet purged every case of whom was closed before the cut-off. */
function duePersons(q: Queryable, cutoff: string) {
  return q
    .selectFrom('persons')
    .where('persons.purged_at', 'is', null)
    .where((eb) =>
      eb.and([
        eb.exists(eb.selectFrom('cases').select('cases.id').whereRef('cases.person_id', '=', 'persons.id').where('cases.stage', '=', 'closed').where('cases.updated_at', '<', cutoff)),
        eb.not(
          eb.exists(
            eb
              .selectFrom('cases')
              .select('cases.id')
              .whereRef('cases.person_id', '=', 'persons.id')
              .where((c) => c.or([c('cases.stage', '!=', 'closed'), c('cases.updated_at', '>=', cutoff)])),
          ),
        ),
      ]),
    );
}

function dueAllegations(q: Queryable, cutoff: string) {
  return q.selectFrom('allegations').where('status', '=', 'closed').where('updated_at', '<', cutoff).where('purged_at', 'is', null);
}

/**
 * Purges what is past its retention period, in batches of `batch` records, one transaction per
 * batch (a failure loses at most the batch in flight, never half a person). Held persons are
 * skipped and counted. A dry run only counts.
 */
export async function runRetention(
  platform: Platform,
  options: { batch?: number; dryRun?: boolean; onProgress?: (progress: RetentionProgress) => void } = {},
): Promise<RetentionReport> {
  const batch = options.batch ?? 200;
  const dryRun = options.dryRun ?? false;
  const now = platform.clock();
  const runId = `retention-${randomUUID()}`;
  const context: AuditContext = { ...SYSTEM, requestId: runId };
  const { db } = platform.database;
  const cutoffs = Object.fromEntries(RETENTION_RECORD_TYPES.map((type) => [type, retentionCutoff(platform.profile.retention[type], now).toISOString()])) as Record<RetentionRecordType, string>;
  const entry = (type: RetentionRecordType) => ({ period: platform.profile.retention[type].iso, cutoff: cutoffs[type], due: 0, purged: 0, held: 0 });
  const report: RetentionReport = { dryRun, at: now.toISOString(), types: { case: entry('case'), allegation: entry('allegation'), notification: entry('notification') }, compacted: null };
  const seen: Record<RetentionRecordType, number> = { case: 0, allegation: 0, notification: 0 };
  const progress = (recordType: RetentionRecordType) => {
    const t = report.types[recordType];
    options.onProgress?.({ recordType, done: seen[recordType], total: t.due, held: t.held });
  };

  // Cases: the person's record and whole case file.
  const cases = report.types.case;
  cases.due = Number((await duePersons(db, cutoffs.case).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  let after = '';
  for (;;) {
    const ids = (await duePersons(db, cutoffs.case).select('persons.id').where('persons.id', '>', after).orderBy('persons.id').limit(batch).execute()).map((r) => r.id);
    if (ids.length === 0) break;
    after = ids[ids.length - 1] as string;
    await withAudit(platform, context, async (trx, record) => {
      const holds = await holdsOnMany(trx, ids);
      for (const id of ids) {
        if ((holds.get(id) ?? []).length > 0) {
          cases.held += 1;
          continue;
        }
        if (dryRun) continue;
        const summary = await purgePerson(platform, trx, id, now.toISOString());
        record({ action: 'person.purged', recordType: 'person', recordId: id, fields: summary.fields });
        cases.purged += 1;
      }
    });
    seen.case += ids.length;
    progress('case');
  }

  // Allegations: their free text, once closed long enough; the status and the links stay.
  const allegations = report.types.allegation;
  allegations.due = Number((await dueAllegations(db, cutoffs.allegation).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  if (!dryRun) {
    for (;;) {
      const ids = (await dueAllegations(db, cutoffs.allegation).select('id').orderBy('id').limit(batch).execute()).map((r) => r.id);
      if (ids.length === 0) break;
      await withAudit(platform, context, async (trx, record) => {
        const at = now.toISOString();
        for (const id of ids) {
          await trx
            .updateTable('allegations')
            .set({ description_enc: platform.cipher.encrypt(DESTROYED_TEXT, placeOf('allegations', 'description_enc', id)), findings_enc: null, remedy_enc: null, purged_at: at })
            .where('id', '=', id)
            .execute();
          record({ action: 'allegation.purged', recordType: 'allegation', recordId: id, fields: ['description', 'findings', 'remedy'] });
        }
      });
      allegations.purged += ids.length;
      seen.allegation += ids.length;
      progress('allegation');
    }
  }

  // Notifications to staff: deleted.
  const notifications = report.types.notification;
  const old = db.selectFrom('notifications').where('created_at', '<', cutoffs.notification);
  notifications.due = Number((await old.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  if (!dryRun && notifications.due > 0) {
    await withAudit(platform, context, async (trx, record) => {
      const result = await trx.deleteFrom('notifications').where('created_at', '<', cutoffs.notification).executeTakeFirst();
      notifications.purged = Number(result.numDeletedRows);
      record({ action: 'notification.purged', recordType: 'notification', recordId: null });
    });
    seen.notification = notifications.purged;
    progress('notification');
  }

  if (!dryRun) {
    await withAudit(platform, context, async (_trx, record) => {
      record({
        action: 'retention.run',
        recordType: 'retention',
        recordId: runId,
        fields: RETENTION_RECORD_TYPES.filter((type) => report.types[type].purged > 0),
      });
    });
    if (RETENTION_RECORD_TYPES.some((type) => report.types[type].purged > 0)) report.compacted = await compactAfterPurge(platform);
  }
  return report;
}
