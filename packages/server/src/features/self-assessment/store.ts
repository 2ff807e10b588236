import { EVIDENCE_INDICATOR_IDS, type EvidenceIndicator, type Measure } from '@haven/core';
import { sql } from 'kysely';
import type { Queryable } from '../../platform/db/database.js';
import type { SelfAssessmentAnswerTable } from '../../platform/db/schema.js';
import type { StoreUnit } from '../../store/unit.js';

// Evidence from Haven's own records for the self-assessment (DOMAIN.md section 11), computed on
// every read so it is always current. Counts only: no person is named, and the catalogue's rules
// suggest nothing from fewer cases than they need.

/** Obligations whose deadline measures an item, by indicator. */
const DEADLINE_MEASURES: Partial<Record<EvidenceIndicator, string>> = {
  consular_rights_in_time: 'consular.inform_rights',
  emergency_care_in_time: 'life.emergency_care',
  basic_needs_in_time: 'assist.basic_needs',
  violence_protection_in_time: 'protect.from_violence',
  child_protection_in_time: 'children.best_interests',
  asylum_referral_in_time: 'protection.asylum_referral',
  trafficking_referral_in_time: 'trafficking.referral',
  rights_information_in_time: 'info.rights',
};

type Counts = { numerator: number | string | null; denominator: number | string | null };
const measureOf = (indicator: EvidenceIndicator, row: Counts | undefined): Measure => ({
  indicator,
  numerator: Number(row?.numerator ?? 0),
  denominator: Number(row?.denominator ?? 0),
});

/**
 * Of the obligations of each code whose deadline has come (or that were fulfilled), how many were
 * fulfilled by their due time. Still open and not yet due: not counted. Lapsed (the trigger went
 * away, e.g. a release) before the deadline: not counted; lapsed after it: missed. Waived: missed.
 * Times are RFC 3339 UTC text on both engines, so they compare as text.
 */
async function deadlineMeasures(q: Queryable, now: string): Promise<Measure[]> {
  const codes = Object.values(DEADLINE_MEASURES);
  const rows = await q
    .selectFrom('obligations')
    .select([
      'code',
      sql<number>`sum(case when status = 'fulfilled' and fulfilled_at <= due_by then 1 else 0 end)`.as('numerator'),
      sql<number>`count(*)`.as('denominator'),
    ])
    .where('code', 'in', codes)
    .where('due_by', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'fulfilled'),
        eb.and([eb('status', 'in', ['open', 'waived']), eb('due_by', '<', now)]),
        eb.and([eb('status', '=', 'lapsed'), eb('due_by', '<', eb.ref('updated_at'))]),
      ]),
    )
    .groupBy('code')
    .execute();
  const byCode = new Map(rows.map((row) => [row.code, row]));
  return (Object.entries(DEADLINE_MEASURES) as [EvidenceIndicator, string][]).map(([indicator, code]) => measureOf(indicator, byCode.get(code)));
}

/** Every evidence measure, at `now`. */
export async function measureEvidence(q: Queryable, now: Date): Promise<Measure[]> {
  const iso = now.toISOString();
  const measures = await deadlineMeasures(q, iso);

  const incidents = await q
    .selectFrom('incidents')
    .select([sql<number>`sum(case when investigation_id is not null or status <> 'reported' then 1 else 0 end)`.as('numerator'), sql<number>`count(*)`.as('denominator')])
    .executeTakeFirst();
  measures.push(measureOf('incidents_investigated', incidents));

  const witnesses = await q
    .selectFrom('justice_links')
    .select([sql<number>`sum(reachable)`.as('numerator'), sql<number>`count(*)`.as('denominator')])
    .executeTakeFirst();
  measures.push(measureOf('witnesses_reachable', witnesses));

  const allegations = await q
    .selectFrom('allegations')
    .select([sql<number>`sum(case when status <> 'received' then 1 else 0 end)`.as('numerator'), sql<number>`count(*)`.as('denominator')])
    .executeTakeFirst();
  measures.push(measureOf('allegations_investigated', allegations));

  // Active staff who accepted the code of conduct in force; none in force means none accepted.
  const latest = await q.selectFrom('conduct_versions').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
  const version = latest?.v == null ? null : Number(latest.v);
  const conduct = await q
    .selectFrom('users')
    .leftJoin('conduct_acceptances', (join) => join.onRef('conduct_acceptances.user_id', '=', 'users.id').on('conduct_acceptances.version', '=', version ?? -1))
    .select([sql<number>`sum(case when conduct_acceptances.user_id is not null then 1 else 0 end)`.as('numerator'), sql<number>`count(*)`.as('denominator')])
    .where('users.disabled', '=', 0)
    .executeTakeFirst();
  measures.push(measureOf('conduct_accepted', conduct));

  const order = new Map(EVIDENCE_INDICATOR_IDS.map((id, i) => [id, i]));
  return measures.sort((a, b) => (order.get(a.indicator) ?? 0) - (order.get(b.indicator) ?? 0));
}

/** The latest answer to each item of the jurisdiction. */
export async function currentAnswerRows(q: Queryable, jurisdiction: string): Promise<SelfAssessmentAnswerTable[]> {
  return q
    .selectFrom('self_assessment_answers as a')
    .selectAll('a')
    .where('a.jurisdiction', '=', jurisdiction)
    .where(({ eb, selectFrom }) =>
      eb(
        'a.answer_version',
        '=',
        selectFrom('self_assessment_answers as b')
          .select((b) => b.fn.max('b.answer_version').as('v'))
          .whereRef('b.jurisdiction', '=', 'a.jurisdiction')
          .whereRef('b.item_id', '=', 'a.item_id'),
      ),
    )
    .execute();
}

/** Every version of the answer to one item, newest first. */
export async function answerRows(q: Queryable, jurisdiction: string, itemId: string): Promise<SelfAssessmentAnswerTable[]> {
  return q.selectFrom('self_assessment_answers').selectAll().where('jurisdiction', '=', jurisdiction).where('item_id', '=', itemId).orderBy('answer_version', 'desc').execute();
}

/** The version of the current answer to an item (0: not answered yet). */
export async function latestAnswerVersion(unit: StoreUnit, jurisdiction: string, itemId: string): Promise<number> {
  const latest = await unit.db
    .selectFrom('self_assessment_answers')
    .select((eb) => eb.fn.max('answer_version').as('v'))
    .where('jurisdiction', '=', jurisdiction)
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  return latest?.v == null ? 0 : Number(latest.v);
}

/** Stores a new version of an answer; false when another writer stored that version first. */
export async function insertAnswer(unit: StoreUnit, row: SelfAssessmentAnswerTable): Promise<boolean> {
  const inserted = await unit.db
    .insertInto('self_assessment_answers')
    .values(row)
    .onConflict((oc) => oc.columns(['jurisdiction', 'item_id', 'answer_version']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}
