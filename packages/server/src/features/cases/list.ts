import type { CaseListItem, CaseListPerson, CaseStage, FieldGroup } from '@haven/core';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import { toPersonRecord } from '../persons/service.js';
import { caseListRows, obligationSummariesOf } from './store.js';

/** The person's fields a case list shows: who they are at a glance, nothing more. */
const LISTED_FIELDS: readonly (keyof CaseListPerson)[] = ['givenName', 'familyName', 'sex', 'birthDate', 'ageClaimed', 'ageDisputed', 'nationality', 'accompaniment'];
const LISTED_GROUPS: readonly FieldGroup[] = ['identity'];

export type { CaseListPerson, CaseListItem } from '@haven/core';

export interface CaseListFilter {
  /** One stage; without it, every case not closed. */
  stage?: CaseStage | undefined;
  /** `me`: cases assigned to the caller; `nobody`: cases no officer has yet. */
  assigned?: 'me' | 'nobody' | undefined;
}

/**
 * The cases the caller's agency works on, newest first, each with the person's name and where it
 * stands against its obligations (open, overdue, next deadline) in one page: a referral's
 * recipient sees the person through the referral, not here. Listing names is reading them, so
 * each case listed is a read event.
 */
export async function listCases(
  store: ScopedStore,
  filter: CaseListFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<{ items: CaseListItem[]; nextCursor: string | null }> {
  const { actor, platform } = store;
  const groups = new Set(LISTED_GROUPS.filter((group) => actor.fieldGroups.has(group)));
  const officer = filter.assigned === 'me' ? actor.userId : filter.assigned === 'nobody' ? null : undefined;
  return store.unit(async (unit) => {
    const rows = await caseListRows(unit, actor.agencyId, { stage: filter.stage, officer }, cursor, limit + 1);
    const page = rows.slice(0, limit);
    const summaries = await obligationSummariesOf(unit, page.map((row) => row.id));
    const items = page.map((row): CaseListItem => {
      const fields = toPersonRecord(platform.cipher, row, groups).fields;
      const person = Object.fromEntries(LISTED_FIELDS.filter((name) => fields[name] !== undefined).map((name) => [name, fields[name]])) as CaseListPerson;
      unit.readDone({ recordType: 'person', recordId: row.id }, [...Object.keys(person), 'case', 'obligations']);
      return {
        caseId: row.case_id,
        personId: row.id,
        stage: row.case_stage as CaseStage,
        officerId: row.case_officer_id,
        officerName: row.officer_name,
        riskLevel: row.case_risk_level,
        createdAt: row.case_created_at,
        updatedAt: row.case_updated_at,
        person,
        obligations: summaries.get(row.id)!,
      };
    });
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.case_created_at, id: last.case_id }) : null };
  });
}
