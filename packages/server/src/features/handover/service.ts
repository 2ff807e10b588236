import { handoverRuleFor, takeUpBy, type HandoverRule, type Profile } from '@haven/core';
import type { Platform } from '../../platform/context.js';
import type { Queryable } from '../../platform/db/database.js';
import type { CaseTable, HandoverTable, ObligationTable } from '../../platform/db/schema.js';
import { newRecordId } from '../../platform/db/record-id.js';
import { systemStore } from '../../store/system-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { notify } from '../notifications/service.js';
import { grantAccessFor } from '../referrals/service.js';
import {
  activeSupervisorsOf,
  pendingTakeUps,
  agencies,
  claimOverdueNotice,
  handoversOf,
  insertHandovers,
  markTakenUp,
  namesOf,
  overdueHandovers,
  type AgencyByName,
} from './store.js';

/**
 * What the first-contact agency keeps of a person it handed over, while its access lasts: who they
 * are, for its operation (the triage list, logging assistance on the quay); nothing of their
 * health, protection or statements, which are the receiving agency's.
 */
export const FIRST_CONTACT_GROUPS = ['identity'] as const;

/** A profile's handover rule naming an agency the database does not hold. */
export class HandoverAgencyError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid SOP profile: ${issues.join('; ')}`);
    this.name = 'HandoverAgencyError';
  }
}

/**
 * At server start: every agency a handover rule names must exist (else the rule would silently
 * hand over nothing, or fail at the first registration). Issues name the entry.
 */
export async function checkHandoverAgencies(q: Queryable, profile: Profile): Promise<void> {
  if (profile.handover.length === 0) return;
  const names = new Set((await agencies(q)).map((agency) => agency.name));
  const issues: string[] = [];
  for (const rule of profile.handover) {
    if (!names.has(rule.from)) issues.push(`handover[${rule.index}].from: no agency named ${JSON.stringify(rule.from)}`);
    if (!names.has(rule.to)) issues.push(`handover[${rule.index}].to: no agency named ${JSON.stringify(rule.to)}`);
  }
  if (issues.length > 0) throw new HandoverAgencyError(issues);
}

/** The index of the first handover rule naming this agency, or undefined: a rename or deletion of it is refused. */
export function handoverRuleNaming(profile: Profile, agencyName: string): number | undefined {
  return profile.handover.find((rule) => rule.from === agencyName || rule.to === agencyName)?.index;
}

/** A case about to be registered: its row and obligations (changed in place when it is handed over). */
export interface NewCase {
  /** The first-contact agency (the case row's agency may already be the receiver's on a retry). */
  registeringAgencyId: string;
  caseRow: CaseTable;
  obligations: ObligationTable[];
  /** The person's indicators (derived and observed): some are taken up at once. */
  flags: ReadonlySet<string>;
  /** The encounter's area; null without an encounter or an area (the registering agency's area then). */
  encounterArea: string | null;
}

/** A handover decided for a registration, written once the person exists. */
export interface PlannedHandover {
  row: HandoverTable;
  caseId: string;
}

/**
 * Hands new cases over by the profile's rules, before they are written: the receiving agency's
 * case (unassigned: the receiver assigns it) and obligations. Answers what to record once the rows
 * exist. Without a rule for the registering agency nothing changes.
 */
export async function planHandovers(unit: StoreUnit, cases: readonly NewCase[]): Promise<PlannedHandover[]> {
  const rules = unit.platform.profile.handover;
  if (rules.length === 0 || cases.length === 0) return [];
  const all = await agencies(unit.db);
  const byId = new Map(all.map((agency) => [agency.id, agency]));
  const byName = new Map(all.map((agency) => [agency.name, agency]));
  const planned: PlannedHandover[] = [];
  for (const item of cases) {
    const from = byId.get(item.registeringAgencyId);
    if (!from) continue;
    const area = item.encounterArea ?? from.area;
    const rule = handoverRuleFor(rules, from.name, area);
    const to = rule && byName.get(rule.to);
    if (!rule || !to) continue;
    planned.push(handOver(item, rule, from, to, area, new Date(item.caseRow.created_at)));
  }
  return planned;
}

function handOver(item: NewCase, rule: HandoverRule, from: AgencyByName, to: AgencyByName, area: string | null, at: Date): PlannedHandover {
  item.caseRow.agency_id = to.id;
  item.caseRow.officer_id = null;
  for (const obligation of item.obligations) obligation.agency_id = to.id;
  return {
    caseId: item.caseRow.id,
    row: {
      id: newRecordId(),
      person_id: item.caseRow.person_id,
      from_agency_id: from.id,
      to_agency_id: to.id,
      rule_index: rule.index,
      area,
      handed_over_at: at.toISOString(),
      take_up_by: takeUpBy(rule, item.flags, at).toISOString(),
      access_until: new Date(at.getTime() + rule.keepAccessForMs).toISOString(),
      taken_up_at: null,
      taken_up_by: null,
      overdue_notified_at: null,
    },
  };
}

/**
 * Records planned handovers once the persons and cases are written: the handover rows, the
 * first-contact agency's operational access (ending by itself at `access_until`) and the audit
 * events on each case.
 */
export async function recordHandovers(unit: StoreUnit, planned: readonly PlannedHandover[]): Promise<void> {
  if (planned.length === 0) return;
  await insertHandovers(unit, planned.map((handover) => handover.row));
  for (const { row, caseId } of planned) {
    await grantAccessFor(unit, {
      personId: row.person_id,
      agencyId: row.from_agency_id,
      groups: FIRST_CONTACT_GROUPS,
      sourceType: 'handover',
      sourceId: row.id,
      at: row.handed_over_at,
      expiresAt: row.access_until,
    });
    unit.record({ action: 'case.handover', recordType: 'case', recordId: caseId, fields: ['agency', 'officer'] });
  }
}

/**
 * A case assigned to an officer of the agency it was handed over to: the handover is taken up.
 * Every way of assigning a case calls this in its unit of work.
 */
export async function caseTakenUp(unit: StoreUnit, personId: string, agencyId: string, officerId: string, at: string): Promise<void> {
  await markTakenUp(unit, personId, agencyId, officerId, at);
}

/** When the agency must take up each of these persons' cases handed over to it and not yet taken up (the intake queue shows it). */
export async function takeUpDeadlines(unit: StoreUnit, agencyId: string, personIds: readonly string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  return pendingTakeUps(unit, agencyId, personIds);
}

/** One entry of a person's handover history, with names. */
export interface HandoverHistory {
  id: string;
  fromAgency: string;
  toAgency: string;
  rule: number;
  area: string | null;
  handedOverAt: string;
  takeUpBy: string;
  accessUntil: string;
  takenUpAt: string | null;
  takenUpBy: string | null;
}

/** The person's handovers, oldest first, naming agencies and officers (the case history). */
export async function handoverHistory(unit: StoreUnit, personId: string): Promise<HandoverHistory[]> {
  const rows = await handoversOf(unit, personId);
  if (rows.length === 0) return [];
  const names = await namesOf(
    unit,
    rows.flatMap((row) => (row.taken_up_by ? [row.taken_up_by] : [])),
    rows.flatMap((row) => [row.from_agency_id, row.to_agency_id]),
  );
  return rows.map((row) => ({
    id: row.id,
    fromAgency: names.agencies.get(row.from_agency_id) ?? '',
    toAgency: names.agencies.get(row.to_agency_id) ?? '',
    rule: row.rule_index,
    area: row.area,
    handedOverAt: row.handed_over_at,
    takeUpBy: row.take_up_by,
    accessUntil: row.access_until,
    takenUpAt: row.taken_up_at,
    takenUpBy: row.taken_up_by ? (names.users.get(row.taken_up_by) ?? null) : null,
  }));
}

const OVERDUE_BATCH = 500;

/**
 * One pass: each handover not taken up by its deadline notifies the receiving agency's
 * supervisors, once (claimed by a conditional update, so one process sends it).
 */
export async function notifyOverdueHandovers(platform: Platform): Promise<number> {
  const at = platform.clock().toISOString();
  const reminders = systemStore(platform, 'reminders');
  const due = await reminders.unit((unit) => overdueHandovers(unit, at, OVERDUE_BATCH));
  let sent = 0;
  for (const handover of due) {
    const notified = await reminders.unit(async (unit) => {
      if (!(await claimOverdueNotice(unit, handover.id, at))) return false;
      const supervisors = await activeSupervisorsOf(unit, handover.to_agency_id);
      await notify(unit, { userIds: supervisors, kind: 'handover_overdue', personId: handover.person_id, at });
      return true;
    });
    if (notified) sent += 1;
  }
  return sent;
}
