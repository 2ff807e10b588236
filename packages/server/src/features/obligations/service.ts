import { randomUUID } from 'node:crypto';
import type { Assessment, GuardedAction, GuardResult, ObligationView, OversightItem } from '@haven/core';
import { visibleGroupsOrThrow, assertWorksOnCase, worksOnCase } from '../../platform/access/scope.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Actor, Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { Queryable } from '../../platform/db/database.js';
import type { ObligationTable } from '../../platform/db/schema.js';
import { conflict, forbidden, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import { assertNotFuture } from '../assistance/service.js';
import { lockCase } from '../cases/service.js';
import { accessChangesForOversight } from '../identity/access-changes.js';
import { actorOf } from '../../platform/access/actor.js';
import { clearGuard, guardsFor, withGuard } from './guards.js';
import { restatePersonStats } from '../stats/rollup.js';
import { noFactsProblem, refreshObligations } from './refresh.js';

export type { ObligationView } from '@haven/core';

/** `withReasons`: the waiver's written reason, for the agency working on the case only (not a referral's recipient). */
export function obligationView(platform: Platform, row: ObligationTable, now: Date, withReasons = true): ObligationView {
  const overdue = row.status === 'open' && row.due_by !== null && Date.parse(row.due_by) < now.getTime();
  return {
    id: row.id,
    personId: row.person_id,
    code: row.code,
    status: overdue ? 'overdue' : (row.status as ObligationView['status']),
    basis: JSON.parse(row.basis) as string[],
    dueBy: row.due_by,
    fulfilledBy: JSON.parse(row.fulfilled_by) as unknown,
    fulfilment: row.fulfilment_type ? { type: row.fulfilment_type, id: row.fulfilment_id, at: row.fulfilled_at! } : null,
    waiver:
      row.status === 'waived'
        ? {
            by: row.waived_by!,
            reason: withReasons ? platform.cipher.decrypt(row.waiver_reason_enc!, placeOf('obligations', 'waiver_reason_enc', row.id)) : '(withheld)',
            at: row.waived_at!,
          }
        : null,
    version: row.version,
  };
}

/** Obligations of a person, by dueBy. They reveal what was observed, so they need the protection group. */
export async function personObligations(platform: Platform, ctx: RequestContext, personId: string): Promise<ObligationView[]> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const groups = await visibleGroupsOrThrow(trx, actor, personId);
    if (!groups.has('protection')) throw forbidden('Obligations are not among the fields shared with you.');
    const rows = await trx.selectFrom('obligations').selectAll().where('person_id', '=', personId).execute();
    const ownCase = await worksOnCase(trx, actor, personId);
    record({ action: 'obligation.read', recordType: 'person', recordId: personId, fields: ownCase ? ['obligations', 'waiverReasons'] : ['obligations'] });
    const now = platform.clock();
    return rows.map((r) => obligationView(platform, r, now, ownCase)).sort(byDue);
  });
}

function byDue(a: { dueBy: string | null }, b: { dueBy: string | null }): number {
  if (a.dueBy === b.dueBy) return 0;
  if (a.dueBy === null) return 1;
  if (b.dueBy === null) return -1;
  return a.dueBy < b.dueBy ? -1 : 1;
}

