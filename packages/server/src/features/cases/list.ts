import type { CaseListItem, CaseListPerson, CaseStage, FieldGroup } from '@haven/core';
import { actorOf } from '../../platform/access/actor.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { obligationSummaries } from '../obligations/summary.js';
import { toPersonRecord } from '../persons/store.js';

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
  platform: Platform,
  ctx: RequestContext,
  filter: CaseListFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<{ items: CaseListItem[]; nextCursor: string | null }> {
  const actor = actorOf(ctx);
  const groups = new Set(LISTED_GROUPS.filter((group) => actor.fieldGroups.has(group)));
  return withAudit(platform, ctx.audit, async (trx, record) => {
    let query = trx
      .selectFrom('cases')
      .innerJoin('persons', 'persons.id', 'cases.person_id')
      .leftJoin('users', 'users.id', 'cases.officer_id')
      .selectAll('persons')
      .select([
        'cases.id as case_id',
        'cases.stage as case_stage',
        'cases.officer_id as case_officer_id',
        'cases.risk_level as case_risk_level',
        'cases.created_at as case_created_at',
        'cases.updated_at as case_updated_at',
        'users.display_name as officer_name',
      ])
      .where('cases.agency_id', '=', actor.agencyId)
      .where('persons.merged_into', 'is', null);
    query = filter.stage ? query.where('cases.stage', '=', filter.stage) : query.where('cases.stage', '<>', 'closed');
    if (filter.assigned === 'me') query = query.where('cases.officer_id', '=', actor.userId);
    if (filter.assigned === 'nobody') query = query.where('cases.officer_id', 'is', null);
    if (cursor) {
      query = query.where((eb) =>
        eb.or([eb('cases.created_at', '<', cursor.at), eb.and([eb('cases.created_at', '=', cursor.at), eb('cases.id', '<', cursor.id)])]),
      );
    }
    const rows = await query.orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const summaries = await obligationSummaries(trx, page.map((row) => row.id), platform.clock());
    const items = page.map((row): CaseListItem => {
      const fields = toPersonRecord(platform.cipher, row, groups).fields;
      const person = Object.fromEntries(LISTED_FIELDS.filter((name) => fields[name] !== undefined).map((name) => [name, fields[name]])) as CaseListPerson;
      record({ action: 'person.read', recordType: 'person', recordId: row.id, fields: [...Object.keys(person), 'case', 'obligations'] });
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
