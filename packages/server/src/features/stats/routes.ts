import { ENCOUNTER_TYPES, MIN_K } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { countStatsIfBehind } from './rollup.js';
import { indicatorReport, setThreshold, thresholdSetting } from './service.js';

const instant = z.iso.datetime({ offset: true });

/** The population the indicators describe; every field optional. */
export const statsFilterSchema = z.strictObject({
  from: instant.optional().describe('Encounters at or after this instant (RFC 3339)'),
  to: instant.optional().describe('Encounters before this instant (RFC 3339)'),
  area: z.string().min(1).max(200).optional().describe("The area of the encounter's responsible agency"),
  agencyId: z.uuid().optional().describe("The encounter's responsible agency"),
  encounterType: z.enum(ENCOUNTER_TYPES).optional(),
});

const cell = z.number().nullable().describe('null: suppressed (below k, or hidden so that a small cell cannot be recovered from the totals)');

export const indicatorReportSchema = z
  .object({
    k: z.number().int().describe('Cells below k are suppressed'),
    filter: statsFilterSchema,
    generatedAt: z.string(),
    tables: z.array(
      z.object({
        id: z.string(),
        rowDimension: z.string(),
        columnDimension: z.string(),
        rows: z.array(z.string()),
        columns: z.array(z.string()),
        cells: z.array(z.array(cell)),
        rowTotals: z.array(cell),
        columnTotals: z.array(cell),
        total: cell,
        k: z.number().int(),
      }),
    ),
    lists: z.array(z.object({ id: z.string(), dimension: z.string(), items: z.array(z.object({ label: z.string(), count: cell })) })).describe('Overlapping counts: no totals'),
    measures: z.array(
      z.object({
        id: z.string(),
        dimension: z.string(),
        unit: z.enum(['share', 'hours', 'cases']),
        items: z.array(z.object({ label: z.string(), value: cell })),
      }),
    ),
  })
  .meta({ id: 'IndicatorReport' });

const thresholdSchema = z
  .object({ k: z.number().int(), minimum: z.number().int(), default: z.number().int(), version: z.number().int().describe('0 until an administrator sets it') })
  .meta({ id: 'SuppressionThreshold' });

export const statsRoutes: Feature = async (app, platform) => {
  // The rollups of a database from before them, or counted by older rules, are counted before
  // the server answers (migrations only create the tables: the platform knows no feature).
  await countStatsIfBehind(platform, {
    onStart: () => app.log.info('statistics: counting the stored case files into the indicator rollups'),
    progress: (done, of) => app.log.info(`statistics: rollups ${done}/${of} pages counted`),
  });

  app.get(
    '/api/stats/indicators',
    {
      config: { access: { permission: 'stats:read' } },
      schema: {
        tags: ['stats'],
        summary: 'Every indicator of DOMAIN.md section 10 for the persons of the filtered encounters, small cells suppressed (no personal data)',
        querystring: statsFilterSchema,
        response: { 200: indicatorReportSchema },
      },
    },
    async (request) => indicatorReport(platform, request.query),
  );

  app.get(
    '/api/stats/threshold',
    {
      config: { access: { permission: 'stats:read' } },
      schema: { tags: ['stats'], summary: 'The suppression threshold k in force', response: { 200: thresholdSchema } },
    },
    async () => thresholdSetting(platform),
  );

  app.put(
    '/api/stats/threshold',
    {
      config: {
        access: { permission: 'settings:manage' },
        refusals: { 422: 'k is below the minimum.' },
      },
      schema: {
        tags: ['stats'],
        summary: `Set the suppression threshold k (at least ${MIN_K}; 422 naming k below it; 409 on a stale version)`,
        body: z.strictObject({ k: z.number().int(), version: z.number().int().min(0) }),
        response: { 200: thresholdSchema },
      },
    },
    async (request) => setThreshold(request.store, request.body.k, request.body.version),
  );
};