/** A supervisor waives an open obligation with a written reason; audited and queued for oversight. */
export async function waiveObligation(platform: Platform, ctx: RequestContext, obligationId: string, version: number, reason: string): Promise<ObligationView> {
  const actor = actorOf(ctx);
  const now = platform.clock();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const row = await trx.selectFrom('obligations').selectAll().where('id', '=', obligationId).executeTakeFirst();
    if (!row) throw notFound('obligation');
    await assertWorksOnCase(trx, actor, row.person_id, 'obligation');
    if (row.version !== version) throw staleVersion('obligation', row.version);
    if (row.status !== 'open') throw conflict('obligation-not-open', `The obligation is ${row.status}; only an open one can be waived.`);
    if (row.due_by === null) throw unprocessable('obligationId', 'a standing obligation (non-refoulement, confidentiality, non-criminalisation) cannot be waived');
    const result = await trx
      .updateTable('obligations')
      .set({
        status: 'waived',
        waived_by: actor.userId,
        waiver_reason_enc: platform.cipher.encrypt(reason, placeOf('obligations', 'waiver_reason_enc', obligationId)),
        waived_at: now.toISOString(),
        version: version + 1,
        updated_at: now.toISOString(),
      })
      .where('id', '=', obligationId)
      .where('version', '=', version)
      .where('status', '=', 'open')
      .executeTakeFirst();
    // A concurrent change (another waiver, a fulfilment) won the row: this waiver did not happen.
    if (Number(result.numUpdatedRows) !== 1) throw staleVersion('obligation', version + 1);
    await restatePersonStats(trx, [row.person_id]);
    record({ action: 'obligation.waived', recordType: 'obligation', recordId: obligationId, fields: ['status', 'reason'] });
    return obligationView(platform, (await trx.selectFrom('obligations').selectAll().where('id', '=', obligationId).executeTakeFirstOrThrow())!, now);
  });
}

/** The engine's full assessment of the person's current facts: flags, obligations, referrals needed, guards. */
export async function personAssessment(platform: Platform, ctx: RequestContext, personId: string): Promise<Assessment> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const groups = await visibleGroupsOrThrow(trx, actor, personId);
    if (!groups.has('protection')) throw forbidden('The assessment is not among the fields shared with you.');
    const result = (await refreshObligations(platform, trx, [personId])).get(personId);
    if (!result) throw await noFactsProblem(trx, personId);
    record({ action: 'obligation.read', recordType: 'person', recordId: personId, fields: ['assessment'] });
    return result.assessment;
  });
}

export async function personGuards(platform: Platform, ctx: RequestContext, personId: string): Promise<Record<GuardedAction, GuardResult>> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const groups = await visibleGroupsOrThrow(trx, actor, personId);
    if (!groups.has('protection')) throw forbidden('Guards are not among the fields shared with you.');
    record({ action: 'obligation.read', recordType: 'person', recordId: personId, fields: ['guards'] });
    return guardsFor(platform, trx, personId);
  });
}

export interface ActionRequest {
  details?: string | undefined;
  overrideReason?: string | undefined;
  detention?: { place: string; since: string; legalBasis: string } | undefined;
  lastResort?: { alternativesConsidered: string; plannedEnd: string } | undefined;
}

/**
 * A last-resort detention is for the shortest appropriate time (CRC 37(b)): it is planned to end
 * after it starts and after now, and no later than children.no_detention's deadline under the
 * profile, which the override does not stop.
 */
function assertShortestTime(platform: Platform, request: ActionRequest): void {
  const { lastResort, detention } = request;
  if (!lastResort || !detention) return;
  const field = 'lastResort.plannedEnd';
  const end = Date.parse(lastResort.plannedEnd);
  const since = Date.parse(detention.since);
  if (end <= since) throw unprocessable(field, 'the planned end must come after the start of the detention');
  if (end <= platform.clock().getTime()) throw unprocessable(field, 'the planned end must be in the future');
  const deadline = platform.profile.obligations.find((entry) => entry.definition.code === 'children.no_detention')?.deadlineMs;
  if (deadline != null && end > since + deadline) {
    const latest = new Date(since + deadline).toISOString();
    throw unprocessable(field, `a child's detention ends within the deadline of children.no_detention: plan its end no later than ${latest}`);
  }
}

/**
 * A guarded action on a case: return, sharing with the State of origin, detention, a charge for
 * having been smuggled. Done only when the engine allows it or a supervisor overrides in writing.
 */
