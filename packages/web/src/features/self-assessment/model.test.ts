import { describe, expect, it } from 'vitest';
import { basisKey, measureWords, type MeasureView } from './model';

const measure = (numerator: number | null, denominator: number | null, suppressed: boolean): MeasureView => ({
  indicator: 'consular_rights_in_time',
  description: 'Detained persons informed of their consular rights by the deadline',
  numerator,
  denominator,
  suppressed,
});

describe('the self-assessment model', () => {
  it('says a suppressed measure as hidden, never as 0', () => {
    expect(measureWords(measure(null, null, true), 11)).toEqual({ key: 'selfAssessment.evidence.hiddenSmall', k: 11 });
    expect(measureWords(measure(null, 30, true), 11)).toEqual({ key: 'selfAssessment.evidence.hiddenShare', k: 11, denominator: 30 });
  });

  it('says nothing measured as nothing, and a published share with its parts', () => {
    expect(measureWords(measure(0, 0, false), 11)).toEqual({ key: 'selfAssessment.evidence.nothing' });
    expect(measureWords(measure(19, 30, false), 11)).toMatchObject({ key: 'selfAssessment.evidence.share', numerator: 19, denominator: 30 });
  });

  it('names the Protocol article or the seed note paragraph', () => {
    expect(basisKey('art 16(5)')).toEqual({ key: 'selfAssessment.basis.article', ref: '16(5)' });
    expect(basisKey('seed 14')).toEqual({ key: 'selfAssessment.basis.seed', ref: '14' });
  });
});
