import { randomUUID } from 'node:crypto';
import {
  assessItems,
  gapReport,
  SELF_ASSESSMENT_ITEMS,
  selfAssessmentItem,
  type AssessedItem,
  type GapReport,
  type Measure,
  type SelfAssessmentAnswer,
  type SelfAssessmentAnswerInput,
  type SelfAssessmentStatus,
} from '@haven/core';
import { actorOf } from '../../platform/access/actor.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import type { Queryable } from '../../platform/db/database.js';
import type { SelfAssessmentAnswerTable } from '../../platform/db/schema.js';
import { notFound, staleVersion } from '../../platform/http/problem.js';
import { measureEvidence } from './evidence.js';
import { reportReader } from '../../platform/db/report-reader.js';

// The self-assessment of one jurisdiction (the SOP profile in force): answers are versions, never
// overwritten; evidence is measured on every read; the gap report is their join.

function answerOf(row: SelfAssessmentAnswerTable): SelfAssessmentAnswer {
  return {
    itemId: row.item_id,
    status: row.status as SelfAssessmentStatus,
    evidence: row.evidence,
    responsibleBody: row.responsible_body,
    reviewDate: row.review_date,
    version: Number(row.answer_version),
    answeredBy: row.answered_by,
    answeredAt: row.answered_at,
  };
}

/** The latest answer to each item of the jurisdiction. */
async function currentAnswers(q: Queryable, jurisdiction: string): Promise<SelfAssessmentAnswer[]> {
  const rows = await q
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
  return rows.map(answerOf);
}

export interface SelfAssessmentView {
  jurisdiction: string;
  jurisdictionName: string;
  measuredAt: string;
  items: AssessedItem[];
  measures: Measure[];
  report: GapReport;
}

/** Everything the coordinator sees: every item with its answer, measure and suggestion, and the gap report. */
export async function selfAssessment(platform: Platform): Promise<SelfAssessmentView> {
  const { db } = platform.database;
  const now = platform.clock();
  const [answers, measures] = await Promise.all([currentAnswers(db, platform.profile.id), measureEvidence(reportReader(platform.database), now)]);
  const items = assessItems(SELF_ASSESSMENT_ITEMS, answers, measures, now.toISOString().slice(0, 10));
  return { jurisdiction: platform.profile.id, jurisdictionName: platform.profile.name, measuredAt: now.toISOString(), items, measures, report: gapReport(items) };
}

export async function evidence(platform: Platform): Promise<{ measuredAt: string; measures: Measure[] }> {
  const now = platform.clock();
  return { measuredAt: now.toISOString(), measures: await measureEvidence(reportReader(platform.database), now) };
}

function itemOrThrow(itemId: string) {
  const item = selfAssessmentItem(itemId);
  if (!item) throw notFound('self-assessment item');
  return item;
}

/** Every version of the answer to one item, newest first. */
export async function answerHistory(platform: Platform, itemId: string): Promise<SelfAssessmentAnswer[]> {
  itemOrThrow(itemId);
  const rows = await platform.database.db
    .selectFrom('self_assessment_answers')
    .selectAll()
    .where('jurisdiction', '=', platform.profile.id)
    .where('item_id', '=', itemId)
    .orderBy('answer_version', 'desc')
    .execute();
  return rows.map(answerOf);
}

/**
 * Records a new version of the answer to an item. The version it replaces must be the current one
 * (409 otherwise); the unique (jurisdiction, item, version) settles a race between two writers.
 */
export async function answerItem(platform: Platform, ctx: RequestContext, itemId: string, input: SelfAssessmentAnswerInput): Promise<AssessedItem> {
  const actor = actorOf(ctx);
  const item = itemOrThrow(itemId);
  const jurisdiction = platform.profile.id;
  await withAudit(platform, ctx.audit, async (trx, record) => {
    const latest = await trx
      .selectFrom('self_assessment_answers')
      .select((eb) => eb.fn.max('answer_version').as('v'))
      .where('jurisdiction', '=', jurisdiction)
      .where('item_id', '=', itemId)
      .executeTakeFirst();
    const current = latest?.v == null ? 0 : Number(latest.v);
    if (input.previousVersion !== current) throw staleVersion('self-assessment answer', current);
    const id = randomUUID();
    const inserted = await trx
      .insertInto('self_assessment_answers')
      .values({
        id,
        jurisdiction,
        item_id: itemId,
        answer_version: current + 1,
        status: input.status,
        evidence: input.evidence ?? null,
        responsible_body: input.responsibleBody ?? null,
        review_date: input.reviewDate ?? null,
        answered_by: actor.userId,
        answered_at: platform.clock().toISOString(),
      })
      .onConflict((oc) => oc.columns(['jurisdiction', 'item_id', 'answer_version']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) throw staleVersion('self-assessment answer', current + 1);
    record({ action: 'self_assessment.answered', recordType: 'self_assessment_item', recordId: itemId, fields: Object.keys(input).filter((k) => k !== 'previousVersion') });
  });
  const view = await selfAssessment(platform);
  return view.items.find((entry) => entry.item.id === item.id) as AssessedItem;
}

/** The gap report for download, with the download audited (what the State says of itself travels). */
export async function reportForDownload(platform: Platform, ctx: RequestContext, format: 'html' | 'pdf'): Promise<SelfAssessmentView & { preparedBy: string }> {
  const actor = actorOf(ctx);
  const view = await selfAssessment(platform);
  await withAudit(platform, ctx.audit, async (_trx, record) => {
    record({ action: 'self_assessment.report', recordType: 'self_assessment', recordId: null, fields: [format] });
  });
  return { ...view, preparedBy: actor.username };
}
