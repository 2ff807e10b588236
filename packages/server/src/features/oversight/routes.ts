import { ALLEGATION_STATUSES, allegationChangeSchema, allegationSchema, allegationInputSchema, allegationReceiptSchema, idSchema, recordTrailSchema, allegationFollowUpSchema, allegationReceiptViewSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { decodeCursor, pageQuerySchema, pageResponseSchema } from '../../platform/http/pagination.js';
import { changeAllegation, fileAllegationAnonymously, fileAllegationAsUser, followUpAllegation, listAllegations, readAllegation, recordAuditTrail } from './service.js';

/** Anonymous intake: a handful of reports per address per hour is plenty for a person, too few for a flood. */
const PUBLIC_INTAKE_RATE_LIMIT = { max: 5, timeWindow: '1 hour' };
/** Following up with a receipt: enough to check now and then, too few to guess receipts (80 random bits anyway). */
const PUBLIC_FOLLOW_UP_RATE_LIMIT = { max: 30, timeWindow: '1 hour' };

export const oversightRoutes: Feature = (app) => {
  app.post(
    '/api/allegations',
    {
      config: { access: { permission: 'allegation:file' }, idempotent: 201 },
      schema: {
        tags: ['oversight'],
        summary: 'Report a failure to assist, under my name; the answer carries a receipt code to follow it up',
        body: allegationInputSchema,
        response: { 201: allegationReceiptViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await fileAllegationAsUser(request.store, request.body)),
  );

  app.post(
    '/api/public/allegations',
    {
      config: { access: { public: true }, rateLimit: PUBLIC_INTAKE_RATE_LIMIT },
      // A description of at most 5,000 characters fits well within this, whatever the script.
      bodyLimit: 64 * 1024,
      schema: {
        tags: ['oversight'],
        summary: 'Report a failure to assist anonymously, without signing in: a description only, nothing about yourself; keep the receipt code (5 per hour per address)',
        body: allegationInputSchema,
        response: { 201: allegationReceiptViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await fileAllegationAnonymously(request.store, request.body)),
  );

  app.get(
    '/api/public/allegations/:receipt',
    {
      config: { access: { public: true }, rateLimit: PUBLIC_FOLLOW_UP_RATE_LIMIT },
      schema: {
        tags: ['oversight'],
        summary: 'Where an allegation stands, by its receipt code: status and last update only',
        params: z.strictObject({ receipt: allegationReceiptSchema }),
        response: { 200: allegationFollowUpSchema },
      },
    },
    async (request) => followUpAllegation(request.store, request.params.receipt),
  );

  app.get(
    '/api/oversight/allegations',
    {
      config: { access: { permission: 'allegation:investigate', personalData: true } },
      schema: {
        tags: ['oversight'],
        summary: 'Allegations my oversight agency handles (and any not yet assigned), newest first',
        querystring: pageQuerySchema.extend({ status: z.enum(ALLEGATION_STATUSES).optional() }),
        response: { 200: pageResponseSchema(allegationSchema) },
      },
    },
    async (request) => listAllegations(request.store, { status: request.query.status }, decodeCursor(request.query.cursor), request.query.limit),
  );

  app.get(
    '/api/oversight/allegations/:id',
    {
      config: { access: { permission: 'allegation:investigate', personalData: true } },
      schema: { tags: ['oversight'], summary: 'An allegation my oversight agency handles', params: z.strictObject({ id: idSchema }), response: { 200: allegationSchema } },
    },
    async (request) => readAllegation(request.store, request.params.id),
  );

  app.patch(
    '/api/oversight/allegations/:id',
    {
      config: {
        access: { permission: 'allegation:investigate', personalData: true },
        refusals: {
          409: 'A move not allowed (`transition-not-allowed`, naming what is), or the allegation is closed (`allegation-closed`).',
          422: 'Findings or a remedy missing, or a person, obligation, incident or oversight agency that does not exist or does not fit.',
        },
      },
      schema: {
        tags: ['oversight'],
        summary:
          'Investigate an allegation: link it to the person, obligation or incident concerned, move it on (received → under_investigation → substantiated | unsubstantiated → closed), record findings and remedy (409 on a stale version or a move not allowed)',
        params: z.strictObject({ id: idSchema }),
        body: allegationChangeSchema,
        response: { 200: allegationSchema },
      },
    },
    async (request) => changeAllegation(request.store, request.params.id, request.body),
  );

  app.get(
    '/api/oversight/records/:recordType/:recordId/audit',
    {
      config: { access: { permission: 'audit:read' } },
      schema: {
        tags: ['oversight'],
        summary: 'The audit trail of one record (who did what, when, from where; field names, never values), oldest first',
        params: z.strictObject({
          recordType: z.string().regex(/^[a-z][a-z_]{0,49}$/, 'must be a record type such as person, case or obligation'),
          recordId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a record id'),
        }),
        querystring: z.strictObject({
          after: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: recordTrailSchema },
      },
    },
    async (request) => recordAuditTrail(request.store, request.params.recordType, request.params.recordId, request.query.after, request.query.limit),
  );
};
