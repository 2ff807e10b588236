import { randomUUID } from 'node:crypto';
import type { AsylumClaimState, CaseStage, CaseView, ConsularChoice, DetentionView, GuardedAction } from '@haven/core';
import { assertWorksOnCase, visibleGroupsOrThrow } from '../../platform/access/scope.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { Tx } from '../../platform/db/database.js';
import type { CaseTable } from '../../platform/db/schema.js';
import { forbidden, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import { assertNotFuture, recordAssistance } from '../assistance/service.js';
import { clearGuard, withGuard } from '../obligations/guards.js';
import { refreshObligations } from '../obligations/refresh.js';
import { actorOf } from '../../platform/access/actor.js';

/**
 * Locks the person's case row until the transaction ends (PostgreSQL; SQLite admits one writer at
 * a time): writes that check the case file before changing it (one open detention, the next
 * screening version) then take their turn per person instead of both passing the check.
 */
export async function lockCase(platform: Platform, trx: Tx, personId: string): Promise<void> {
  if (platform.database.dialect === 'postgres') await trx.selectFrom('cases').select('id').where('person_id', '=', personId).forUpdate().execute();
}

export type { CaseView } from '@haven/core';

function caseView(platform: Platform, row: CaseTable, withProtection: boolean): CaseView {
  return {
    id: row.id,
    personId: row.person_id,
    agencyId: row.agency_id,
    officerId: row.officer_id,
    // Written only through caseChangeSchema and the features' own stage moves, all of them CASE_STAGES.
    stage: row.stage as CaseStage,
    stageReason: withProtection ? platform.cipher.decryptNullable(row.stage_reason_enc, placeOf('cases', 'stage_reason_enc', row.id)) : null,
    riskLevel: row.risk_level,
    consular: row.consular_choice,
    asylumClaim: row.asylum_claim,
    bestInterestsDetermined: row.best_interests_determined === 1,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

export async function readCase(platform: Platform, ctx: RequestContext, personId: string): Promise<CaseView> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const groups = await visibleGroupsOrThrow(trx, actor, personId);
    if (!groups.has('protection')) throw forbidden('The case is not among the fields shared with you.');
    const row = await trx.selectFrom('cases').selectAll().where('person_id', '=', personId).executeTakeFirst();
    if (!row) throw notFound('case');
    record({ action: 'case.read', recordType: 'case', recordId: row.id, fields: ['stage', 'facts'] });
    return caseView(platform, row, true);
  });
}

export interface CaseChange {
  version: number;
  stage?: CaseStage | undefined;
  reason?: string | undefined;
  officerId?: string | null | undefined;
  riskLevel?: 'low' | 'medium' | 'high' | null | undefined;
  consular?: ConsularChoice | undefined;
  asylumClaim?: AsylumClaimState | undefined;
  bestInterestsDetermined?: boolean | undefined;
}

const STAGE_ORDER: readonly string[] = ['registered', 'screened', 'assisted', 'referred', 'closed'];

/** Moves a case on, closes or reopens it (with a reason), assigns it, or records facts the engine reads. */
export async function changeCase(platform: Platform, ctx: RequestContext, caseId: string, change: CaseChange): Promise<CaseView> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const row = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
    if (!row) throw notFound('case');
    await assertWorksOnCase(trx, actor, row.person_id, 'case');
    if (row.version !== change.version) throw staleVersion('case', row.version);
    const set: Partial<CaseTable> = { version: row.version + 1, updated_at: at };
    if (change.stage !== undefined && change.stage !== row.stage) {
      const reopening = row.stage === 'closed';
      const closing = change.stage === 'closed';
      if ((reopening || closing) && !change.reason) throw unprocessable('reason', reopening ? 'required to reopen a case' : 'required to close a case');
      if (!reopening && STAGE_ORDER.indexOf(change.stage) < STAGE_ORDER.indexOf(row.stage)) {
        throw unprocessable('stage', `a case moves forward (${row.stage} → ${change.stage} is backwards); close and reopen it with a reason instead`);
      }
      set.stage = change.stage;
      set.stage_reason_enc = change.reason ? platform.cipher.encrypt(change.reason, placeOf('cases', 'stage_reason_enc', row.id)) : null;
    }
    if (change.officerId !== undefined) {
      if (change.officerId !== null) {
        const officer = await trx.selectFrom('users').select(['agency_id', 'disabled']).where('id', '=', change.officerId).executeTakeFirst();
        if (!officer || officer.agency_id !== row.agency_id || officer.disabled) throw unprocessable('officerId', 'must be an active user of the agency working on the case');
      }
      set.officer_id = change.officerId;
    }
    if (change.riskLevel !== undefined) set.risk_level = change.riskLevel;
    if (change.consular !== undefined) set.consular_choice = change.consular;
    if (change.asylumClaim !== undefined) set.asylum_claim = change.asylumClaim;
    if (change.bestInterestsDetermined !== undefined) set.best_interests_determined = change.bestInterestsDetermined ? 1 : 0;
    const result = await trx.updateTable('cases').set(set).where('id', '=', caseId).where('version', '=', change.version).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw staleVersion('case', change.version + 1);
    const fields = Object.entries(change).filter(([k, v]) => k !== 'version' && v !== undefined).map(([k]) => k);
    record({ action: 'case.update', recordType: 'case', recordId: caseId, fields });
    await refreshObligations(platform, trx, [row.person_id]);
    return caseView(platform, (await trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow())!, true);
  });
}

