import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { auditEvents, verifyAuditTrail } from './service.js';

const eventSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actorUserId: z.string().nullable(),
    actorAgencyId: z.string().nullable(),
    action: z.string(),
    recordType: z.string(),
    recordId: z.string().nullable(),
    fields: z.array(z.string()).describe('Names of the fields touched; never their values'),
    requestId: z.string().nullable(),
    clientAddress: z.string().nullable(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

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
        response: { 200: z.object({ items: z.array(eventSchema), nextAfter: z.number().int().nullable() }) },
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
        response: { 200: z.object({ ok: z.boolean(), rows: z.number().int(), firstBad: z.object({ seq: z.number().int(), reason: z.string() }).optional() }) },
      },
    },
    async () => verifyAuditTrail(platform),
  );
};
