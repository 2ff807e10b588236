import { type AssignableOfficer, type CaseListPerson, type CaseView, type EncounterType, type FieldGroup, type IntakeItem } from '@haven/core';
import type { ScopedStore } from '../../store/scoped-store.js';
import { compareTriage, triageCategories, triageFlags } from '../encounters/triage.js';
import { takeUpDeadlines } from '../handover/service.js';
import { loadCaseFacts } from '../obligations/case-facts.js';
import { toPersonRecord } from '../persons/service.js';
import { changeCaseIn } from './service.js';
import { assignableOfficers, intakeRows, obligationSummariesOf } from './store.js';

export type { AssignableOfficer, IntakeItem } from '@haven/core';

const LISTED_FIELDS: readonly (keyof CaseListPerson)[] = ['givenName', 'familyName', 'sex', 'birthDate', 'ageClaimed', 'ageDisputed', 'nationality', 'accompaniment'];
const LISTED_GROUPS: readonly FieldGroup[] = ['identity'];

/** Earliest first; a case with nothing due waits behind one with a deadline. */
function byDue(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/**
 * The agency's intake queue: its open cases no officer has yet, in triage order (every category
 * that applies, most urgent first: medical emergency, unaccompanied child, child, pregnant, other),
 * then the handover's take-up deadline, then the open obligation due first, then the earliest arrival. Every unassigned case is ranked (triage
 * needs each one's facts); only the page returned is decrypted, and each person listed is a read.
 */
export async function intakeQueue(store: ScopedStore, limit: number): Promise<IntakeItem[]> {
  const { actor, platform } = store;
  const groups = new Set(LISTED_GROUPS.filter((group) => actor.fieldGroups.has(group)));
  return store.unit(async (unit) => {
    const rows = await intakeRows(unit, actor.agencyId);
    const ids = rows.map((row) => row.id);
    const [facts, summaries, takeUps] = await Promise.all([loadCaseFacts(unit, ids), obligationSummariesOf(unit, ids), takeUpDeadlines(unit, actor.agencyId, ids)]);
    const ranked = rows.map((row) => {
      const caseFacts = facts.get(row.id);
      const triage = caseFacts ? triageCategories(triageFlags(caseFacts.input)) : (['other'] as const);
      return { row, triage: [...triage], summary: summaries.get(row.id)!, arrivedAt: row.encounter_occurred_at ?? row.created_at, takeUpBy: takeUps.get(row.id) ?? null };
    });
    ranked.sort(
      (a, b) =>
        compareTriage(a.triage, b.triage) ||
        byDue(a.takeUpBy, b.takeUpBy) ||
        byDue(a.summary.nextDueBy, b.summary.nextDueBy) ||
        (a.arrivedAt < b.arrivedAt ? -1 : a.arrivedAt > b.arrivedAt ? 1 : 0) ||
        (a.row.case_id < b.row.case_id ? -1 : 1),
    );
    return ranked.slice(0, limit).map(({ row, triage, summary, arrivedAt, takeUpBy }): IntakeItem => {
      const fields = toPersonRecord(platform.cipher, row, groups).fields;
      const person = Object.fromEntries(LISTED_FIELDS.filter((name) => fields[name] !== undefined).map((name) => [name, fields[name]])) as CaseListPerson;
      unit.readDone({ recordType: 'person', recordId: row.id }, [...Object.keys(person), 'case', 'triage', 'obligations']);
      return {
        caseId: row.case_id,
        personId: row.id,
        caseVersion: row.case_version,
        stage: row.case_stage as IntakeItem['stage'],
        arrivedAt,
        person,
        encounter:
          row.encounter_type !== null && row.encounter_occurred_at !== null
            ? { type: row.encounter_type as EncounterType, place: row.encounter_place ?? '', occurredAt: row.encounter_occurred_at }
            : null,
        triage,
        obligations: summary,
        takeUpBy,
      };
    });
  });
}

/** Who in the caller's agency a case may be assigned to: active officers and supervisors, with their open cases. */
export async function officersToAssign(store: ScopedStore): Promise<AssignableOfficer[]> {
  return store.unit(async (unit) =>
    (await assignableOfficers(unit, unit.actor.agencyId)).map((row) => ({
      id: row.id,
      displayName: row.display_name,
      role: row.role as AssignableOfficer['role'],
      openCases: Number(row.open_cases),
    })),
  );
}

/**
 * A supervisor assigns several cases to one officer in one transaction: every case through the
 * single-case change (scope, version, the officer's agency and role, audit), so one refusal
 * assigns none of them.
 */
export async function assignCases(store: ScopedStore, input: { officerId: string; cases: readonly { caseId: string; version: number }[] }): Promise<CaseView[]> {
  return store.unit(async (unit) => {
    const assigned: CaseView[] = [];
    for (const { caseId, version } of input.cases) assigned.push(await changeCaseIn(unit, caseId, { version, officerId: input.officerId }));
    return assigned;
  });
}
