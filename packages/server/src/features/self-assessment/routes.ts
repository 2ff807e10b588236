import {
  EVIDENCE_INDICATOR_IDS,
  EVIDENCE_INDICATORS,
  SELF_ASSESSMENT_AREAS,
  SELF_ASSESSMENT_STATUSES,
  selfAssessmentAnswerInputSchema,
  UNODC_TOOL_IDS,
  UNODC_TOOLS,
  type AssessedItem,
  type Measure,
} from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { GAP_REPORT_CSS, renderGapReportHtml, renderGapReportPdf } from './report.js';
import { answerHistory, answerItem, evidence, reportForDownload, selfAssessment } from './service.js';

const statusSchema = z.enum(SELF_ASSESSMENT_STATUSES);

const measureSchema = z
  .object({
    indicator: z.enum(EVIDENCE_INDICATOR_IDS as [string, ...string[]]),
    description: z.string(),
    numerator: z.number().int(),
    denominator: z.number().int(),
  })
  .meta({ id: 'SelfAssessmentMeasure' });

const answerSchema = z
  .object({
    itemId: z.string(),
    status: statusSchema,
    evidence: z.string().nullable(),
    responsibleBody: z.string().nullable(),
    reviewDate: z.string().nullable(),
    version: z.number().int(),
    answeredBy: z.uuid(),
    answeredAt: z.string(),
  })
  .meta({ id: 'SelfAssessmentAnswer' });

const itemSchema = z
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
    answer: answerSchema.nullable().describe("The coordinator's current answer"),
    measure: measureSchema.nullable().describe("Haven's own evidence, measured now"),
    suggestion: z.object({ status: statusSchema.nullable(), share: z.number().nullable(), reason: z.string() }).nullable(),
    status: statusSchema.nullable().describe('The answer, else the measured suggestion; null when neither'),
    source: z.enum(['answer', 'measure', 'none']),
    contradicted: z.boolean().describe("The answer claims more than Haven's records show"),
    reviewDue: z.boolean(),
  })
  .meta({ id: 'SelfAssessmentItem' });

const countsSchema = z.object({ in_place: z.number().int(), partly: z.number().int(), absent: z.number().int(), not_applicable: z.number().int(), unanswered: z.number().int() });

const assessmentSchema = z
  .object({
    jurisdiction: z.string().describe('The SOP profile id: answers are kept per jurisdiction'),
    jurisdictionName: z.string(),
    measuredAt: z.string(),
    counts: countsSchema,
    items: z.array(itemSchema),
    gaps: z.array(z.object({ area: z.enum(SELF_ASSESSMENT_AREAS), gaps: z.array(z.string()).describe('Item ids absent, then partly in place'), unanswered: z.array(z.string()) })),
    contradicted: z.array(z.string()).describe('Item ids whose answer Haven contradicts'),
  })
  .meta({ id: 'SelfAssessment' });

const measureView = (measure: Measure) => ({ ...measure, description: EVIDENCE_INDICATORS[measure.indicator] });

function itemView(entry: AssessedItem) {
  return {
    id: entry.item.id,
    area: entry.item.area,
    text: entry.item.text,
    basis: [...entry.item.basis],
    tool: { id: entry.item.tool, ...UNODC_TOOLS[entry.item.tool] },
    evidenceRule: entry.item.evidence ?? null,
    answer: entry.answer,
    measure: entry.measure ? measureView(entry.measure) : null,
    suggestion: entry.suggestion,
    status: entry.status,
    source: entry.source,
    contradicted: entry.contradicted,
    reviewDue: entry.reviewDue,
  };
}

const itemParams = z.strictObject({ itemId: z.string().regex(/^(PR|PT|PV|CO)-\d{2}$/, 'must be an item id such as PT-05') });
const reportSummary = 'The gap report: per area, what is absent or partly in place, with the Protocol article, the evidence (answer and measured), the responsible body, the review date and the recommended UNODC tool';

