import { z } from 'zod';
import { EVIDENCE_INDICATOR_IDS, SELF_ASSESSMENT_AREAS, SELF_ASSESSMENT_STATUSES, UNODC_TOOL_IDS } from '../self-assessment/index.js';

// What the self-assessment routes answer: each item with the answer, Haven's measure and the gaps.

const statusSchema = z.enum(SELF_ASSESSMENT_STATUSES);

export const selfAssessmentMeasureSchema = z
  .object({
    indicator: z.enum(EVIDENCE_INDICATOR_IDS as [string, ...string[]]),
    description: z.string(),
    numerator: z.number().int().nullable().describe('Cases that meet the measure; null when suppressed'),
    denominator: z.number().int().nullable().describe('Cases measured; null when fewer than the threshold'),
    suppressed: z.boolean().describe('A part of the share is under the small-cell threshold: the share is not published'),
  })
  .meta({ id: 'SelfAssessmentMeasure' });

export const selfAssessmentAnswerSchema = z
  .object({
    itemId: z.string(),
    status: statusSchema,
    evidence: z.string().nullable(),
    responsibleBody: z.string().nullable(),
    reviewDate: z.string().nullable(),
    version: z.number().int(),
    answeredBy: z.uuid(),
    answeredByName: z.string().nullable().describe("The answering user's display name"),
    answeredAt: z.string(),
  })
  .meta({ id: 'SelfAssessmentAnswer' });
export type SelfAssessmentAnswerView = z.infer<typeof selfAssessmentAnswerSchema>;

export const selfAssessmentItemSchema = z
  .object({
    id: z.string().describe('PR-, PT-, PV- or CO- and a number'),
    area: z.enum(SELF_ASSESSMENT_AREAS),
    text: z.string(),
    basis: z.array(z.string()).describe('Articles of the Protocol (art 16(5)) or paragraphs of the seed note (seed 14)'),
    tool: z.object({ id: z.enum(UNODC_TOOL_IDS as [string, ...string[]]), title: z.string(), note: z.string() }).describe('The UNODC tool recommended when the item is absent or partly in place'),
    evidenceRule: z
      .object({ indicator: z.string(), inPlace: z.number(), partly: z.number(), minCases: z.number().int() })
      .nullable()
      .describe('How a measured share suggests a status: at least inPlace → in place, at least partly → partly, below → absent; nothing under minCases'),
    answer: selfAssessmentAnswerSchema.nullable().describe("The coordinator's current answer"),
    measure: selfAssessmentMeasureSchema.nullable().describe("Haven's own evidence, measured now"),
    suggestion: z.object({ status: statusSchema.nullable(), share: z.number().nullable(), reason: z.string() }).nullable(),
    status: statusSchema.nullable().describe('The answer, else the measured suggestion; null when neither'),
    source: z.enum(['answer', 'measure', 'none']),
    contradicted: z.boolean().describe("The answer claims more than Haven's records show"),
    reviewDue: z.boolean(),
  })
  .meta({ id: 'SelfAssessmentItem' });

const countsSchema = z.object({ in_place: z.number().int(), partly: z.number().int(), absent: z.number().int(), not_applicable: z.number().int(), unanswered: z.number().int() });

export const selfAssessmentViewSchema = z
  .object({
    jurisdiction: z.string().describe('The SOP profile id: answers are kept per jurisdiction'),
    jurisdictionName: z.string(),
    measuredAt: z.string().describe('The measures count every record up to this instant'),
    threshold: z.number().int().describe('The small-cell threshold k in force: a share with a part under k is not published'),
    counts: countsSchema,
    items: z.array(selfAssessmentItemSchema),
    gaps: z.array(z.object({ area: z.enum(SELF_ASSESSMENT_AREAS), gaps: z.array(z.string()).describe('Item ids absent, then partly in place'), unanswered: z.array(z.string()) })),
    contradicted: z.array(z.string()).describe('Item ids whose answer Haven contradicts'),
  })
  .meta({ id: 'SelfAssessment' });
export type SelfAssessmentView = z.infer<typeof selfAssessmentViewSchema>;

/** Haven's own evidence measures, computed now. */
export const selfAssessmentEvidenceSchema = z.object({ measuredAt: z.string(), threshold: z.number().int(), measures: z.array(selfAssessmentMeasureSchema) });
export type SelfAssessmentEvidence = z.infer<typeof selfAssessmentEvidenceSchema>;
