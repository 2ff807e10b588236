import { exportJobViewSchema, idSchema, statsFilterSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { downloadExport, myExports, readExport, requestExport } from './jobs.js';
import { MIN_EXPORT_PASSWORD } from './zip.js';

const idParams = z.strictObject({ id: idSchema });

export const exportRoutes: Feature = (app) => {
  app.post(
    '/api/exports/indicators',
    {
      config: { access: { permission: 'stats:read' } },
      schema: {
        tags: ['exports'],
        summary: 'Queue an export of the suppressed indicators: CSV with an HXL hashtag row, XLSX, or a PDF report with charts; follow it at GET /api/exports/{id}',
        body: z.strictObject({ format: z.enum(['csv', 'xlsx', 'pdf']), filter: statsFilterSchema.optional() }),
        response: { 202: exportJobViewSchema },
      },
    },
    async (request, reply) => reply.code(202).send(await requestExport(request.store, { kind: 'indicators', format: request.body.format, filter: request.body.filter })),
  );

  app.post(
    '/api/exports/cases',
    {
      config: {
        access: { permission: 'case:export', personalData: true },
        refusals: { 422: 'A personal-data export is a CSV (in a password-protected ZIP).' },
      },
      schema: {
        tags: ['exports'],
        summary: "Queue an export of personal data of my agency: the case list, or trafficking referrals mapped to HTCDS (audited per person; downloaded only as an encrypted ZIP)",
        body: z.strictObject({ kind: z.enum(['case_list', 'htcds']) }),
        response: { 202: exportJobViewSchema },
      },
    },
    async (request, reply) => reply.code(202).send(await requestExport(request.store, { kind: request.body.kind, format: 'csv' })),
  );

  app.get(
    '/api/exports',
    {
      config: { access: {} },
      schema: { tags: ['exports'], summary: 'My last 50 exports with their progress', response: { 200: z.array(exportJobViewSchema) } },
    },
    async (request) => myExports(request.store),
  );

  app.get(
    '/api/exports/:id',
    {
      config: { access: {} },
      schema: { tags: ['exports'], summary: 'An export I requested: status and progress (404 for anyone else)', params: idParams, response: { 200: exportJobViewSchema } },
    },
    async (request) => readExport(request.store, request.params.id),
  );

  app.post(
    '/api/exports/:id/download',
    {
      config: {
        access: {},
        refusals: {
          403: 'A personal-data export, and your role no longer allows such exports.',
          409: 'The export is not finished (`export-not-ready`).',
          410: 'The export has expired (`export-expired`); request it again.',
          422: 'A personal-data export needs a password of at least 12 characters.',
        },
      },
      schema: {
        tags: ['exports'],
        summary: `The finished file (409 while running, 410 once expired). A personal-data export needs a password of at least ${MIN_EXPORT_PASSWORD} characters and comes as an AES-256 ZIP; the password is never stored`,
        params: idParams,
        body: z.strictObject({ password: z.string().max(200).optional() }),
        response: {
          200: {
            description: 'The file',
            content: {
              'text/csv': { schema: z.string() },
              'application/pdf': { schema: z.string().meta({ format: 'binary' }) },
              'application/zip': { schema: z.string().meta({ format: 'binary' }) },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().meta({ format: 'binary' }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const file = await downloadExport(request.store, request.params.id, request.body.password);
      // The schema documents the bytes for OpenAPI; Fastify sends a Buffer as it is, unserialised.
      return reply
        .type(file.mediaType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('cache-control', 'no-store')
        .send(file.bytes as unknown as string);
    },
  );
};
