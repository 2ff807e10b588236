import {
  EVIDENCE_INDICATORS,
  selfAssessmentAnswerInputSchema,
  selfAssessmentAnswerSchema,
  selfAssessmentEvidenceSchema,
  selfAssessmentItemSchema,
  selfAssessmentViewSchema,
  UNODC_TOOLS,
  type AssessedItem,
} from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { GAP_REPORT_CSS, renderGapReportHtml, renderGapReportPdf, type GapReportContent } from './report.js';
import { answerHistory, answerItem, evidence, reportForDownload, selfAssessment, type PublishedMeasure } from './service.js';

const measureView = (measure: PublishedMeasure) => ({ ...measure, description: EVIDENCE_INDICATORS[measure.indicator] });

/** An item as answered: its measure is the published one (suppressed or not), never the raw counts. */
function itemView(entry: AssessedItem, measures: readonly PublishedMeasure[]) {
  const measure = entry.item.evidence ? measures.find((m) => m.indicator === entry.item.evidence?.indicator) : undefined;
  return {
    id: entry.item.id,
    area: entry.item.area,
    text: entry.item.text,
    basis: [...entry.item.basis],
    tool: { id: entry.item.tool, ...UNODC_TOOLS[entry.item.tool] },
    evidenceRule: entry.item.evidence ?? null,
    answer: entry.answer,
    measure: measure ? measureView(measure) : null,
    suggestion: entry.suggestion,
    status: entry.status,
    source: entry.source,
    contradicted: entry.contradicted,
    reviewDue: entry.reviewDue,
  };
}

const reportContent = (view: Awaited<ReturnType<typeof reportForDownload>>): GapReportContent => ({
  jurisdictionName: view.jurisdictionName,
  measuredAt: view.measuredAt,
  preparedBy: view.preparedBy,
  report: view.report,
  k: view.k,
  suppressed: view.measures.filter((m) => m.suppressed).map((m) => m.indicator),
});

const itemParams = z.strictObject({ itemId: z.string().regex(/^(PR|PT|PV|CO)-\d{2}$/, 'must be an item id such as PT-05') });
const reportSummary = 'The gap report: per area, what is absent or partly in place, with the Protocol article, the evidence (answer and measured), the responsible body, the review date and the recommended UNODC tool';

export const selfAssessmentRoutes: Feature = (app, platform) => {
  app.get(
    '/api/self-assessment',
    {
      config: { access: { permission: 'self_assessment:read' } },
      schema: { tags: ['self-assessment'], summary: 'Every item with its current answer, the evidence Haven measures now and the status it suggests, and the gaps', response: { 200: selfAssessmentViewSchema } },
    },
    async () => {
      const view = await selfAssessment(platform);
      return {
        jurisdiction: view.jurisdiction,
        jurisdictionName: view.jurisdictionName,
        measuredAt: view.measuredAt,
        threshold: view.k,
        counts: view.report.counts,
        items: view.items.map((entry) => itemView(entry, view.measures)),
        gaps: view.report.areas.map((a) => ({ area: a.area, gaps: a.gaps.map((g) => g.item.id), unanswered: a.unanswered.map((u) => u.item.id) })),
        contradicted: view.report.contradicted.map((c) => c.item.id),
      };
    },
  );

  app.get(
    '/api/self-assessment/evidence',
    {
      config: { access: { permission: 'self_assessment:read' } },
      schema: { tags: ['self-assessment'], summary: "Haven's own evidence measures, computed now (counts only)", response: { 200: selfAssessmentEvidenceSchema } },
    },
    async () => {
      const result = await evidence(platform);
      return { measuredAt: result.measuredAt, threshold: result.threshold, measures: result.measures.map(measureView) };
    },
  );

  app.get(
    '/api/self-assessment/items/:itemId/answers',
    {
      config: { access: { permission: 'self_assessment:read' } },
      schema: { tags: ['self-assessment'], summary: 'Every version of the answer to an item, newest first (who, when); 404 for an unknown item', params: itemParams, response: { 200: z.array(selfAssessmentAnswerSchema) } },
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
        response: { 201: selfAssessmentItemSchema },
      },
    },
    async (request, reply) => {
      const answered = await answerItem(request.store, request.params.itemId, request.body);
      return reply.code(201).send(itemView(answered.item, answered.measures));
    },
  );

  app.get(
    '/api/self-assessment/gap-report.html',
    {
      config: { access: { permission: 'self_assessment:read' } },
      schema: { tags: ['self-assessment'], summary: `${reportSummary} (HTML page)`, response: { 200: { description: 'The gap report', content: { 'text/html': { schema: z.string() } } } } },
    },
    async (request, reply) => {
      const view = await reportForDownload(request.store, 'html');
      return reply.type('text/html; charset=utf-8').send(renderGapReportHtml(reportContent(view)));
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
      const pdf = await renderGapReportPdf(reportContent(view));
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