export type { DetentionView } from '@haven/core';

/** Records a detention that happened (a fact: it starts the consular-rights clock and, for a child, the release clock). */
export async function recordDetention(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
  input: { place: string; since: string; until?: string | undefined; legalBasis: string },
): Promise<DetentionView> {
  const actor = actorOf(ctx);
  assertNotFuture(platform, 'since', input.since);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    await lockCase(platform, trx, personId);
    const open = await trx.selectFrom('detentions').select('id').where('person_id', '=', personId).where('until', 'is', null).executeTakeFirst();
    if (open && input.until === undefined) throw unprocessable('since', 'the person is already detained; end that detention first');
    const id = randomUUID();
    const at = platform.clock().toISOString();
    const row = {
      id,
      person_id: personId,
      place: input.place,
      since: new Date(input.since).toISOString(),
      until: input.until ? new Date(input.until).toISOString() : null,
      legal_basis: input.legalBasis,
      recorded_by: actor.userId,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    await trx.insertInto('detentions').values(row).execute();
    record({ action: 'detention.create', recordType: 'detention', recordId: id, fields: Object.keys(input) });
    await refreshObligations(platform, trx, [personId]);
    return { id, place: row.place, since: row.since, until: row.until, legalBasis: row.legal_basis, version: 1 };
  });
}

export async function endDetention(platform: Platform, ctx: RequestContext, personId: string, detentionId: string, version: number, until: string): Promise<DetentionView> {
  const actor = actorOf(ctx);
  assertNotFuture(platform, 'until', until);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    const row = await trx.selectFrom('detentions').selectAll().where('id', '=', detentionId).where('person_id', '=', personId).executeTakeFirst();
    if (!row) throw notFound('detention');
    if (row.version !== version) throw staleVersion('detention', row.version);
    const end = new Date(until).toISOString();
    if (end < row.since) throw unprocessable('until', `must not be before the detention started (${row.since})`);
    await trx.updateTable('detentions').set({ until: end, version: version + 1, updated_at: platform.clock().toISOString() }).where('id', '=', detentionId).execute();
    record({ action: 'detention.update', recordType: 'detention', recordId: detentionId, fields: ['until'] });
    await refreshObligations(platform, trx, [personId]);
    return { id: row.id, place: row.place, since: row.since, until: end, legalBasis: row.legal_basis, version: version + 1 };
  });
}

/** Consular rights explained (VCCR 36(1)(b)): the assistance that fulfils consular.inform_rights, and the person's choice. */
export async function recordConsularRights(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
  input: { informedAt: string; language: string; choice: 'requested' | 'declined' },
): Promise<{ consular: string }> {
  const actor = actorOf(ctx);
  assertNotFuture(platform, 'informedAt', input.informedAt);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    // The choice is a fact of the case: a new version, so an edit based on the old one is refused.
    await trx
      .updateTable('cases')
      .set((eb) => ({ consular_choice: input.choice, version: eb('version', '+', 1), updated_at: platform.clock().toISOString() }))
      .where('person_id', '=', personId)
      .execute();
    record({ action: 'consular.rights_informed', recordType: 'person', recordId: personId, fields: ['informedAt', 'language', 'choice'] });
    await recordAssistance(platform, trx, record, actor, [personId], { type: 'consular_rights_information', givenAt: input.informedAt, language: input.language });
    return { consular: input.choice };
  });
}

/** Notifying the consular post shares data with the State of nationality: the share_with_origin_state guard applies. */
export async function recordConsularNotification(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
  input: { post: string; sentAt: string; channel: string; overrideReason?: string | undefined },
): Promise<{ id: string; overridden: boolean }> {
  const actor = actorOf(ctx);
  assertNotFuture(platform, 'sentAt', input.sentAt);
  const action: GuardedAction = 'share_with_origin_state';
  return withGuard(platform, ctx, personId, action, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    const clearance = await clearGuard(platform, trx, record, actor, personId, action, { reason: input.overrideReason });
    const id = randomUUID();
    await trx
      .insertInto('consular_notifications')
      .values({ id, person_id: personId, post: input.post, sent_at: new Date(input.sentAt).toISOString(), channel: input.channel, recorded_by: actor.userId, created_at: platform.clock().toISOString() })
      .execute();
    record({ action: 'consular.notification_sent', recordType: 'consular_notification', recordId: id, fields: ['post', 'sentAt', 'channel'] });
    await refreshObligations(platform, trx, [personId]);
    return { id, overridden: clearance.overrideId !== null };
  });
}
