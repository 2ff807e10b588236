import { ERASURE_REQUESTERS, erasureRequestViewSchema, idSchema, legalHoldOverviewSchema, legalHoldViewSchema, RETENTION_RECORD_TYPES, RETENTION_WORDS, textSchema, versionSchema, erasureRequestsSchema, legalHoldsSchema, retentionPolicySchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { decodeCursor, pageQuerySchema, pageResponseSchema } from '../../platform/http/pagination.js';
import { erasureRequestsOf, legalHoldsOf, legalHoldsOverview, placeLegalHold, releaseAnyLegalHold, releaseLegalHold, requestErasure, retentionTotalsNow, runRetention } from './service.js';

const releaseBody = z.strictObject({ version: versionSchema, reason: textSchema(2000).describe('Why the hold is released, in writing (encrypted, audited)') });

const personParams = z.strictObject({ id: idSchema });

export const retentionRoutes: Feature = (app, platform) => {
  app.post(
    '/api/persons/:id/erasure-requests',
    {
      config: {
        access: { permission: 'erasure:request', personalData: true },
        refusals: { 409: 'The person’s personal data was already destroyed (`already-purged`).' },
      },
      schema: {
        tags: ['retention'],
        summary:
          "Record a person's request to erase their data. Carried out at once (status carried_out: personal fields, documents, statements, free text and derived keys destroyed; counts and the audit trail kept) unless a hold stands: then recorded as refused, naming each hold. 409 when already destroyed",
        params: personParams,
        body: z.strictObject({
          requestedBy: z.enum(ERASURE_REQUESTERS).describe('Who asked: the person, their legal representative or guardian'),
          reason: textSchema(2000).nullable().optional(),
        }),
        response: { 201: erasureRequestViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await requestErasure(request.store, request.params.id, request.body)),
  );

  app.get(
    '/api/persons/:id/erasure-requests',
    {
      config: { access: { permission: 'erasure:request', personalData: true } },
      schema: {
        tags: ['retention'],
        summary: "A person's erasure requests, whether the record is purged, and the holds standing now",
        params: personParams,
        response: { 200: erasureRequestsSchema },
      },
    },
    async (request) => erasureRequestsOf(request.store, request.params.id),
  );

  app.post(
    '/api/persons/:id/legal-holds',
    {
      config: {
        access: { permission: 'legal_hold:manage', personalData: true },
        refusals: {
          409: 'The person’s personal data was already destroyed (`already-purged`).',
          422: 'The investigation named is not one you can see (`investigationId`): neither your agency’s, nor one the person is linked to in a case your agency works on.',
        },
      },
      schema: {
        tags: ['retention'],
        summary:
          "Place a legal hold with its reason: the person's record is kept past retention and an erasure request is refused until it is released. Placed for an investigation or prosecution, only that investigation's agency (or the oversight body) releases it",
        params: personParams,
        body: z.strictObject({
          reason: textSchema(2000),
          investigationId: idSchema
            .optional()
            .describe("The investigation or prosecution it is for: one of your agency, or one the person is linked to in a case your agency works on (422 for any other, as for one that does not exist)"),
        }),
        response: { 201: legalHoldViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await placeLegalHold(request.store, request.params.id, request.body)),
  );

  app.get(
    '/api/persons/:id/legal-holds',
    {
      config: { access: { permission: 'legal_hold:manage', personalData: true } },
      schema: {
        tags: ['retention'],
        summary: 'The legal holds recorded on a person (placed and released, with their reasons) and every hold standing now',
        params: personParams,
        response: { 200: legalHoldsSchema },
      },
    },
    async (request) => legalHoldsOf(request.store, request.params.id),
  );

  app.post(
    '/api/legal-holds/:id/release',
    {
      config: {
        access: { permission: 'legal_hold:manage', personalData: true },
        refusals: { 409: 'The hold was already released (`already-released`).' },
      },
      schema: {
        tags: ['retention'],
        summary:
          "Release a legal hold with a written reason: only the agency that placed it or, for a hold placed for an investigation, that investigation's agency. 403 naming who may to one who sees the person; 404 to anyone else, as for a hold that does not exist; 409 when already released or on a stale version",
        params: personParams,
        body: releaseBody,
        response: { 200: legalHoldViewSchema },
      },
    },
    async (request) => releaseLegalHold(request.store, request.params.id, request.body),
  );

  app.get(
    '/api/oversight/legal-holds',
    {
      config: { access: { permission: 'legal_hold:oversee' } },
      schema: {
        tags: ['oversight'],
        summary: 'Every legal hold of every agency, newest first: who placed it, for which investigation, who may release it — without the reasons or anything else personal',
        querystring: pageQuerySchema.extend({ status: z.enum(['standing', 'released']).optional() }),
        response: { 200: pageResponseSchema(legalHoldOverviewSchema) },
      },
    },
    async (request) => legalHoldsOverview(request.store, { status: request.query.status }, decodeCursor(request.query.cursor), request.query.limit),
  );

  app.post(
    '/api/oversight/legal-holds/:id/release',
    {
      config: { access: { permission: 'legal_hold:oversee', personalData: true } },
      schema: {
        tags: ['oversight'],
        summary: 'The oversight body releases any legal hold with a written reason (audited; 409 when already released or on a stale version)',
        params: personParams,
        body: releaseBody,
        response: { 200: legalHoldOverviewSchema },
      },
    },
    async (request) => releaseAnyLegalHold(request.store, request.params.id, request.body),
  );

  app.get(
    '/api/retention',
    {
      config: { access: { permission: 'settings:manage' } },
      schema: {
        tags: ['retention'],
        summary: "The jurisdiction's retention periods and what is due now (a dry run: nothing is changed; `haven retention run` purges), the legal holds standing, the erasure requests by decision and when data was last destroyed",
        response: { 200: retentionPolicySchema },
      },
    },
    async () => ({
      profile: platform.profile.id,
      periods: RETENTION_RECORD_TYPES.map((recordType) => ({ recordType, period: platform.profile.retention[recordType].iso, countedFrom: RETENTION_WORDS[recordType] })),
      due: await runRetention(platform, { dryRun: true }),
      ...(await retentionTotalsNow(platform)),
    }),
  );
};
