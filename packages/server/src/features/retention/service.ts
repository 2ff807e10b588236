import { randomUUID } from 'node:crypto';
import { ERASURE_REQUESTERS, type ErasureRequester, type ErasureRequestView, type LegalHoldOverview, type LegalHoldView, RETENTION_RECORD_TYPES, retentionCutoff, type RetentionRecordType, type RetentionReport } from '@haven/core';
import type { Platform } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { ErasureRequestTable, LegalHoldTable } from '../../platform/db/schema.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { conflict, forbidden, HttpProblem, notFound, staleVersion } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import { systemStore } from '../../store/system-store.js';
import { purgeAllegation } from '../oversight/service.js';
import { forgetNotificationsBefore, notificationsBefore } from '../notifications/service.js';
import { describeHold, releasingAgency } from './holds.js';
import { compactAfterPurge, purgePerson } from './purge.js';
import {
  countDueAllegations,
  countDuePersons,
  dueAllegationIds,
  duePersonIds,
  erasureRequestRows,
  holdsOn,
  holdsOnMany,
  insertErasureRequest,
  insertLegalHold,
  investigationForHoldOrThrow,
  legalHold,
  legalHoldsOfPerson,
  legalHoldsPage,
  purgedAt,
  retentionTotals,
  updateLegalHold,
  type LegalHoldRecord,
} from './store.js';

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

/**
 * Records a person's request to erase their data and carries it out in the same transaction — or,
 * while a hold stands, records it as refused with every hold named. Only the agency working on the
 * case records it. After the commit the database is compacted so the values leave the files.
 */
export async function requestErasure(
  store: ScopedStore,
  personId: string,
  input: { requestedBy: ErasureRequester; reason?: string | null | undefined },
): Promise<ErasureRequestView> {
  const { platform } = store;
  let purged = false;
  const view = await store.unit(async (unit) => {
    await unit.caseGroups(personId);
    const already = await purgedAt(unit, personId);
    if (already) throw conflict('already-purged', `The person's personal data was already destroyed on ${already.slice(0, 10)}.`, { purgedAt: already });
    const at = platform.clock().toISOString();
    const holds = await holdsOn(unit, personId);
    const id = randomUUID();
    const row: ErasureRequestTable = {
      id,
      person_id: personId,
      requested_by: input.requestedBy,
      reason_enc: platform.cipher.encryptNullable(input.reason ?? null, placeOf('erasure_requests', 'reason_enc', id)),
      recorded_by: unit.actor.userId,
      recorded_at: at,
      status: holds.length > 0 ? 'refused' : 'carried_out',
      refused_because: JSON.stringify(holds.map(describeHold)),
      carried_out_at: holds.length > 0 ? null : at,
    };
    await insertErasureRequest(unit, row);
    unit.record({ action: 'erasure.requested', recordType: 'erasure_request', recordId: id, fields: input.reason ? ['requestedBy', 'reason'] : ['requestedBy'] });
    if (holds.length > 0) {
      unit.record({ action: 'erasure.refused', recordType: 'person', recordId: personId, fields: holds.map((h) => `hold:${h.kind}`) });
      return erasureView(platform, row);
    }
    const summary = await purgePerson(unit, personId, at);
    unit.record({ action: 'person.purged', recordType: 'person', recordId: personId, fields: summary.fields });
    unit.record({ action: 'erasure.carried_out', recordType: 'erasure_request', recordId: id });
    purged = true;
    // The request's own reason went with everything else; the answer still shows what was asked.
    return { ...erasureView(platform, row), reason: null };
  });
  if (purged) await compactAfterPurge(platform, { vacuum: false }).catch(() => undefined);
  return view;
}

export async function erasureRequestsOf(
  store: ScopedStore,
  personId: string,
): Promise<{ personId: string; purgedAt: string | null; standingHolds: string[]; requests: ErasureRequestView[] }> {
  return store.unit(async (unit) => {
    await unit.caseGroups(personId);
    const rows = await erasureRequestRows(unit, personId);
    unit.record({ action: 'erasure.read', recordType: 'person', recordId: personId });
    return {
      personId,
      purgedAt: await purgedAt(unit, personId),
      standingHolds: (await holdsOn(unit, personId)).map(describeHold),
      requests: rows.map((row) => erasureView(store.platform, row)),
    };
  });
}

