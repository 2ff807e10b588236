import { caseChangeSchema, consularNotificationSchema, consularRightsSchema, detentionEndSchema, detentionInputSchema, idSchema, textSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { changeCase, endDetention, readCase, recordConsularNotification, recordConsularRights, recordDetention } from './service.js';

const caseSchema = z
  .object({
    id: z.uuid(),
    personId: z.uuid(),
    agencyId: z.uuid(),
    officerId: z.string().nullable(),
    stage: z.string(),
    stageReason: z.string().nullable(),
    riskLevel: z.string().nullable(),
    consular: z.string(),
    asylumClaim: z.string(),
    bestInterestsDetermined: z.boolean(),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Case' });
const detentionSchema = z
  .object({ id: z.uuid(), place: z.string(), since: z.string(), until: z.string().nullable(), legalBasis: z.string(), version: z.number().int() })
  .meta({ id: 'Detention' });
const personParams = z.strictObject({ id: idSchema });

export const caseRoutes: Feature = (app, platform) => {
  app.get(
    '/api/persons/:id/case',
    {
      config: { access: { permission: 'person:read', personalData: true } },
      schema: { tags: ['cases'], summary: 'The case of a person: stage, officer, and the facts the engine reads', params: personParams, response: { 200: caseSchema } },
    },
    async (request) => readCase(platform, request.ctx, request.params.id),
  );

  app.patch(
    '/api/cases/:id',
    {
      config: { access: { permission: 'case:manage', personalData: true } },
      schema: {
        tags: ['cases'],
        summary: 'Move a case on, close or reopen it with a reason, assign it, or record consular choice, asylum claim, best-interests determination',
        params: personParams,
        body: caseChangeSchema,
        response: { 200: caseSchema },
      },
    },
    async (request) => changeCase(platform, request.ctx, request.params.id, request.body),
  );

  app.post(
    '/api/persons/:id/detentions',
    {
      config: { access: { permission: 'case:manage', personalData: true }, idempotent: 201 },
      schema: {
        tags: ['cases'],
        summary: 'Record a detention that happened (starts the consular-rights clock; for a child, the release clock)',
        params: personParams,
        body: detentionInputSchema,
        response: { 201: detentionSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await recordDetention(platform, request.ctx, request.params.id, request.body)),
  );

  app.patch(
    '/api/persons/:id/detentions/:detentionId',
    {
      config: { access: { permission: 'case:manage', personalData: true } },
      schema: {
        tags: ['cases'],
        summary: 'End a detention (409 on a stale version; 422 when it would end before it started)',
        params: z.strictObject({ id: idSchema, detentionId: idSchema }),
        body: detentionEndSchema,
        response: { 200: detentionSchema },
      },
    },
    async (request) => endDetention(platform, request.ctx, request.params.id, request.params.detentionId, request.body.version, request.body.until),
  );

  app.post(
    '/api/persons/:id/consular-rights',
    {
      config: { access: { permission: 'case:manage', personalData: true }, idempotent: 201 },
      schema: {
        tags: ['cases'],
        summary: 'Record that the person was informed of their consular rights (time, language) and their choice',
        params: personParams,
        body: consularRightsSchema,
        response: { 201: z.object({ consular: z.string() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await recordConsularRights(platform, request.ctx, request.params.id, request.body)),
  );

  app.post(
    '/api/persons/:id/consular-notifications',
    {
      config: { access: { permission: 'case:manage', personalData: true }, idempotent: 201 },
      schema: {
        tags: ['cases'],
        summary: 'Record a notification sent to the consular post (guarded: refused while confidentiality stands unless the person asked)',
        params: personParams,
        body: consularNotificationSchema.extend({ overrideReason: textSchema(2000).optional() }),
        response: { 201: z.object({ id: z.uuid(), overridden: z.boolean() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await recordConsularNotification(platform, request.ctx, request.params.id, request.body)),
  );
};
