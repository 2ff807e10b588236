import {
  SELF_ASSESSMENT_AREAS,
  type EvidenceIndicator,
  type EvidenceRule,
  type SelfAssessmentArea,
  type SelfAssessmentItem,
  type SelfAssessmentStatus,
} from './catalogue.js';

/** A share Haven measured from its own records. */
export interface Measure {
  indicator: EvidenceIndicator;
  numerator: number;
  denominator: number;
}

export interface Suggestion {
  /** Null when the measure is too small to suggest anything. */
  status: Exclude<SelfAssessmentStatus, 'not_applicable'> | null;
  /** The share, or null when there is nothing (or too little) to measure. */
  share: number | null;
  /** Why, in plain words. */
  reason: string;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** The status a measured share suggests under an item's rule. */
export function suggestStatus(rule: EvidenceRule, measure: Measure): Suggestion {
  if (measure.denominator < rule.minCases) {
    return {
      status: null,
      share: null,
      reason: measure.denominator === 0 ? 'nothing to measure yet' : `fewer than ${rule.minCases} cases measured: too few to judge`,
    };
  }
  const share = measure.numerator / measure.denominator;
  const status = share >= rule.inPlace ? 'in_place' : share >= rule.partly ? 'partly' : 'absent';
  const threshold = status === 'in_place' ? `at least ${percent(rule.inPlace)}` : status === 'partly' ? `at least ${percent(rule.partly)} but under ${percent(rule.inPlace)}` : `under ${percent(rule.partly)}`;
  return { status, share, reason: `${percent(share)} of ${measure.denominator} (${threshold})` };
}

/** The coordinator's current answer to an item. */
export interface SelfAssessmentAnswer {
  itemId: string;
  status: SelfAssessmentStatus;
  evidence: string | null;
  responsibleBody: string | null;
  /** Calendar date (YYYY-MM-DD) by which the answer is to be reviewed. */
  reviewDate: string | null;
  version: number;
  answeredBy: string;
  /** The answering user's name, for people to read (null when unknown). */
  answeredByName: string | null;
  answeredAt: string;
}

export interface AssessedItem {
  item: SelfAssessmentItem;
  answer: SelfAssessmentAnswer | null;
  measure: Measure | null;
  suggestion: Suggestion | null;
  /** The answer's status, or else the measured suggestion, or null when neither exists. */
  status: SelfAssessmentStatus | null;
  source: 'answer' | 'measure' | 'none';
  /** The answer says more than Haven's own records show (in place, measured partly or absent; partly, measured absent). */
  contradicted: boolean;
  /** The review date has passed. */
  reviewDue: boolean;
}

const RANK: Readonly<Record<Exclude<SelfAssessmentStatus, 'not_applicable'>, number>> = { absent: 0, partly: 1, in_place: 2 };

/**
 * Joins the catalogue, the current answers and the measures into one view per item. `today` is a
 * calendar date (YYYY-MM-DD): core reads no clock.
 */
export function assessItems(
  items: readonly SelfAssessmentItem[],
  answers: readonly SelfAssessmentAnswer[],
  measures: readonly Measure[],
  today: string,
): AssessedItem[] {
  const answerOf = new Map(answers.map((answer) => [answer.itemId, answer]));
  const measureOf = new Map(measures.map((measure) => [measure.indicator, measure]));
  return items.map((item) => {
    const answer = answerOf.get(item.id) ?? null;
    const measure = item.evidence ? (measureOf.get(item.evidence.indicator) ?? null) : null;
    const suggestion = item.evidence && measure ? suggestStatus(item.evidence, measure) : null;
    const status = answer?.status ?? suggestion?.status ?? null;
    const source = answer ? 'answer' : suggestion?.status ? 'measure' : 'none';
    const contradicted =
      answer !== null && answer.status !== 'not_applicable' && suggestion?.status != null && RANK[suggestion.status] < RANK[answer.status];
    const reviewDue = answer?.reviewDate != null && answer.reviewDate < today;
    return { item, answer, measure, suggestion, status, source, contradicted, reviewDue };
  });
}

export interface GapReport {
  /** Per area, in the Framework's order: the items absent or partly in place. */
  areas: { area: SelfAssessmentArea; gaps: AssessedItem[]; unanswered: AssessedItem[] }[];
  counts: Record<SelfAssessmentStatus | 'unanswered', number>;
  /** Answers that Haven's own records contradict, anywhere. */
  contradicted: AssessedItem[];
}

/** What is absent or partly in place (absent first), with what is still unanswered, per area. */
export function gapReport(assessed: readonly AssessedItem[]): GapReport {
  const counts: GapReport['counts'] = { in_place: 0, partly: 0, absent: 0, not_applicable: 0, unanswered: 0 };
  for (const entry of assessed) counts[entry.status ?? 'unanswered'] += 1;
  const areas = SELF_ASSESSMENT_AREAS.map((area) => {
    const inArea = assessed.filter((entry) => entry.item.area === area);
    const gaps = inArea
      .filter((entry) => entry.status === 'absent' || entry.status === 'partly')
      .sort((a, b) => (a.status === b.status ? 0 : a.status === 'absent' ? -1 : 1));
    return { area, gaps, unanswered: inArea.filter((entry) => entry.status === null) };
  });
  return { areas, counts, contradicted: assessed.filter((entry) => entry.contradicted) };
}