export async function performAction(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
  action: GuardedAction,
  request: ActionRequest,
): Promise<{ id: string; action: GuardedAction; overridden: boolean; blockedBy: string[] }> {
  const actor = actorOf(ctx);
  if (action === 'detain' && !request.detention) throw unprocessable('detention', 'required to detain: place, since, legal basis');
  if (action === 'detain' && request.detention) assertNotFuture(platform, 'detention.since', request.detention.since);
  if (action !== 'detain' && request.lastResort) throw unprocessable('lastResort', 'only the detention of a child is overridden as a measure of last resort');
  assertShortestTime(platform, request);
  return withGuard(platform, ctx, personId, action, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    if (action === 'detain') {
      // As when recording a detention: one open detention at a time.
      await lockCase(platform, trx, personId);
      const open = await trx.selectFrom('detentions').select('id').where('person_id', '=', personId).where('until', 'is', null).executeTakeFirst();
      if (open) throw unprocessable('detention', 'the person is already detained; end that detention first');
    }
    const clearance = await clearGuard(platform, trx, record, actor, personId, action, { reason: request.overrideReason, lastResort: request.lastResort });
    const id = randomUUID();
    const at = platform.clock().toISOString();
    await trx
      .insertInto('case_actions')
      .values({
        id,
        person_id: personId,
        action,
        override_id: clearance.overrideId,
        details_enc: platform.cipher.encryptNullable(request.details, placeOf('case_actions', 'details_enc', id)),
        performed_by: actor.userId,
        created_at: at,
      })
      .execute();
    record({ action: 'case_action.performed', recordType: 'case_action', recordId: id, fields: ['action', ...(request.details ? ['details'] : [])] });
    if (action === 'detain' && request.detention) {
      const detentionId = randomUUID();
      await trx
        .insertInto('detentions')
        .values({
          id: detentionId,
          person_id: personId,
          place: request.detention.place,
          since: new Date(request.detention.since).toISOString(),
          until: null,
          legal_basis: request.detention.legalBasis,
          recorded_by: actor.userId,
          version: 1,
          created_at: at,
          updated_at: at,
        })
        .execute();
      record({ action: 'detention.create', recordType: 'detention', recordId: detentionId, fields: ['place', 'since', 'legalBasis'] });
      await refreshObligations(platform, trx, [personId]);
    }
    return { id, action, overridden: clearance.overrideId !== null, blockedBy: clearance.blockedBy };
  });
}

export type QueueWindow = 'overdue' | 'due24h';

async function queue(platform: Platform, q: Queryable, filter: { officerId?: string; agencyId?: string; window?: QueueWindow }, limit: number): Promise<ObligationView[]> {
  const now = platform.clock();
  let query = q.selectFrom('obligations').innerJoin('cases', 'cases.person_id', 'obligations.person_id').selectAll('obligations').where('obligations.status', '=', 'open').where('obligations.due_by', 'is not', null);
  if (filter.officerId) query = query.where('cases.officer_id', '=', filter.officerId);
  if (filter.agencyId) query = query.where('obligations.agency_id', '=', filter.agencyId);
  if (filter.window === 'overdue') query = query.where('obligations.due_by', '<', now.toISOString());
  if (filter.window === 'due24h') {
    query = query.where('obligations.due_by', '>=', now.toISOString()).where('obligations.due_by', '<', new Date(now.getTime() + 86_400_000).toISOString());
  }
  const rows = await query.orderBy('obligations.due_by').limit(limit).execute();
  return rows.map((r) => obligationView(platform, r, now));
}

export async function myObligations(platform: Platform, ctx: RequestContext, limit: number): Promise<ObligationView[]> {
  const actor = actorOf(ctx);
  return queue(platform, platform.database.db, { officerId: actor.userId }, limit);
}

export async function agencyObligations(platform: Platform, ctx: RequestContext, window: QueueWindow, limit: number): Promise<ObligationView[]> {
  const actor = actorOf(ctx);
  return queue(platform, platform.database.db, { agencyId: actor.agencyId, window }, limit);
}