export const selfAssessmentRoutes: Feature = (app, platform) => {
  app.get(
    '/api/self-assessment',
    {
      config: { access: { permission: 'self_assessment:read' } },
      schema: { tags: ['self-assessment'], summary: 'Every item with its current answer, the evidence Haven measures now and the status it suggests, and the gaps', response: { 200: assessmentSchema } },
    },
    async () => {
      const view = await selfAssessment(platform);
      return {
        jurisdiction: view.jurisdiction,
        jurisdictionName: view.jurisdictionName,
        measuredAt: view.measuredAt,
        counts: view.report.counts,
        items: view.items.map(itemView),
        gaps: view.report.areas.map((a) => ({ area: a.area, gaps: a.gaps.map((g) => g.item.id), unanswered: a.unanswered.map((u) => u.item.id) })),
        contradicted: view.report.contradicted.map((c) => c.item.id),
      };
    },
  );

  app.get(
    '/api/self-assessment/evidence',
    {
      config: { access: { permission: 'self_assessment:read' } },
      schema: { tags: ['self-assessment'], summary: "Haven's own evidence measures, computed now (counts only)", response: { 200: z.object({ measuredAt: z.string(), measures: z.array(measureSchema) }) } },
    },
    async () => {
      const result = await evidence(platform);
      return { measuredAt: result.measuredAt, measures: result.measures.map(measureView) };
    },
  );

  app.get(
    '/api/self-assessment/items/:itemId/answers',
    {
      config: { access: { permission: 'self_assessment:read' } },
      schema: { tags: ['self-assessment'], summary: 'Every version of the answer to an item, newest first (who, when); 404 for an unknown item', params: itemParams, response: { 200: z.array(answerSchema) } },
    },
    async (request) => answerHistory(platform, request.params.itemId),
  );

  app.post(
    '/api/self-assessment/items/:itemId/answers',
    {
      config: { access: { permission: 'self_assessment:answer' } },
      schema: {
        tags: ['self-assessment'],
        summary: 'Answer an item: a new version (status, evidence, responsible body, review date); 409 when previousVersion is not the current version',
        params: itemParams,
        body: selfAssessmentAnswerInputSchema,
        response: { 201: itemSchema },
      },
    },
    async (request, reply) => reply.code(201).send(itemView(await answerItem(request.store, request.params.itemId, request.body))),
  );

  app.get(
    '/api/self-assessment/gap-report.html',
    {
      config: { access: { permission: 'self_assessment:read' } },
      schema: { tags: ['self-assessment'], summary: `${reportSummary} (HTML page)`, response: { 200: { description: 'The gap report', content: { 'text/html': { schema: z.string() } } } } },
    },
    async (request, reply) => {
      const view = await reportForDownload(request.store, 'html');
      return reply.type('text/html; charset=utf-8').send(renderGapReportHtml({ jurisdictionName: view.jurisdictionName, measuredAt: view.measuredAt, preparedBy: view.preparedBy, report: view.report }));
    },
  );

  app.get(
    '/api/self-assessment/gap-report.pdf',
    {
      config: { access: { permission: 'self_assessment:read' } },
      schema: {
        tags: ['self-assessment'],
        summary: `${reportSummary} (PDF)`,
        response: { 200: { description: 'The gap report', content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } } },
      },
    },
    async (request, reply) => {
      const view = await reportForDownload(request.store, 'pdf');
      const pdf = await renderGapReportPdf({ jurisdictionName: view.jurisdictionName, measuredAt: view.measuredAt, preparedBy: view.preparedBy, report: view.report });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="gap-report-${view.jurisdiction}-${view.measuredAt.slice(0, 10)}.pdf"`)
        .send(pdf as unknown as string);
    },
  );

  app.get(
    '/api/self-assessment/report.css',
    {
      config: { access: { public: true } },
      schema: { tags: ['self-assessment'], summary: 'The stylesheet of the HTML gap report (no data)', response: { 200: { description: 'CSS', content: { 'text/css': { schema: z.string() } } } } },
    },
    async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(GAP_REPORT_CSS),
  );
};
