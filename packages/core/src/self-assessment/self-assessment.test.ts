import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessItems, gapReport, suggestStatus, type SelfAssessmentAnswer } from './assess.js';
import { EVIDENCE_INDICATOR_IDS, SELF_ASSESSMENT_AREAS, SELF_ASSESSMENT_ITEMS, UNODC_TOOL_IDS, selfAssessmentItem, type EvidenceRule } from './catalogue.js';

const PROTOCOL_ARTICLE = /^art (5|6|7|8|9|10|11|12|13|14|15|16|17|18|19)(\(\d+\))?$/;
const SEED_PARAGRAPH = /^seed (\d+)$/;

const answer = (itemId: string, status: SelfAssessmentAnswer['status'], extra: Partial<SelfAssessmentAnswer> = {}): SelfAssessmentAnswer => ({
  itemId,
  status,
  evidence: null,
  responsibleBody: null,
  reviewDate: null,
  version: 1,
  answeredBy: 'coordinator',
  answeredByName: 'The coordinator',
  answeredAt: '2026-03-01T06:00:00.000Z',
  ...extra,
});

describe('the self-assessment catalogue', () => {
  it('covers the four areas of the Framework for Action', () => {
    for (const area of SELF_ASSESSMENT_AREAS) expect(SELF_ASSESSMENT_ITEMS.filter((item) => item.area === area).length).toBeGreaterThanOrEqual(5);
  });

  it('gives every item a unique id, a Protocol article or seed good practice, and a tool of the seed annex', () => {
    expect(new Set(SELF_ASSESSMENT_ITEMS.map((item) => item.id)).size).toBe(SELF_ASSESSMENT_ITEMS.length);
    for (const item of SELF_ASSESSMENT_ITEMS) {
      expect(item.basis.length, item.id).toBeGreaterThan(0);
      for (const basis of item.basis) {
        const seed = SEED_PARAGRAPH.exec(basis);
        expect(PROTOCOL_ARTICLE.test(basis) || (seed !== null && Number(seed[1]) >= 5 && Number(seed[1]) <= 18), `${item.id}: ${basis}`).toBe(true);
      }
      expect(UNODC_TOOL_IDS).toContain(item.tool);
      if (item.evidence) {
        expect(EVIDENCE_INDICATOR_IDS).toContain(item.evidence.indicator);
        expect(item.evidence.partly).toBeLessThan(item.evidence.inPlace);
      }
    }
  });

  it('cites the protection articles and the good practices of the seed (SOPs, conduct, resources, failures to assist, referral)', () => {
    const cited = new Set(SELF_ASSESSMENT_ITEMS.flatMap((item) => item.basis.map((b) => b.replace(/\(\d+\)$/, ''))));
    for (const basis of ['art 5', 'art 6', 'art 8', 'art 9', 'art 10', 'art 11', 'art 14', 'art 15', 'art 16', 'art 17', 'art 18', 'art 19', 'seed 14', 'seed 18']) expect(cited).toContain(basis);
    const seed14 = SELF_ASSESSMENT_ITEMS.filter((item) => item.basis.includes('seed 14')).map((item) => item.text.toLowerCase()).join(' ');
    for (const practice of ['standard operating procedures', 'standards of conduct', 'resources', 'failed to assist']) expect(seed14).toContain(practice);
  });

  it('measures consular rights in time as evidence for the detention item', () => {
    expect(selfAssessmentItem('PT-05')?.evidence?.indicator).toBe('consular_rights_in_time');
    expect(selfAssessmentItem('PT-05')?.basis).toContain('art 16(5)');
  });
});

describe('suggesting a status from a measured share', () => {
  const rule: EvidenceRule = { indicator: 'consular_rights_in_time', inPlace: 0.95, partly: 0.6, minCases: 11 };

  it('suggests in place, partly or absent by the thresholds', () => {
    expect(suggestStatus(rule, { indicator: rule.indicator, numerator: 19, denominator: 20 }).status).toBe('in_place');
    expect(suggestStatus(rule, { indicator: rule.indicator, numerator: 12, denominator: 20 }).status).toBe('partly');
    expect(suggestStatus(rule, { indicator: rule.indicator, numerator: 11, denominator: 20 })).toMatchObject({ status: 'absent', reason: '55% of 20 (under 60%)' });
  });

  it('suggests nothing from fewer cases than the rule needs', () => {
    expect(suggestStatus(rule, { indicator: rule.indicator, numerator: 10, denominator: 10 })).toMatchObject({ status: null, share: null });
    expect(suggestStatus(rule, { indicator: rule.indicator, numerator: 0, denominator: 0 }).reason).toBe('nothing to measure yet');
  });

  it('never suggests a better status for a smaller share', () => {
    const rank = { absent: 0, partly: 1, in_place: 2 } as const;
    fc.assert(
      fc.property(fc.integer({ min: 11, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), (n, a, b) => {
        const [low, high] = [Math.min(a, b) % (n + 1), Math.max(a, b) % (n + 1)].sort((x, y) => x - y) as [number, number];
        const lower = suggestStatus(rule, { indicator: rule.indicator, numerator: low, denominator: n }).status!;
        const higher = suggestStatus(rule, { indicator: rule.indicator, numerator: high, denominator: n }).status!;
        expect(rank[lower]).toBeLessThanOrEqual(rank[higher]);
      }),
    );
  });
});

describe('the gap report', () => {
  const measures = [{ indicator: 'consular_rights_in_time' as const, numerator: 8, denominator: 20 }];

  it('lists what is absent before what is partly in place, per area, with its basis and tool', () => {
    const assessed = assessItems(SELF_ASSESSMENT_ITEMS, [answer('PR-01', 'partly'), answer('PR-04', 'absent'), answer('PT-01', 'in_place')], [], '2026-03-01');
    const report = gapReport(assessed);
    const prosecution = report.areas.find((a) => a.area === 'prosecution')!;
    expect(prosecution.gaps.map((g) => [g.item.id, g.status])).toEqual([['PR-04', 'absent'], ['PR-01', 'partly']]);
    expect(prosecution.gaps[0]!.item).toMatchObject({ basis: ['art 5'], tool: 'model_law' });
    expect(report.counts).toMatchObject({ absent: 1, partly: 1, in_place: 1, unanswered: SELF_ASSESSMENT_ITEMS.length - 3 });
  });

  it('fills an unanswered item from Haven data, and flags an answer the data contradicts', () => {
    const unanswered = assessItems(SELF_ASSESSMENT_ITEMS, [], measures, '2026-03-01').find((e) => e.item.id === 'PT-05')!;
    expect(unanswered).toMatchObject({ status: 'absent', source: 'measure', contradicted: false });
    const claimed = assessItems(SELF_ASSESSMENT_ITEMS, [answer('PT-05', 'in_place')], measures, '2026-03-01');
    expect(claimed.find((e) => e.item.id === 'PT-05')).toMatchObject({ status: 'in_place', source: 'answer', contradicted: true });
    expect(gapReport(claimed).contradicted.map((e) => e.item.id)).toEqual(['PT-05']);
  });

  it('marks an answer whose review date has passed', () => {
    const [entry] = assessItems([selfAssessmentItem('CO-04')!], [answer('CO-04', 'in_place', { reviewDate: '2026-02-28' })], [], '2026-03-01');
    expect(entry!.reviewDue).toBe(true);
  });
});
