import { randomUUID } from 'node:crypto';
import {
  assessItems,
  gapReport,
  SELF_ASSESSMENT_ITEMS,
  selfAssessmentItem,
  type AssessedItem,
  type EvidenceIndicator,
  type GapReport,
  type Measure,
  type SelfAssessmentAnswer,
  type SelfAssessmentAnswerInput,
  type SelfAssessmentStatus,
} from '@haven/core';
import { suppressShare } from '@haven/core';
import type { Platform } from '../../platform/context.js';
import type { Queryable } from '../../platform/db/database.js';
import type { SelfAssessmentAnswerTable } from '../../platform/db/schema.js';
import { notFound, staleVersion } from '../../platform/http/problem.js';
import { reportReader } from '../../platform/db/report-reader.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import { staffNames } from '../identity/names.js';
import { currentThreshold } from '../stats/service.js';
import { answerRows, currentAnswerRows, insertAnswer, latestAnswerVersion, measureEvidence } from './store.js';

// The self-assessment of one jurisdiction (the SOP profile in force): answers are versions, never
// overwritten; evidence is measured on every read; the gap report is their join.

function answerOf(row: SelfAssessmentAnswerTable, names: { user(id: string | null): string | null }): SelfAssessmentAnswer {
  return {
    itemId: row.item_id,
    status: row.status as SelfAssessmentStatus,
    evidence: row.evidence,
    responsibleBody: row.responsible_body,
    reviewDate: row.review_date,
    version: Number(row.answer_version),
    answeredBy: row.answered_by,
    answeredByName: names.user(row.answered_by),
    answeredAt: row.answered_at,
  };
}

async function answersWithNames(q: Queryable, rows: SelfAssessmentAnswerTable[]): Promise<SelfAssessmentAnswer[]> {
  const names = await staffNames(q, { users: rows.map((row) => row.answered_by), agencies: [] });
  return rows.map((row) => answerOf(row, names));
}

/**
 * A measure as it may leave the server (DOMAIN.md section 10: small cells never do): the share is
 * published only when both of its parts (met, not met) are 0 or at least k; the number of cases
 * measured only when it is at least k. Nothing measured (0 of 0) is said as it is.
 */
export interface PublishedMeasure {
  indicator: EvidenceIndicator;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
}

function publish(measure: Measure, k: number): PublishedMeasure {
  if (measure.denominator === 0 || suppressShare(measure.numerator, measure.denominator, k) !== null) return { ...measure, suppressed: false };
  return { indicator: measure.indicator, numerator: null, denominator: measure.denominator >= k ? measure.denominator : null, suppressed: true };
}

/** The measures with small cells suppressed under the threshold in force. */
async function measured(platform: Platform, now: Date): Promise<{ k: number; measures: PublishedMeasure[] }> {
  const [k, raw] = await Promise.all([currentThreshold(platform.database.db), measureEvidence(reportReader(platform.database), now)]);
  return { k, measures: raw.map((measure) => publish(measure, k)) };
}

/** The assessment as evaluated: the route answers it as the core `SelfAssessmentView`, the gap report renders it. */
export interface MeasuredSelfAssessment {
  jurisdiction: string;
  jurisdictionName: string;
  measuredAt: string;
  /** The small-cell threshold the measures were published under. */
  k: number;
  items: AssessedItem[];
  measures: PublishedMeasure[];
  report: GapReport;
}

/**
 * Everything the coordinator sees: every item with its answer, measure and suggestion, and the gap
 * report. A suppressed measure suggests nothing (a suggested status would give its share's range back).
 */
export async function selfAssessment(platform: Platform): Promise<MeasuredSelfAssessment> {
  const { db } = platform.database;
  const now = platform.clock();
  const [answers, { k, measures }] = await Promise.all([currentAnswerRows(db, platform.profile.id).then((rows) => answersWithNames(db, rows)), measured(platform, now)]);
  const shown = measures.flatMap((m) => (m.suppressed || m.numerator === null || m.denominator === null ? [] : [{ indicator: m.indicator, numerator: m.numerator, denominator: m.denominator }]));
  const items = assessItems(SELF_ASSESSMENT_ITEMS, answers, shown, now.toISOString().slice(0, 10));
  return { jurisdiction: platform.profile.id, jurisdictionName: platform.profile.name, measuredAt: now.toISOString(), k, items, measures, report: gapReport(items) };
}

export async function evidence(platform: Platform): Promise<{ measuredAt: string; threshold: number; measures: PublishedMeasure[] }> {
  const now = platform.clock();
  const { k, measures } = await measured(platform, now);
  return { measuredAt: now.toISOString(), threshold: k, measures };
}

function itemOrThrow(itemId: string) {
  const item = selfAssessmentItem(itemId);
  if (!item) throw notFound('self-assessment item');
  return item;
}

/** Every version of the answer to one item, newest first. */
export async function answerHistory(platform: Platform, itemId: string): Promise<SelfAssessmentAnswer[]> {
  itemOrThrow(itemId);
  const { db } = platform.database;
  return answersWithNames(db, await answerRows(db, platform.profile.id, itemId));
}

/**
 * Records a new version of the answer to an item. The version it replaces must be the current one
 * (409 otherwise); the unique (jurisdiction, item, version) settles a race between two writers.
 */
export async function answerItem(store: ScopedStore, itemId: string, input: SelfAssessmentAnswerInput): Promise<{ item: AssessedItem; measures: PublishedMeasure[] }> {
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
  return { item: view.items.find((entry) => entry.item.id === item.id) as AssessedItem, measures: view.measures };
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
