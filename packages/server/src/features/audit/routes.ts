import { auditEventsPageSchema, auditVerificationSchema } from '@haven/core';
import { z } from 'zod';
import { withAudit } from '../../platform/audit/recorder.js';
import { verifyAuditChain } from '../../platform/audit/chain.js';
import type { Feature } from '../../platform/http/app.js';
import { badRequest } from '../../platform/http/problem.js';

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
    async (request) => {
      const { after, limit, recordType, recordId } = request.query;
      if (recordId && !recordType) throw badRequest('query:recordType', 'required with recordId');
      return withAudit(platform, request.ctx.audit, async (trx, record) => {
        let query = trx.selectFrom('audit_events').selectAll().where('seq', '>', after);
        if (recordType) query = query.where('record_type', '=', recordType);
        if (recordId) query = query.where('record_id', '=', recordId);
        const rows = await query.orderBy('seq').limit(limit + 1).execute();
        const page = rows.slice(0, limit);
        record({ action: 'audit.read', recordType: 'audit_event', recordId: null });
        return {
          items: page.map((r) => ({
            seq: Number(r.seq),
            at: r.at,
            actorUserId: r.actor_user_id,
            actorAgencyId: r.actor_agency_id,
            action: r.action,
            recordType: r.record_type,
            recordId: r.record_id,
            fields: JSON.parse(r.fields) as string[],
            requestId: r.request_id,
            clientAddress: r.client_address,
            hash: r.hash,
          })),
          nextAfter: rows.length > limit ? Number(page[page.length - 1]!.seq) : null,
        };
      });
    },
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
    async () => verifyAuditChain(platform.database.db, platform.cipher),
  );
};
