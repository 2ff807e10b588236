import { auditEventsPageSchema, auditVerificationSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { auditEvents, verifyAuditTrail } from './service.js';

export const auditRoutes: Feature = (app, platform) => {
  app.get(
    '/api/audit/events',
    {
      config: { access: { permission: 'audit:read' } },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail, oldest first, from a sequence number (for the oversight body)',
        querystring: z.strictObject({
          after: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          recordType: z.string().max(50).optional(),
          recordId: z.string().max(100).optional(),
        }),
        response: { 200: auditEventsPageSchema },
      },
    },
    async (request) => auditEvents(request.store, request.query),
  );

  app.get(
    '/api/audit/verify',
    {
      config: { access: { permission: 'audit:read' } },
      schema: {
        tags: ['audit'],
        summary: 'Recompute the hash chain and its keyed anchor',
        response: { 200: auditVerificationSchema },
      },
    },
    async () => verifyAuditTrail(platform),
  );
};
