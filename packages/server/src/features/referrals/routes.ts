import {
  consentInputSchema,
  consentViewSchema,
  consentWithdrawalSchema,
  idSchema,
  inboxQuerySchema,
  proposalQuerySchema,
  referralProposalSchema,
  referralViewSchema,
  referralCompletionSchema,
  referralDeclineSchema,
  referralInputSchema,
  referralSendSchema,
  referralTransitionSchema,
  serviceGapInputSchema,
  serviceGapQuerySchema,
  serviceGapViewSchema,
} from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { personConsents, recordConsent, withdrawConsent } from './consents.js';
import { listServiceGaps, recordServiceGap } from './gaps.js';
import { createReferral, inbox, moveReferral, personReferrals, proposeReferral, readReferral, referralForm, sendReferral } from './service.js';




const idParams = z.strictObject({ id: idSchema });
const transitionSummary = (what: string) => `${what}; 409 when not allowed from the current status (naming it) or on a stale version`;

export const referralRoutes: Feature = (app) => {
  app.get(
    '/api/referrals/proposal',
    {
      config: {
        access: { permission: 'referral:send', personalData: true },
        refusals: {
          404: 'No such person, or one your agency does not work on.',
          422: 'Your agency has no area: name it (`query:area`), or an obligation that the service does not fulfil.',
        },
      },
      schema: {
        tags: ['referrals'],
        summary: "The referral an obligation needs, ready to draft: the area's default provider, the obligations served, dueBy, default shared groups, consent on file",
        querystring: proposalQuerySchema,
        response: { 200: referralProposalSchema },
      },
    },
    async (request) => proposeReferral(request.store, request.query),
  );

  app.post(
    '/api/referrals',
    {
      config: {
        access: { permission: 'referral:send', personalData: true },
        idempotent: 201,
        refusals: {
          404: 'No such person, or one your agency does not work on.',
          422: 'The provider, the service, the shared groups, the obligations or the consent does not fit (the field is named).',
        },
      },
      schema: {
        tags: ['referrals'],
        summary: 'Draft a referral (422 naming service/providerId/sharedGroups/obligations/consentId when the provider, the sharing or the consent does not fit)',
        body: referralInputSchema,
        response: { 201: referralViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createReferral(request.store, request.body)),
  );

  app.get(
    '/api/referrals/inbox',
    {
      config: { access: { permission: 'referral:receive', personalData: true } },
      schema: { tags: ['referrals'], summary: 'Referrals to my agency waiting for it (or of one status), the earliest due first', querystring: inboxQuerySchema, response: { 200: z.array(referralViewSchema) } },
    },
    async (request) => inbox(request.store, request.query.status, request.query.limit),
  );

  app.get(
    '/api/referrals/:id',
    {
      config: {
        access: { personalData: true },
        refusals: { 403: 'Your role does not work with referrals.' },
      },
      schema: { tags: ['referrals'], summary: 'A referral my agency sent or received', params: idParams, response: { 200: referralViewSchema } },
    },
    async (request) => readReferral(request.store, request.params.id),
  );

  app.get(
    '/api/referrals/:id/form.pdf',
    {
      config: {
        access: { personalData: true },
        refusals: {
          403: 'Your role does not work with referrals.',
          409: 'The referral is a draft (`referral-not-sent`) or has ended (`referral-ended`).',
        },
      },
      schema: {
        tags: ['referrals'],
        summary: 'The printable referral form: reference, service, dueBy and only the shared fields of the person (audited)',
        params: idParams,
        response: { 200: { description: 'The referral form', content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } } },
      },
    },
    async (request, reply) => {
      const { reference, pdf } = await referralForm(request.store, request.params.id);
      // The schema documents the bytes for OpenAPI; Fastify sends a Buffer as it is, unserialised.
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${reference}.pdf"`).send(pdf as unknown as string);
    },
  );

  app.post(
    '/api/referrals/:id/send',
    {
      config: {
        access: { permission: 'referral:send', personalData: true },
        refusals: {
          403: 'Sending without consent for vital interests, or overriding a guard, is for supervisors.',
          409: 'Not allowed from the current status (`referral-transition-not-allowed`, naming what is), or refused by a guard (`guard-refused`; `blockedBy` lists the obligations; `override-not-permitted` when an override was asked where the law admits none).',
          422: 'No consent fits (`consentId`), or the vital-interest reason is not one that allows sending without consent.',
        },
      },
      schema: {
        tags: ['referrals'],
        summary: transitionSummary(
          "Send a draft: needs the person's consent for this recipient and purpose (422 consentId) or a supervisor's vital-interest override; consular and voluntary-return referrals pass their guard (409 listing blocking obligations unless a supervisor overrides)",
        ),
        params: idParams,
        body: referralSendSchema,
        response: { 200: referralViewSchema },
      },
    },
    async (request) => sendReferral(request.store, request.params.id, request.body),
  );

  app.post(
    '/api/referrals/:id/accept',
    {
      config: {
        access: { permission: 'referral:receive', personalData: true },
        refusals: {
          403: 'Your role does not work with referrals.',
          409: 'Not allowed from the current status (`referral-transition-not-allowed`, naming what is).',
        },
      },
      schema: { tags: ['referrals'], summary: transitionSummary('Accept a referral to my agency'), params: idParams, body: referralTransitionSchema, response: { 200: referralViewSchema } },
    },
    async (request) => moveReferral(request.store, request.params.id, 'accept', request.body),
  );

  app.post(
    '/api/referrals/:id/decline',
    {
      config: {
        access: { permission: 'referral:receive', personalData: true },
        refusals: {
          403: 'Your role does not work with referrals.',
          409: 'Not allowed from the current status (`referral-transition-not-allowed`, naming what is).',
          422: 'A referral is declined with a reason.',
        },
      },
      schema: { tags: ['referrals'], summary: transitionSummary('Decline a referral to my agency, with a reason (its access ends)'), params: idParams, body: referralDeclineSchema, response: { 200: referralViewSchema } },
    },
    async (request) => moveReferral(request.store, request.params.id, 'decline', request.body),
  );

  app.post(
    '/api/referrals/:id/start',
    {
      config: {
        access: { permission: 'referral:receive', personalData: true },
        refusals: {
          403: 'Your role does not work with referrals.',
          409: 'Not allowed from the current status (`referral-transition-not-allowed`, naming what is).',
        },
      },
      schema: { tags: ['referrals'], summary: transitionSummary('Start the service of an accepted referral'), params: idParams, body: referralTransitionSchema, response: { 200: referralViewSchema } },
    },
    async (request) => moveReferral(request.store, request.params.id, 'start', request.body),
  );

  app.post(
    '/api/referrals/:id/complete',
    {
      config: {
        access: { permission: 'referral:receive', personalData: true },
        refusals: {
          403: 'Your role does not work with referrals.',
          409: 'Not allowed from the current status (`referral-transition-not-allowed`, naming what is).',
          422: 'Say what service was delivered (`feedback`).',
        },
      },
      schema: {
        tags: ['referrals'],
        summary: transitionSummary('Record the service delivered (feedback, stored encrypted); the obligations it serves are fulfilled'),
        params: idParams,
        body: referralCompletionSchema,
        response: { 200: referralViewSchema },
      },
    },
    async (request) => moveReferral(request.store, request.params.id, 'complete', request.body),
  );

  app.post(
    '/api/referrals/:id/close',
    {
      config: {
        access: { personalData: true },
        refusals: {
          403: 'Your role does not work with referrals.',
          409: 'Not allowed from the current status (`referral-transition-not-allowed`, naming what is).',
        },
      },
      schema: {
        tags: ['referrals'],
        summary: transitionSummary('Close a referral (the sender, or the recipient once accepted); the recipient’s access ends'),
        params: idParams,
        body: referralTransitionSchema,
        response: { 200: referralViewSchema },
      },
    },
    async (request) => moveReferral(request.store, request.params.id, 'close', request.body),
  );

  app.post(
    '/api/referrals/:id/revoke',
    {
      config: {
        access: { permission: 'referral:revoke', personalData: true },
        refusals: {
          403: 'Your role does not work with referrals.',
          409: 'Not allowed from the current status (`referral-transition-not-allowed`, naming what is).',
        },
      },
      schema: {
        tags: ['referrals'],
        summary: transitionSummary("The sending agency's supervisor revokes a referral; the recipient's access ends"),
        params: idParams,
        body: referralTransitionSchema,
        response: { 200: referralViewSchema },
      },
    },
    async (request) => moveReferral(request.store, request.params.id, 'revoke', request.body),
  );

  app.get(
    '/api/persons/:id/referrals',
    {
      config: { access: { permission: 'referral:send', personalData: true } },
      schema: { tags: ['referrals'], summary: 'Every referral of a person (the agency working on the case)', params: idParams, response: { 200: z.array(referralViewSchema) } },
    },
    async (request) => personReferrals(request.store, request.params.id),
  );

  app.post(
    '/api/persons/:id/consents',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        idempotent: 201,
        refusals: {
          409: 'The person’s consent for this purpose and recipient stands (`consent-given`): withdraw it instead.',
          422: 'No such recipient agency.',
        },
      },
      schema: {
        tags: ['referrals'],
        summary: "Record the person's decision on sharing with a recipient agency for a purpose (a service type), explained by me, in a language, with or without an interpreter",
        params: idParams,
        body: consentInputSchema,
        response: { 201: consentViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await recordConsent(request.store, request.params.id, request.body)),
  );

  app.get(
    '/api/persons/:id/consents',
    {
      config: { access: { permission: 'case:manage', personalData: true } },
      schema: { tags: ['referrals'], summary: "The person's consent decisions, oldest first", params: idParams, response: { 200: z.array(consentViewSchema) } },
    },
    async (request) => personConsents(request.store, request.params.id),
  );

  app.post(
    '/api/consents/:id/withdraw',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        refusals: { 409: 'Only a given consent can be withdrawn (`consent-not-given`).' },
      },
      schema: {
        tags: ['referrals'],
        summary: 'The person withdraws a consent: the referrals resting on it are closed and the recipients’ access ends',
        params: idParams,
        body: consentWithdrawalSchema,
        response: { 200: consentViewSchema.extend({ endedReferrals: z.array(z.uuid()) }) },
      },
    },
    async (request) => withdrawConsent(request.store, request.params.id, request.body.version),
  );

  app.post(
    '/api/service-gaps',
    {
      config: {
        access: { permission: 'referral:send', personalData: true },
        idempotent: 201,
        refusals: {
          403: 'Only an agency working on the case records a service gap.',
          404: 'No such person, or one outside your scope.',
          422: 'The area is not one of the jurisdiction (an agency, provider or pathway area).',
        },
      },
      schema: {
        tags: ['referrals'],
        summary: 'Record that no provider offers a service the person needs in an area: a service gap. The obligation stays open; the gap says why, to the supervisors and in the statistics',
        body: serviceGapInputSchema,
        response: { 201: serviceGapViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await recordServiceGap(request.store, request.body)),
  );

  app.get(
    '/api/service-gaps',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        refusals: { 404: 'No such person, or one outside your scope (`personId`).' },
      },
      schema: {
        tags: ['referrals'],
        summary: 'Service gaps my agency recorded, latest first (of one person, or all), with the open obligations each leaves unmet',
        querystring: serviceGapQuerySchema,
        response: { 200: z.array(serviceGapViewSchema) },
      },
    },
    async (request) => listServiceGaps(request.store, request.query),
  );
};
