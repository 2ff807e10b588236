import { queuedObligationSchema, assessmentViewSchema, guardedActionResultSchema, guardedActionRequestSchema, guardsSchema, obligationViewSchema, guardedActionSchema, idSchema, oversightItemSchema, waiverSchema, openGuardSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import {
  agencyObligations,
  casesWithOpenGuards,
  myObligations,
  oversightQueue,
  performAction,
  personAssessment,
  personGuards,
  personObligations,
  waiveObligation,
} from './service.js';

const personParams = z.strictObject({ id: idSchema });
const limitQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export const obligationRoutes: Feature = (app) => {
  app.get(
    '/api/persons/:id/obligations',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'Obligations are not among the fields shared with you.' },
      },
      schema: { tags: ['obligations'], summary: 'What the State owes this person, by dueBy (overdue when open past dueBy)', params: personParams, response: { 200: z.array(obligationViewSchema) } },
    },
    async (request) => personObligations(request.store, request.params.id),
  );

  app.post(
    '/api/obligations/:id/waive',
    {
      config: {
        access: { permission: 'obligation:waive', personalData: true },
        refusals: {
          409: 'The obligation is not open (`obligation-not-open`).',
          422: 'A standing protection (non-refoulement, confidentiality, non-criminalisation: no deadline) is never waived (`standing-protection`).',
        },
      },
      schema: { tags: ['obligations'], summary: 'Waive an open obligation with a written reason (supervisors; audited; oversight sees it)', params: personParams, body: waiverSchema, response: { 200: obligationViewSchema } },
    },
    async (request) => waiveObligation(request.store, request.params.id, request.body.version, request.body.reason),
  );

  app.get(
    '/api/persons/:id/assessment',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: {
          403: 'The assessment is not among the fields shared with you.',
          409: 'The person was merged into another record (`person-merged`; `mergedInto` names it).',
        },
      },
      schema: {
        tags: ['obligations'],
        summary: 'The engine on the current facts: flags, obligations, referrals needed and guards (as `haven assess`)',
        params: personParams,
        response: {
          200: assessmentViewSchema,
        },
      },
    },
    async (request) => personAssessment(request.store, request.params.id),
  );

  app.get(
    '/api/persons/:id/guards',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: {
          403: 'Guards are not among the fields shared with you.',
          409: 'The person was merged into another record (`person-merged`; `mergedInto` names it).',
        },
      },
      schema: { tags: ['obligations'], summary: 'Whether return, sharing with the State of origin, detention and a smuggling charge are allowed, and what blocks them', params: personParams, response: { 200: guardsSchema } },
    },
    async (request) => personGuards(request.store, request.params.id),
  );

  app.post(
    '/api/persons/:id/actions/:action',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        idempotent: 201,
        refusals: {
          403: 'Only a supervisor may override a guard.',
          409: 'Refused by the guard (`guard-refused`; `blockedBy` lists the obligations; `override-not-permitted` when an override was asked where the law admits none), or the person was merged into another record (`person-merged`).',
          422: 'Detention details are missing, the person is already detained, or the time is in the future.',
        },
      },
      schema: {
        tags: ['obligations'],
        summary:
          'A guarded action; 409 listing the blocking obligations when refused, unless a supervisor overrides with a written reason where the law admits an override (a child’s detention: as a last resort, with lastResort); 409 override-not-permitted naming the protections where it admits none',
        params: z.strictObject({ id: idSchema, action: guardedActionSchema }),
        body: guardedActionRequestSchema,
        response: { 201: guardedActionResultSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await performAction(request.store, request.params.id, request.params.action, request.body)),
  );

  app.get(
    '/api/queues/my-obligations',
    {
      config: { access: { permission: 'person:write', personalData: true } },
      schema: { tags: ['queues'], summary: 'My open obligations (cases assigned to me), by dueBy', querystring: limitQuery, response: { 200: z.array(queuedObligationSchema) } },
    },
    async (request) => myObligations(request.store, request.query.limit),
  );

  app.get(
    '/api/queues/agency-obligations',
    {
      config: { access: { permission: 'person:write', personalData: true } },
      schema: {
        tags: ['queues'],
        summary: "My agency's overdue obligations, or those due in the next 24 hours",
        querystring: limitQuery.extend({ window: z.enum(['overdue', 'due24h']) }),
        response: { 200: z.array(queuedObligationSchema) },
      },
    },
    async (request) => agencyObligations(request.store, request.query.window, request.query.limit),
  );

  app.get(
    '/api/queues/open-guards',
    {
      config: { access: { permission: 'person:write', personalData: true } },
      schema: {
        tags: ['queues'],
        summary: "My agency's cases where a guarded action is blocked, with the blocking obligations",
        querystring: limitQuery,
        response: { 200: z.array(openGuardSchema) },
      },
    },
    async (request) => casesWithOpenGuards(request.store, request.query.limit),
  );

  app.get(
    '/api/oversight/queue',
    {
      config: { access: { permission: 'oversight:read' } },
      schema: {
        tags: ['oversight'],
        summary:
          "Waivers, guard overrides and obligations left overdue beyond the SOP profile's escalation limit (which obligation, which agency, how long; not whose), latest first (the oversight body sees every agency; a supervisor their own); for the oversight body also the changes of staff access to personal data that needed a second administrator, pending and decided, by name",
        querystring: limitQuery,
        response: {
          200: z.array(oversightItemSchema),
        },
      },
    },
    async (request) => oversightQueue(request.store, request.query.limit),
  );
};
