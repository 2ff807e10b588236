import { randomUUID } from 'node:crypto';
import type { AsylumClaimState, CaseHistoryEntry, CaseStage, CaseView, ConsularChoice, ConsularRecord, DetentionView, GuardedAction } from '@haven/core';
import type { Platform } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { CaseTable } from '../../platform/db/schema.js';
import { forbidden, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { assertNotFuture, consularRightsExplained, recordAssistance } from '../assistance/service.js';
import { caseTakenUp, handoverHistory } from '../handover/service.js';
import { clearGuard, withGuard } from '../obligations/guards.js';
import {
  ASSIGNABLE_ROLES,
  caseHistorySources,
  consularNotificationsOf,
  detentionsOf,
  findCase,
  findCaseOfPerson,
  namesById,
  findDetention,
  insertConsularNotification,
  insertDetention,
  lockCaseRow,
  officerOf,
  openDetentionOf,
  setCaseStageFrom,
  setConsularChoice,
} from './store.js';

/**
 * Locks the person's case row until the transaction ends (PostgreSQL; SQLite admits one writer at
 * a time): writes that check the case file before changing it (one open detention, the next
 * screening version) then take their turn per person instead of both passing the check.
 */
export function lockCase(unit: Pick<StoreUnit, 'platform' | 'db'>, personId: string): Promise<void> {
  return lockCaseRow(unit, personId);
}

const STAGE_ORDER: readonly CaseStage[] = ['registered', 'screened', 'assisted', 'referred', 'closed'];

/**
 * Cases own their stage: another feature moves a case on through this. The case moves to `stage`
 * only from an earlier open stage (never back, never out of closed); with `newVersion` the case
 * gets a new version, so an edit based on the one before is refused.
 */
export async function advanceCaseStage(
  unit: StoreUnit,
  personId: string,
  stage: Exclude<CaseStage, 'registered' | 'closed'>,
  at: string,
  { newVersion }: { newVersion: boolean },
): Promise<void> {
  await setCaseStageFrom(unit, personId, stage, STAGE_ORDER.slice(0, STAGE_ORDER.indexOf(stage)), at, newVersion);
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

export async function readCase(store: ScopedStore, personId: string): Promise<CaseView> {
  return store.unit((unit) => readCaseIn(unit, personId));
}

/** The person's case within a unit of work (the read of readCase, for work on several cases in one unit). */
export async function readCaseIn(unit: ScopedUnit, personId: string): Promise<CaseView> {
  const groups = await unit.visibleGroups(personId);
  if (!groups.has('protection')) throw forbidden('The case is not among the fields shared with you.');
  const row = await findCaseOfPerson(unit, personId);
  if (!row) throw notFound('case');
  unit.readDone({ recordType: 'case', recordId: row.id }, ['stage', 'facts']);
  return caseView(unit.platform, row, true);
}

/**
 * The case's history, oldest first, in names: registered by whom, handed over by which rule to
 * which agency (take-up due, first contact's access until), taken up by whom and whether in time,
 * screenings, and each change to the case (the fields it touched).
 */
export async function readCaseHistory(store: ScopedStore, personId: string): Promise<CaseHistoryEntry[]> {
  return store.unit(async (unit) => {
    const groups = await unit.visibleGroups(personId);
    if (!groups.has('protection')) throw forbidden('The case is not among the fields shared with you.');
    const row = await findCaseOfPerson(unit, personId);
    if (!row) throw notFound('case');
    const sources = await caseHistorySources(unit, personId, row.id);
    const handovers = await handoverHistory(unit, personId);
    const names = await namesById(
      unit,
      [...(sources.registered ? [sources.registered.userId] : []), ...sources.screenings.map((s) => s.userId), ...sources.changes.flatMap((c) => (c.userId ? [c.userId] : []))],
      [...(sources.registered ? [sources.registered.agencyId] : []), ...sources.changes.flatMap((c) => (c.agencyId ? [c.agencyId] : []))],
    );
    const name = (id: string | null | undefined) => (id ? (names.get(id) ?? null) : null);
    const entries: CaseHistoryEntry[] = [];
    if (sources.registered) entries.push({ at: sources.registered.at, kind: 'registered', agency: name(sources.registered.agencyId), user: name(sources.registered.userId) });
    for (const handover of handovers) {
      entries.push({
        at: handover.handedOverAt,
        kind: 'handed_over',
        agency: handover.fromAgency,
        user: null,
        toAgency: handover.toAgency,
        rule: handover.rule,
        takeUpBy: handover.takeUpBy,
        accessUntil: handover.accessUntil,
      });
      if (handover.takenUpAt) {
        entries.push({ at: handover.takenUpAt, kind: 'taken_up', agency: handover.toAgency, user: handover.takenUpBy, onTime: handover.takenUpAt <= handover.takeUpBy });
      }
    }
    for (const screening of sources.screenings) entries.push({ at: screening.at, kind: 'screened', agency: null, user: name(screening.userId) });
    for (const change of sources.changes) entries.push({ at: change.at, kind: 'case_changed', agency: name(change.agencyId), user: name(change.userId), fields: change.fields });
    // Stable: what happened at the same instant keeps the order above (registered, then handed over).
    entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    // Named by the person, as the route reaches it (the history carries no case id).
    unit.readDone({ recordType: 'person', recordId: personId, action: 'case.history_read' }, ['history']);
    return entries;
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

/** Moves a case on, closes or reopens it (with a reason), assigns it, or records facts the engine reads. */
export async function changeCase(store: ScopedStore, caseId: string, change: CaseChange): Promise<CaseView> {
  return store.unit((unit) => changeCaseIn(unit, caseId, change));
}

/**
 * One case's change within a unit of work: the one path every change of a case takes (a single
 * edit, or each case of a supervisor's assignment), so each is checked, versioned and audited alike.
 */
export async function changeCaseIn(unit: ScopedUnit, caseId: string, change: CaseChange): Promise<CaseView> {
  const { platform } = unit;
  const at = platform.clock().toISOString();
  const row = await findCase(unit, caseId);
  if (!row) throw notFound('case');
  await unit.caseGroups(row.person_id, 'case');
  if (row.version !== change.version) throw staleVersion('case', row.version);
  const set: Partial<CaseTable> = {};
  if (change.stage !== undefined && change.stage !== row.stage) {
    const reopening = row.stage === 'closed';
    const closing = change.stage === 'closed';
    if ((reopening || closing) && !change.reason) throw unprocessable('reason', reopening ? 'required to reopen a case' : 'required to close a case');
    if (!reopening && STAGE_ORDER.indexOf(change.stage) < STAGE_ORDER.indexOf(row.stage as CaseStage)) {
      throw unprocessable('stage', `a case moves forward (${row.stage} → ${change.stage} is backwards); close and reopen it with a reason instead`);
    }
    set.stage = change.stage;
    set.stage_reason_enc = change.reason ? platform.cipher.encrypt(change.reason, placeOf('cases', 'stage_reason_enc', row.id)) : null;
  }
  if (change.officerId !== undefined) {
    if (change.officerId !== null) {
      const officer = await officerOf(unit, change.officerId);
      // Whoever carries a case must be able to open it: an active officer or supervisor of the agency.
      if (!officer || officer.agency_id !== row.agency_id || officer.disabled || !(ASSIGNABLE_ROLES as readonly string[]).includes(officer.role)) {
        throw unprocessable('officerId', 'must be an active protection officer or supervisor of the agency working on the case');
      }
      // Assigned to an officer of the agency it was handed over to: the handover is taken up.
      await caseTakenUp(unit, row.person_id, row.agency_id, change.officerId, at);
    }
    set.officer_id = change.officerId;
  }
  if (change.riskLevel !== undefined) set.risk_level = change.riskLevel;
  if (change.consular !== undefined) set.consular_choice = change.consular;
  if (change.asylumClaim !== undefined) set.asylum_claim = change.asylumClaim;
  if (change.bestInterestsDetermined !== undefined) set.best_interests_determined = change.bestInterestsDetermined ? 1 : 0;
  await unit.updateVersioned({ table: 'cases', id: caseId, version: change.version, set, recordType: 'case', at });
  const fields = Object.entries(change).filter(([k, v]) => k !== 'version' && v !== undefined).map(([k]) => k);
  unit.record({ action: 'case.update', recordType: 'case', recordId: caseId, fields });
  unit.factsChanged([row.person_id]);
  return caseView(platform, (await findCase(unit, caseId))!, true);
}

export type { DetentionView } from '@haven/core';

/**
 * Detention and consular rights as the case page shows them: the detentions, each time consular
 * rights were explained and each notification sent to the post, the users named; and the profile's
 * mandatory-notification rule, so the page can say whether the person's nationality is on it.
 */
export async function readConsularRecord(store: ScopedStore, personId: string): Promise<ConsularRecord> {
  return store.unit(async (unit) => {
    const groups = await unit.visibleGroups(personId);
    if (!groups.has('protection')) throw forbidden('The detention and consular record is not among the fields shared with you.');
    const detentions = await detentionsOf(unit, personId);
    const rights = await consularRightsExplained(unit, personId);
    const notifications = await consularNotificationsOf(unit, personId);
    const names = await namesById(unit, [...detentions.map((d) => d.recorded_by), ...rights.map((r) => r.userId), ...notifications.map((n) => n.recorded_by)], []);
    const name = (id: string) => names.get(id) ?? null;
    unit.readDone({ recordType: 'person', recordId: personId, action: 'consular.read' }, ['detentions', 'consularRights', 'consularNotifications']);
    const { profile } = store.platform;
    return {
      detentions: detentions.map((row) => ({ id: row.id, place: row.place, since: row.since, until: row.until, legalBasis: row.legal_basis, version: row.version, recordedBy: name(row.recorded_by) })),
      rightsExplained: rights.map((entry) => ({ at: entry.at, language: entry.language, by: name(entry.userId) })),
      notifications: notifications.map((row) => ({ id: row.id, post: row.post, sentAt: row.sent_at, channel: row.channel, by: name(row.recorded_by) })),
      profile: { name: profile.name, mandatoryNotification: [...profile.mandatoryConsularNotification] },
    };
  });
}



/** Records a detention that happened (a fact: it starts the consular-rights clock and, for a child, the release clock). */
export async function recordDetention(
  store: ScopedStore,
  personId: string,
  input: { place: string; since: string; until?: string | undefined; legalBasis: string },
): Promise<DetentionView> {
  const { platform } = store;
  assertNotFuture(platform, 'since', input.since);
  return store.unit(async (unit) => {
    // First-responder work: the first-contact agency may record it too while a handover's access lasts.
    await unit.assistanceGroups(personId);
    await lockCaseRow(unit, personId);
    const open = await openDetentionOf(unit, personId);
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
      recorded_by: unit.actor.userId,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    await insertDetention(unit, row);
    unit.record({ action: 'detention.create', recordType: 'detention', recordId: id, fields: Object.keys(input) });
    unit.factsChanged([personId]);
    return { id, place: row.place, since: row.since, until: row.until, legalBasis: row.legal_basis, version: 1 };
  });
}

export async function endDetention(store: ScopedStore, personId: string, detentionId: string, version: number, until: string): Promise<DetentionView> {
  const { platform } = store;
  assertNotFuture(platform, 'until', until);
  return store.unit(async (unit) => {
    await unit.assistanceGroups(personId);
    const row = await findDetention(unit, personId, detentionId);
    if (!row) throw notFound('detention');
    if (row.version !== version) throw staleVersion('detention', row.version);
    const end = new Date(until).toISOString();
    if (end < row.since) throw unprocessable('until', `must not be before the detention started (${row.since})`);
    await unit.updateVersioned({ table: 'detentions', id: detentionId, version, set: { until: end }, recordType: 'detention', at: platform.clock().toISOString() });
    unit.record({ action: 'detention.update', recordType: 'detention', recordId: detentionId, fields: ['until'] });
    unit.factsChanged([personId]);
    return { id: row.id, place: row.place, since: row.since, until: end, legalBasis: row.legal_basis, version: version + 1 };
  });
}

/** Consular rights explained (VCCR 36(1)(b)): the assistance that fulfils consular.inform_rights, and the person's choice. */
export async function recordConsularRights(
  store: ScopedStore,
  personId: string,
  input: { informedAt: string; language: string; choice: 'requested' | 'declined' },
): Promise<{ consular: string }> {
  const { platform } = store;
  assertNotFuture(platform, 'informedAt', input.informedAt);
  return store.unit(async (unit) => {
    await unit.assistanceGroups(personId);
    // The choice is a fact of the case: a new version, so an edit based on the old one is refused.
    await setConsularChoice(unit, personId, input.choice, platform.clock().toISOString());
    unit.record({ action: 'consular.rights_informed', recordType: 'person', recordId: personId, fields: ['informedAt', 'language', 'choice'] });
    await recordAssistance(unit, [personId], { type: 'consular_rights_information', givenAt: input.informedAt, language: input.language });
    return { consular: input.choice };
  });
}

/** Notifying the consular post shares data with the State of nationality: the share_with_origin_state guard applies. */
export async function recordConsularNotification(
  store: ScopedStore,
  personId: string,
  input: { post: string; sentAt: string; channel: string; overrideReason?: string | undefined },
): Promise<{ id: string; overridden: boolean }> {
  const { platform } = store;
  assertNotFuture(platform, 'sentAt', input.sentAt);
  const action: GuardedAction = 'share_with_origin_state';
  return withGuard(store, personId, action, async (unit) => {
    await unit.caseGroups(personId);
    const clearance = await clearGuard(unit, personId, action, { reason: input.overrideReason });
    const id = randomUUID();
    await insertConsularNotification(unit, { id, person_id: personId, post: input.post, sent_at: new Date(input.sentAt).toISOString(), channel: input.channel, recorded_by: unit.actor.userId, created_at: platform.clock().toISOString() });
    unit.record({ action: 'consular.notification_sent', recordType: 'consular_notification', recordId: id, fields: ['post', 'sentAt', 'channel'] });
    unit.factsChanged([personId]);
    return { id, overridden: clearance.overrideId !== null };
  });
}

export { closeEveryCase, isDetained, openDetention } from './store.js';
export { eraseCasesOf, moveCaseToAgency, moveDetentionRecords, returnDetentionRecords } from './store.js';
