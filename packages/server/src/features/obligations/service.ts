import { randomUUID } from 'node:crypto';
import type { Assessment, GuardedAction, GuardResult, ObligationView, OpenGuard, OversightItem, QueuedObligation } from '@haven/core';
import type { Platform } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { ObligationTable } from '../../platform/db/schema.js';
import { conflict, forbidden, HttpProblem, notFound, problem, staleVersion, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import { assertNotFuture } from '../assistance/service.js';
import { isDetained, lockCase, openDetention } from '../cases/service.js';
import { accessChangesForOversight } from '../identity/access-changes.js';
import { staffNames } from '../identity/names.js';
import { namesOfCasePersons } from '../persons/service.js';
import { clearGuard, guardBlockingCodes, guardsFor, withGuard } from './guards.js';
import { noFactsProblem } from './refresh.js';
import { escalationCutoffs } from './escalation.js';
import { escalatedObligations, findObligation, insertCaseAction, openAgencyObligations, personObligationRows, queueRows, waiversAndOverrides, type QueueFilter } from './store.js';

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
export async function personObligations(store: ScopedStore, personId: string): Promise<ObligationView[]> {
  const { platform } = store;
  return store.unit(async (unit) => {
    const { views } = await unit.read(
      { personId, recordType: 'person', recordId: personId, action: 'obligation.read' },
      async (groups) => {
        if (!groups.has('protection')) throw forbidden('Obligations are not among the fields shared with you.');
        const rows = await personObligationRows(unit, personId);
        const ownCase = await unit.worksOnCase(personId);
        const now = platform.clock();
        return { ownCase, views: rows.map((r) => obligationView(platform, r, now, ownCase)).sort(byDue) };
      },
      ({ ownCase }) => (ownCase ? ['obligations', 'waiverReasons'] : ['obligations']),
    );
    return views;
  });
}

function byDue(a: { dueBy: string | null }, b: { dueBy: string | null }): number {
  if (a.dueBy === b.dueBy) return 0;
  if (a.dueBy === null) return 1;
  if (b.dueBy === null) return -1;
  return a.dueBy < b.dueBy ? -1 : 1;
}

/**
 * The refusal to waive a standing obligation, said to the person who asked: what the protection
 * requires (the profile's summary) and why it is not waived. The obligation's id and code stay in
 * the machine-readable part (`errors`, `obligationCode`).
 */
function standingProtection(platform: Platform, code: string): HttpProblem {
  const summary = platform.profile.obligations.find((entry) => entry.definition.code === code)?.definition.summary;
  return problem('standing-protection', `${summary ? `${summary} ` : ''}This is a standing protection: it holds for as long as its facts do, and nobody can waive it.`, {
    errors: [{ field: 'obligationId', message: 'a standing protection cannot be waived' }],
    extra: { obligationCode: code },
  });
}

/** A supervisor waives an open obligation with a written reason; audited and queued for oversight. */
export async function waiveObligation(store: ScopedStore, obligationId: string, version: number, reason: string): Promise<ObligationView> {
  const { platform } = store;
  const now = platform.clock();
  return store.unit(async (unit) => {
    const row = await findObligation(unit, obligationId);
    if (!row) throw notFound('obligation');
    await unit.caseGroups(row.person_id, 'obligation');
    if (row.version !== version) throw staleVersion('obligation', row.version);
    if (row.status !== 'open') throw conflict('obligation-not-open', `The obligation is ${row.status}; only an open one can be waived.`);
    if (row.due_by === null) throw standingProtection(platform, row.code);
    // Every change of an obligation bumps its version: a concurrent waiver or fulfilment wins the row, and this waiver does not happen.
    await unit.updateVersioned({
      table: 'obligations',
      id: obligationId,
      version,
      set: {
        status: 'waived',
        waived_by: unit.actor.userId,
        waiver_reason_enc: platform.cipher.encrypt(reason, placeOf('obligations', 'waiver_reason_enc', obligationId)),
        waived_at: now.toISOString(),
      },
      recordType: 'obligation',
      at: now.toISOString(),
    });
    unit.statsChanged([row.person_id]);
    unit.record({ action: 'obligation.waived', recordType: 'obligation', recordId: obligationId, fields: ['status', 'reason'] });
    return obligationView(platform, (await findObligation(unit, obligationId))!, now);
  });
}

/** The engine's full assessment of the person's current facts: flags, obligations, referrals needed, guards. */
export async function personAssessment(store: ScopedStore, personId: string): Promise<Assessment> {
  return store.unit((unit) =>
    unit.read(
      { personId, recordType: 'person', recordId: personId, action: 'obligation.read' },
      async (groups) => {
        if (!groups.has('protection')) throw forbidden('The assessment is not among the fields shared with you.');
        const result = (await unit.refreshNow([personId])).get(personId);
        if (!result) throw await noFactsProblem(unit, personId);
        return result.assessment;
      },
      () => ['assessment'],
    ),
  );
}

export async function personGuards(store: ScopedStore, personId: string): Promise<Record<GuardedAction, GuardResult>> {
  return store.unit((unit) =>
    unit.read(
      { personId, recordType: 'person', recordId: personId, action: 'obligation.read' },
      async (groups) => {
        if (!groups.has('protection')) throw forbidden('Guards are not among the fields shared with you.');
        return guardsFor(unit, personId);
      },
      () => ['guards'],
    ),
  );
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
  store: ScopedStore,
  personId: string,
  action: GuardedAction,
  request: ActionRequest,
): Promise<{ id: string; action: GuardedAction; overridden: boolean; blockedBy: string[] }> {
  const { platform } = store;
  if (action === 'detain' && !request.detention) throw unprocessable('detention', 'required to detain: place, since, legal basis');
  if (action === 'detain' && request.detention) assertNotFuture(platform, 'detention.since', request.detention.since);
  if (action !== 'detain' && request.lastResort) throw unprocessable('lastResort', 'only the detention of a child is overridden as a measure of last resort');
  assertShortestTime(platform, request);
  return withGuard(store, personId, action, async (unit) => {
    await unit.caseGroups(personId);
    if (action === 'detain') {
      // As when recording a detention: one open detention at a time.
      await lockCase(unit, personId);
      if (await isDetained(unit, personId)) throw unprocessable('detention', 'the person is already detained; end that detention first');
    }
    const clearance = await clearGuard(unit, personId, action, { reason: request.overrideReason, lastResort: request.lastResort });
    const id = randomUUID();
    const at = platform.clock().toISOString();
    await insertCaseAction(unit, {
      id,
      person_id: personId,
      action,
      override_id: clearance.overrideId,
      details_enc: platform.cipher.encryptNullable(request.details, placeOf('case_actions', 'details_enc', id)),
      performed_by: unit.actor.userId,
      created_at: at,
    });
    unit.record({ action: 'case_action.performed', recordType: 'case_action', recordId: id, fields: ['action', ...(request.details ? ['details'] : [])] });
    if (action === 'detain' && request.detention) await openDetention(unit, personId, request.detention, at);
    return { id, action, overridden: clearance.overrideId !== null, blockedBy: clearance.blockedBy };
  });
}

export type QueueWindow = 'overdue' | 'due24h';

async function queue(store: ScopedStore, filterOf: (actor: { userId: string; agencyId: string }, now: Date) => QueueFilter, limit: number): Promise<QueuedObligation[]> {
  const { platform } = store;
  const now = platform.clock();
  return store.unit(async (unit) => {
    const rows = await queueRows(unit, filterOf(unit.actor, now), limit);
    const names = await namesOfCasePersons(unit, rows.map((r) => r.person_id));
    return rows.map((r) => ({ ...obligationView(platform, r, now), personName: names.get(r.person_id) ?? null }));
  });
}

export async function myObligations(store: ScopedStore, limit: number): Promise<QueuedObligation[]> {
  return queue(store, (actor) => ({ officerId: actor.userId }), limit);
}

export async function agencyObligations(store: ScopedStore, window: QueueWindow, limit: number): Promise<QueuedObligation[]> {
  return queue(
    store,
    (actor, now) =>
      window === 'overdue'
        ? { agencyId: actor.agencyId, dueBefore: now.toISOString() }
        : { agencyId: actor.agencyId, dueFrom: now.toISOString(), dueBefore: new Date(now.getTime() + 86_400_000).toISOString() },
    limit,
  );
}

/** Cases of the caller's agency where a guarded action is held back, with the obligations holding it (the profile's blockers). */
export async function casesWithOpenGuards(store: ScopedStore, limit: number): Promise<OpenGuard[]> {
  const codes = guardBlockingCodes(store.platform.profile);
  return store.unit(async (unit) => {
    const rows = await openAgencyObligations(unit, codes);
    const byPerson = new Map<string, string[]>();
    for (const r of rows) byPerson.set(r.person_id, [...(byPerson.get(r.person_id) ?? []), r.code]);
    const listed = [...byPerson.entries()].slice(0, limit);
    const names = await namesOfCasePersons(unit, listed.map(([personId]) => personId));
    return listed.map(([personId, blockingObligations]) => ({ personId, personName: names.get(personId) ?? null, blockingObligations: blockingObligations.sort() }));
  });
}

/**
 * The oversight queue: every waiver and guard override, and every obligation left overdue beyond
 * the profile's escalation limit, latest first. The oversight body sees every agency's, and every
 * change of staff access that needed a second administrator; a supervisor sees their own
 * agency's waivers, overrides and escalations.
 */
export async function oversightQueue(store: ScopedStore, limit: number): Promise<OversightItem[]> {
  const { platform } = store;
  return store.unit(async (unit) => {
    const scoped = unit.actor.role !== 'oversight';
    const { waivers, overrides } = await waiversAndOverrides(unit, scoped ? unit.actor.agencyId : undefined, limit);
    // Changes of staff access to personal data are the oversight body's, not an agency's supervisor's.
    const accessChanges = scoped ? [] : await accessChangesForOversight(unit.db, platform.cipher, limit);
    const now = platform.clock();
    const escalations = [];
    for (const cutoff of escalationCutoffs(platform.profile, now)) {
      for (const row of await escalatedObligations(unit, scoped ? unit.actor.agencyId : undefined, cutoff.codes, cutoff.dueBefore, limit)) {
        escalations.push({
          kind: 'escalation' as const,
          id: row.id,
          agencyId: row.agency_id,
          agencyName: row.agency_name,
          subject: row.code,
          dueBy: row.due_by,
          at: new Date(Date.parse(row.due_by) + cutoff.limitMs).toISOString(),
          overdueMinutes: Math.floor((now.getTime() - Date.parse(row.due_by)) / 60_000),
        });
      }
    }
    const names = await staffNames(unit.db, { users: [...waivers.map((w) => w.waived_by), ...overrides.map((o) => o.overridden_by)], agencies: [...waivers, ...overrides].map((d) => d.agency_id) });
    const items: OversightItem[] = [
      ...escalations,
      ...accessChanges.map(({ at, change }) => ({ kind: 'access_change' as const, id: change.id, at, change })),
      ...waivers.map((w) => ({
        kind: 'waiver' as const,
        id: w.id,
        personId: w.person_id,
        agencyId: w.agency_id,
        subject: w.code,
        obligationCode: w.code,
        reason: platform.cipher.decrypt(w.waiver_reason_enc!, placeOf('obligations', 'waiver_reason_enc', w.id)),
        by: w.waived_by!,
        byName: names.user(w.waived_by),
        agencyName: names.agency(w.agency_id),
        at: w.waived_at!,
      })),
      ...overrides.map((o) => ({
        kind: 'override' as const,
        id: o.id,
        personId: o.person_id,
        agencyId: o.agency_id,
        subject: `${o.action} (blocked by ${(JSON.parse(o.blocked_by) as string[]).join(', ')})${o.planned_end ? `, as a last resort until ${o.planned_end}` : ''}`,
        reason: platform.cipher.decrypt(o.reason_enc, placeOf('guard_overrides', 'reason_enc', o.id)),
        by: o.overridden_by,
        byName: names.user(o.overridden_by),
        agencyName: names.agency(o.agency_id),
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
    unit.record({ action: 'oversight.read', recordType: 'oversight_queue', recordId: null, fields: ['reason', 'lastResort'] });
    return items;
  });
}

export { moveObligations, restoreObligations, setObligationsAside } from './store.js';
export { eraseCaseActionsOf, eraseGuardOverridesOf, eraseObligationsOf, moveActionRecords, returnActionRecords } from './store.js';