/** Obligations that block a guarded action (cases where return, sharing or detention is refused). */
export const GUARD_BLOCKING_CODES = ['protection.non_refoulement', 'protection.confidentiality', 'children.best_interests', 'trafficking.referral', 'children.no_detention'];

export async function casesWithOpenGuards(platform: Platform, ctx: RequestContext, limit: number): Promise<{ personId: string; blockingObligations: string[] }[]> {
  const actor = actorOf(ctx);
  const rows = await platform.database.db
    .selectFrom('obligations')
    .select(['person_id', 'code'])
    .where('agency_id', '=', actor.agencyId)
    .where('status', '=', 'open')
    .where('code', 'in', GUARD_BLOCKING_CODES)
    .orderBy('person_id')
    .execute();
  const byPerson = new Map<string, string[]>();
  for (const r of rows) byPerson.set(r.person_id, [...(byPerson.get(r.person_id) ?? []), r.code]);
  return [...byPerson.entries()].slice(0, limit).map(([personId, blockingObligations]) => ({ personId, blockingObligations: blockingObligations.sort() }));
}


/**
 * The oversight queue: every waiver and guard override, latest first. The oversight body sees
 * every agency's, and every change of staff access that needed a second administrator; a
 * supervisor sees their own agency's waivers and overrides.
 */
export async function oversightQueue(platform: Platform, ctx: RequestContext, limit: number): Promise<OversightItem[]> {
  const actor: Actor = actorOf(ctx);
  const scoped = actor.role !== 'oversight';
  return withAudit(platform, ctx.audit, async (trx, record) => {
    let waivers = trx.selectFrom('obligations').selectAll().where('status', '=', 'waived');
    let overrides = trx.selectFrom('guard_overrides').selectAll();
    if (scoped) {
      waivers = waivers.where('agency_id', '=', actor.agencyId);
      overrides = overrides.where('agency_id', '=', actor.agencyId);
    }
    // Changes of staff access to personal data are the oversight body's, not an agency's supervisor's.
    const accessChanges = scoped ? [] : await accessChangesForOversight(trx, platform.cipher, limit);
    const items: OversightItem[] = [
      ...accessChanges.map(({ at, change }) => ({ kind: 'access_change' as const, id: change.id, at, change })),
      ...(await waivers.orderBy('waived_at', 'desc').limit(limit).execute()).map((w) => ({
        kind: 'waiver' as const,
        id: w.id,
        personId: w.person_id,
        agencyId: w.agency_id,
        subject: w.code,
        reason: platform.cipher.decrypt(w.waiver_reason_enc!, placeOf('obligations', 'waiver_reason_enc', w.id)),
        by: w.waived_by!,
        at: w.waived_at!,
      })),
      ...(await overrides.orderBy('created_at', 'desc').limit(limit).execute()).map((o) => ({
        kind: 'override' as const,
        id: o.id,
        personId: o.person_id,
        agencyId: o.agency_id,
        subject: `${o.action} (blocked by ${(JSON.parse(o.blocked_by) as string[]).join(', ')})${o.planned_end ? `, as a last resort until ${o.planned_end}` : ''}`,
        reason: platform.cipher.decrypt(o.reason_enc, placeOf('guard_overrides', 'reason_enc', o.id)),
        by: o.overridden_by,
        at: o.created_at,
        ...(o.planned_end
          ? {
              lastResort: {
                alternativesConsidered: o.last_resort_enc === null ? null : platform.cipher.decrypt(o.last_resort_enc, placeOf('guard_overrides', 'last_resort_enc', o.id)),
                plannedEnd: o.planned_end,
              },
            }
          : {}),
      })),
    ]
      .sort((a, b) => (a.at < b.at ? 1 : -1))
      .slice(0, limit);
    record({ action: 'oversight.read', recordType: 'oversight_queue', recordId: null, fields: ['reason', 'lastResort'] });
    return items;
  });
}