/**
 * Places a hold with its reason; anyone who may see the person (an investigator through a justice
 * link, too). Placed for an investigation or prosecution, the hold is then that investigation's
 * agency's to release; otherwise the placing agency's.
 */
export async function placeLegalHold(store: ScopedStore, personId: string, input: { reason: string; investigationId?: string | undefined }): Promise<LegalHoldView> {
  const { platform } = store;
  return store.unit(async (unit) => {
    await unit.visibleGroups(personId);
    if (input.investigationId) await investigationForHoldOrThrow(unit, personId, input.investigationId);
    const already = await purgedAt(unit, personId);
    if (already) throw conflict('already-purged', `The person's personal data was already destroyed on ${already.slice(0, 10)}: there is nothing left to hold.`, { purgedAt: already });
    const id = randomUUID();
    const row: LegalHoldTable = {
      id,
      person_id: personId,
      reason_enc: platform.cipher.encrypt(input.reason, placeOf('legal_holds', 'reason_enc', id)),
      placed_by: unit.actor.userId,
      agency_id: unit.actor.agencyId,
      investigation_id: input.investigationId ?? null,
      placed_at: platform.clock().toISOString(),
      released_by: null,
      released_at: null,
      release_reason_enc: null,
      version: 1,
    };
    await insertLegalHold(unit, row);
    unit.record({ action: 'legal_hold.placed', recordType: 'legal_hold', recordId: id, fields: input.investigationId ? ['reason', 'investigationId'] : ['reason'] });
    return holdView(platform, (await legalHold(unit, id))!);
  });
}

export async function legalHoldsOf(
  store: ScopedStore,
  personId: string,
): Promise<{ personId: string; purgedAt: string | null; standingHolds: string[]; holds: LegalHoldView[] }> {
  return store.unit(async (unit) => {
    await unit.visibleGroups(personId);
    const rows = await legalHoldsOfPerson(unit, personId);
    unit.readDone({ action: 'legal_hold.read', recordType: 'person', recordId: personId }, ['reason', 'releaseReason']);
    return {
      personId,
      purgedAt: await purgedAt(unit, personId),
      standingHolds: (await holdsOn(unit, personId)).map(describeHold),
      holds: rows.map((row) => holdView(store.platform, row)),
    };
  });
}

/**
 * Releases a recorded hold with a written reason (audited, the reason encrypted). Through its
 * agencies' route only the agency the hold belongs to may: the investigation's, for a hold placed
 * for one, else the placing agency. One who sees the hold (they see the person) is told who may;
 * anyone else gets the answer a hold that does not exist gets.
 */
export async function releaseLegalHold(store: ScopedStore, holdId: string, input: { version: number; reason: string }): Promise<LegalHoldView> {
  try {
    return holdView(store.platform, await release(store, holdId, input, 'agency'));
  } catch (error) {
    // An attempt to lift another agency's hold is worth the oversight body's eye: audited in its
    // own transaction, since the refused one rolled back.
    if (error instanceof HttpProblem && error.status === 403) await store.recordApart({ action: 'legal_hold.release_refused', recordType: 'legal_hold', recordId: holdId });
    throw error;
  }
}

/** The oversight body releases any hold, with a written reason; its answer carries no free text. */
export async function releaseAnyLegalHold(store: ScopedStore, holdId: string, input: { version: number; reason: string }): Promise<LegalHoldOverview> {
  return holdOverview(await release(store, holdId, input, 'oversight'));
}

async function release(store: ScopedStore, holdId: string, input: { version: number; reason: string }, by: 'agency' | 'oversight'): Promise<LegalHoldRecord> {
  const { platform } = store;
  return store.unit(async (unit) => {
    const { actor } = unit;
    const hold = await legalHold(unit, holdId);
    if (!hold) throw notFound('legal hold');
    const releaser = releasingAgency(hold);
    if (by === 'agency' && releaser.agencyId !== actor.agencyId) {
      // The holds of a person are listed to whoever sees the person: to them the hold is no secret.
      if (!(await unit.groupsOf(hold.person_id))) throw notFound('legal hold');
      const whose = hold.investigation_agency_id ? `the agency of investigation ${hold.investigation_reference ?? ''} (${releaser.agencyName})` : `the agency that placed it (${releaser.agencyName})`;
      throw forbidden(`Only ${whose} or the oversight body may release this legal hold.`);
    }
    if (hold.released_at) throw conflict('already-released', `The hold was released on ${hold.released_at.slice(0, 10)}.`);
    if (hold.version !== input.version) throw staleVersion('legal hold', hold.version);
    const changed = {
      released_by: actor.userId,
      released_at: platform.clock().toISOString(),
      release_reason_enc: platform.cipher.encrypt(input.reason, placeOf('legal_holds', 'release_reason_enc', holdId)),
    };
    const version = await updateLegalHold(unit, hold, changed);
    unit.record({ action: 'legal_hold.released', recordType: 'legal_hold', recordId: holdId, fields: ['releaseReason'] });
    return { ...hold, ...changed, version };
  });
}

