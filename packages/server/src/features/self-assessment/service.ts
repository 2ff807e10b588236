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
import type { Platform } from '../../platform/context.js';
import type { SelfAssessmentAnswerTable } from '../../platform/db/schema.js';
import { notFound, staleVersion } from '../../platform/http/problem.js';
import { reportReader } from '../../platform/db/report-reader.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import { answerRows, currentAnswerRows, insertAnswer, latestAnswerVersion, measureEvidence } from './store.js';

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

/** The assessment as evaluated: the route answers it as the core `SelfAssessmentView`, the gap report renders it. */
export interface MeasuredSelfAssessment {
  jurisdiction: string;
  jurisdictionName: string;
  measuredAt: string;
  items: AssessedItem[];
  measures: Measure[];
  report: GapReport;
}

/** Everything the coordinator sees: every item with its answer, measure and suggestion, and the gap report. */
export async function selfAssessment(platform: Platform): Promise<MeasuredSelfAssessment> {
  const { db } = platform.database;
  const now = platform.clock();
  const [answers, measures] = await Promise.all([currentAnswerRows(db, platform.profile.id).then((rows) => rows.map(answerOf)), measureEvidence(reportReader(platform.database), now)]);
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
  return (await answerRows(platform.database.db, platform.profile.id, itemId)).map(answerOf);
}

/**
 * Records a new version of the answer to an item. The version it replaces must be the current one
 * (409 otherwise); the unique (jurisdiction, item, version) settles a race between two writers.
 */
export async function answerItem(store: ScopedStore, itemId: string, input: SelfAssessmentAnswerInput): Promise<AssessedItem> {
  const { platform } = store;
  const item = itemOrThrow(itemId);
  const jurisdiction = platform.profile.id;
  await store.unit(async (unit) => {
    const current = await latestAnswerVersion(unit, jurisdiction, itemId);
    if (input.previousVersion !== current) throw staleVersion('self-assessment answer', current);
    const stored = await insertAnswer(unit, {
      id: randomUUID(),
      jurisdiction,
      item_id: itemId,
      answer_version: current + 1,
      status: input.status,
      evidence: input.evidence ?? null,
      responsible_body: input.responsibleBody ?? null,
      review_date: input.reviewDate ?? null,
      answered_by: unit.actor.userId,
      answered_at: platform.clock().toISOString(),
    });
    if (!stored) throw staleVersion('self-assessment answer', current + 1);
    unit.record({ action: 'self_assessment.answered', recordType: 'self_assessment_item', recordId: itemId, fields: Object.keys(input).filter((k) => k !== 'previousVersion') });
  });
  const view = await selfAssessment(platform);
  return view.items.find((entry) => entry.item.id === item.id) as AssessedItem;
}

/** The gap report for download, with the download audited (what the State says of itself travels). */
export async function reportForDownload(store: ScopedStore, format: 'html' | 'pdf'): Promise<MeasuredSelfAssessment & { preparedBy: string }> {
  const view = await selfAssessment(store.platform);
  const preparedBy = await store.unit(async (unit) => {
    unit.record({ action: 'self_assessment.report', recordType: 'self_assessment', recordId: null, fields: [format] });
    return unit.actor.username;
  });
  return { ...view, preparedBy };
}
