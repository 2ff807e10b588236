import { assignableOfficerSchema, CASE_STAGES, caseAssignmentsSchema, caseChangeSchema, caseHistoryEntrySchema, intakeItemSchema, caseListPageSchema, caseViewSchema, consularRecordSchema, detentionViewSchema, consularNotificationSchema, consularRightsSchema, detentionEndSchema, detentionInputSchema, idSchema, textSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { decodeCursor, pageQuerySchema } from '../../platform/http/pagination.js';
import { assignCases, intakeQueue, officersToAssign } from './intake.js';
import { listCases } from './list.js';
import { changeCase, endDetention, readCase, readCaseHistory, readConsularRecord, recordConsularNotification, recordConsularRights, recordDetention } from './service.js';

const personParams = z.strictObject({ id: idSchema });

const caseListQuerySchema = pageQuerySchema.extend({
  stage: z.enum(CASE_STAGES).optional().describe('One stage; without it, every case not closed'),
  assigned: z.enum(['me', 'nobody']).optional().describe('me: assigned to me; nobody: not yet assigned'),
});

export const caseRoutes: Feature = (app) => {
  app.get(
    '/api/cases',
    {
      config: { access: { permission: 'case:manage', personalData: true } },
      schema: {
        tags: ['cases'],
        summary: "My agency's cases, newest first: stage, officer, the person at a glance, open and overdue obligations and the next deadline",
        querystring: caseListQuerySchema,
        response: { 200: caseListPageSchema },
      },
    },
    async (request) => {
      const { stage, assigned, cursor, limit } = request.query;
      return listCases(request.store, { stage, assigned }, decodeCursor(cursor), limit);
    },
  );

  app.get(
    '/api/queues/intake',
    {
      config: { access: { permission: 'case:manage', personalData: true } },
      schema: {
        tags: ['queues'],
        summary:
          "My agency's intake queue: its open cases no officer has yet, in triage order (medical emergency, unaccompanied child, child, pregnant, other), then the obligation due first, then the earliest arrival",
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.array(intakeItemSchema) },
      },
    },
    async (request) => intakeQueue(request.store, request.query.limit),
  );

  app.get(
    '/api/agency/officers',
    {
      config: { access: { permission: 'case:manage' } },
      schema: {
        tags: ['cases'],
        summary: "Who in my agency a case may be assigned to: active protection officers and supervisors, by name, with the open cases each carries",
        response: { 200: z.array(assignableOfficerSchema) },
      },
    },
    async (request) => officersToAssign(request.store),
  );

  app.post(
    '/api/cases/assignments',
    {
      config: {
        access: { permission: 'case:assign', personalData: true },
        refusals: {
          403: 'A case is one your agency does not work on (shared with it by a referral).',
          404: 'A case does not exist or is outside your scope (both get the same answer).',
          409: 'A case changed since its version was read (`stale-version`; `currentVersion` names the current one).',
          422: 'The officer is not an active protection officer or supervisor of the agency working on the cases.',
        },
      },
      schema: {
        tags: ['cases'],
        summary: 'Assign several cases to one officer (supervisors): all of them in one transaction, or none; each as a single assignment is checked and audited',
        body: caseAssignmentsSchema,
        response: { 200: z.array(caseViewSchema) },
      },
    },
    async (request) => assignCases(request.store, request.body),
  );

  app.get(
    '/api/persons/:id/case',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'The case is not among the fields shared with you.' },
      },
      schema: { tags: ['cases'], summary: 'The case of a person: stage, officer, and the facts the engine reads', params: personParams, response: { 200: caseViewSchema } },
    },
    async (request) => readCase(request.store, request.params.id),
  );

  app.get(
    '/api/persons/:id/case/history',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'The case is not among the fields shared with you.' },
      },
      schema: {
        tags: ['cases'],
        summary: 'The history of a person\'s case, oldest first: registered by whom, handed over by rule to which agency and by when to take it up, taken up, screened, changed',
        params: personParams,
        response: { 200: z.array(caseHistoryEntrySchema) },
      },
    },
    async (request) => readCaseHistory(request.store, request.params.id),
  );

  app.patch(
    '/api/cases/:id',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        refusals: { 422: 'Closing or reopening without a reason, a stage moved backwards, or an officer who is not an active user of the agency.' },
      },
      schema: {
        tags: ['cases'],
        summary: 'Move a case on, close or reopen it with a reason, assign it, or record consular choice, asylum claim, best-interests determination',
        params: personParams,
        body: caseChangeSchema,
        response: { 200: caseViewSchema },
      },
    },
    async (request) => changeCase(request.store, request.params.id, request.body),
  );

  app.get(
    '/api/persons/:id/consular',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'The detention and consular record is not among the fields shared with you.' },
      },
      schema: {
        tags: ['cases'],
        summary:
          "A person's detentions and consular rights: detentions (current first), consular rights explained (when, language, by whom), notifications sent to the post, and the profile's mandatory-notification nationalities",
        params: personParams,
        response: { 200: consularRecordSchema },
      },
    },
    async (request) => readConsularRecord(request.store, request.params.id),
  );

  app.post(
    '/api/persons/:id/detentions',
    {
      config: {
        access: { permission: 'detention:record', personalData: true },
        idempotent: 201,
        refusals: {
          403: 'Your agency does not work on the case (and holds no handover access to it).',
          422: 'The person is already detained (end that detention first), or the time is in the future.',
        },
      },
      schema: {
        tags: ['cases'],
        summary: 'Record a detention that happened (starts the consular-rights clock; for a child, the release clock)',
        params: personParams,
        body: detentionInputSchema,
        response: { 201: detentionViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await recordDetention(request.store, request.params.id, request.body)),
  );

  app.patch(
    '/api/persons/:id/detentions/:detentionId',
    {
      config: {
        access: { permission: 'detention:record', personalData: true },
        // A device's retry after a lost answer replays it instead of meeting its own new version.
        idempotent: 200,
        refusals: {
          403: 'Your agency does not work on the case (and holds no handover access to it).',
          409: 'The detention changed since its version was read (`stale-version`; `currentVersion` names the current one).',
          422: 'The end is before the detention started, or in the future.',
        },
      },
      schema: {
        tags: ['cases'],
        summary: 'End a detention (409 on a stale version; 422 when it would end before it started)',
        params: z.strictObject({ id: idSchema, detentionId: idSchema }),
        body: detentionEndSchema,
        response: { 200: detentionViewSchema },
      },
    },
    async (request) => endDetention(request.store, request.params.id, request.params.detentionId, request.body.version, request.body.until),
  );

  app.post(
    '/api/persons/:id/consular-rights',
    {
      config: {
        access: { permission: 'detention:record', personalData: true },
        idempotent: 201,
        refusals: {
          403: 'Your agency does not work on the case (and holds no handover access to it).',
          422: 'The time is in the future.',
        },
      },
      schema: {
        tags: ['cases'],
        summary: 'Record that the person was informed of their consular rights (time, language) and their choice',
        params: personParams,
        body: consularRightsSchema,
        response: { 201: z.object({ consular: z.string() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await recordConsularRights(request.store, request.params.id, request.body)),
  );

  app.post(
    '/api/persons/:id/consular-notifications',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        idempotent: 201,
        refusals: {
          403: 'Only a supervisor may override a guard.',
          409: 'Refused by the guard on sharing with the State of origin (`guard-refused`; `blockedBy` lists the obligations; `override-not-permitted` when an override was asked where the law admits none), or the person was merged into another record (`person-merged`).',
          422: 'The time is in the future.',
        },
      },
      schema: {
        tags: ['cases'],
        summary: 'Record a notification sent to the consular post (guarded: refused while confidentiality stands unless the person asked; no override lifts that)',
        params: personParams,
        body: consularNotificationSchema.extend({ overrideReason: textSchema(2000).optional() }),
        response: { 201: z.object({ id: z.uuid(), overridden: z.boolean() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await recordConsularNotification(request.store, request.params.id, request.body)),
  );
};
