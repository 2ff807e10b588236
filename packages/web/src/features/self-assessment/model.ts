import type { SelfAssessmentView } from '@haven/core/schemas';

// What the self-assessment screens compute from the server's answer: no figure is ever made here,
// only said in words (a suppressed share stays hidden, never shown as 0).

export type SelfAssessmentItemView = SelfAssessmentView['items'][number];
export type MeasureView = NonNullable<SelfAssessmentItemView['measure']>;
export type SuggestionView = SelfAssessmentItemView['suggestion'];

/** `art 16(5)` → the Protocol's article; `seed 14` → the seed note's good practice, by paragraph. */
export function basisKey(basis: string): { key: 'selfAssessment.basis.article' | 'selfAssessment.basis.seed'; ref: string } {
  if (basis.startsWith('seed ')) return { key: 'selfAssessment.basis.seed', ref: basis.slice(5) };
  return { key: 'selfAssessment.basis.article', ref: basis.replace(/^art\s+/, '') };
}

/** How a published measure is said: the i18n key and its values (numbers formatted by the caller). */
export type MeasureWords =
  | { key: 'selfAssessment.evidence.nothing' }
  | { key: 'selfAssessment.evidence.hiddenSmall'; k: number }
  | { key: 'selfAssessment.evidence.hiddenShare'; k: number; denominator: number }
  | { key: 'selfAssessment.evidence.share'; numerator: number; denominator: number; share: number };

export function measureWords(measure: MeasureView, k: number): MeasureWords {
  if (measure.suppressed || measure.numerator === null || measure.denominator === null) {
    return measure.denominator === null ? { key: 'selfAssessment.evidence.hiddenSmall', k } : { key: 'selfAssessment.evidence.hiddenShare', k, denominator: measure.denominator };
  }
  if (measure.denominator === 0) return { key: 'selfAssessment.evidence.nothing' };
  return { key: 'selfAssessment.evidence.share', numerator: measure.numerator, denominator: measure.denominator, share: measure.numerator / measure.denominator };
}

export const selfAssessmentPaths = {
  view: '/api/self-assessment',
  evidence: '/api/self-assessment/evidence',
  pdf: '/api/self-assessment/gap-report.pdf',
  html: '/api/self-assessment/gap-report.html',
} as const;

/** The screen of one item. */
export const itemPath = (itemId: string) => `/self-assessment/${encodeURIComponent(itemId)}`;
