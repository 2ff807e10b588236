import { indicatorReportSchema, MIN_K, statsFilterSchema, suppressionThresholdSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { countStatsIfBehind } from './rollup.js';
import { indicatorReport, setThreshold, thresholdSetting } from './service.js';

/** The population the indicators describe (core's schema, which the exports take too). */
export { statsFilterSchema };

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
      // Not a secret: the dashboards say it to their readers, and the administrator who sets it reads it first.
      config: { access: {} },
      schema: { tags: ['stats'], summary: 'The suppression threshold k in force (any signed-in user: the dashboards say it; the administrator sets it)', response: { 200: suppressionThresholdSchema } },
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
        response: { 200: suppressionThresholdSchema },
      },
    },
    async (request) => setThreshold(request.store, request.body.k, request.body.version),
  );
};