/**
 * Every recorded hold of every agency, newest first, for the oversight body: which holds exist,
 * who placed them and who may release them, without the reasons (free text may name anyone).
 */
export async function legalHoldsOverview(
  store: ScopedStore,
  filter: { status?: 'standing' | 'released' | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<{ items: LegalHoldOverview[]; nextCursor: string | null }> {
  return store.unit(async (unit) => {
    const rows = await legalHoldsPage(unit, filter.status, cursor, limit + 1);
    const page = rows.slice(0, limit);
    unit.record({ action: 'oversight.read', recordType: 'legal_holds', recordId: null, fields: ['placedBy', 'releasedBy', 'investigationId'] });
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

/**
 * Purges what is past its retention period, in batches of `batch` records, one transaction per
 * batch (a failure loses at most the batch in flight, never half a person). Held persons are
 * skipped and counted. A dry run only counts.
 */
/** The retention report's totals beside the dry run: standing holds, erasure requests by decision, the last purge. */
export async function retentionTotalsNow(platform: Platform): ReturnType<typeof retentionTotals> {
  const reader = systemStore(platform, 'retention', { actorUserId: null, actorAgencyId: null, clientAddress: null, requestId: `retention-report-${randomUUID()}` });
  return reader.unit((unit) => retentionTotals(unit));
}

export async function runRetention(
  platform: Platform,
  options: { batch?: number; dryRun?: boolean; onProgress?: (progress: RetentionProgress) => void } = {},
): Promise<RetentionReport> {
  const batch = options.batch ?? 200;
  const dryRun = options.dryRun ?? false;
  const now = platform.clock();
  const runId = `retention-${randomUUID()}`;
  const retention = systemStore(platform, 'retention', { actorUserId: null, actorAgencyId: null, clientAddress: null, requestId: runId });
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
  cases.due = await retention.unit((unit) => countDuePersons(unit, cutoffs.case));
  let after = '';
  for (;;) {
    const ids = await retention.unit((unit) => duePersonIds(unit, cutoffs.case, after, batch));
    if (ids.length === 0) break;
    after = ids[ids.length - 1] as string;
    await retention.unit(async (unit) => {
      const holds = await holdsOnMany(unit, ids);
      for (const id of ids) {
        if ((holds.get(id) ?? []).length > 0) {
          cases.held += 1;
          continue;
        }
        if (dryRun) continue;
        const summary = await purgePerson(unit, id, now.toISOString());
        unit.record({ action: 'person.purged', recordType: 'person', recordId: id, fields: summary.fields });
        cases.purged += 1;
      }
    });
    seen.case += ids.length;
    progress('case');
  }

  // Allegations: their free text, once closed long enough; the status and the links stay.
  const allegations = report.types.allegation;
  allegations.due = await retention.unit((unit) => countDueAllegations(unit, cutoffs.allegation));
  if (!dryRun) {
    for (;;) {
      const ids = await retention.unit((unit) => dueAllegationIds(unit, cutoffs.allegation, batch));
      if (ids.length === 0) break;
      await retention.unit(async (unit) => {
        for (const id of ids) await purgeAllegation(unit, id, now.toISOString());
      });
      allegations.purged += ids.length;
      seen.allegation += ids.length;
      progress('allegation');
    }
  }

  // Notifications to staff: deleted.
  const notifications = report.types.notification;
  notifications.due = await retention.unit((unit) => notificationsBefore(unit, cutoffs.notification));
  if (!dryRun && notifications.due > 0) {
    await retention.unit(async (unit) => {
      notifications.purged = await forgetNotificationsBefore(unit, cutoffs.notification);
      unit.record({ action: 'notification.purged', recordType: 'notification', recordId: null });
    });
    seen.notification = notifications.purged;
    progress('notification');
  }

  if (!dryRun) {
    await retention.unit(async (unit) => {
      unit.record({
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
