import {
  idSchema,
  likelyDuplicateSchema,
  likelyDuplicatesSchema,
  likelyMatchElsewhereSchema,
  linkRequestAcceptSchema,
  linkRequestInputSchema,
  linkRequestListSchema,
  linkRequestRefuseSchema,
  linkRequestViewSchema,
  mergedIntoSchema,
  personMergeSchema,
  personSearchQuerySchema,
  personSearchSchema,
  textSchema,
} from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { mergedInto, mergePersons, unmergePersons } from './merge.js';
import { acceptLinkRequest, likelyDuplicates, linkRequests, refuseLinkRequest, requestLink, searchPersonsByName } from './service.js';

const LINK_REQUEST_RATE_LIMIT = { max: 30, timeWindow: '1 minute' };
/** Each search decrypts and audits up to 50 records: bounded per caller's address, like the other searches. */
const NAME_SEARCH_RATE_LIMIT = { max: 60, timeWindow: '1 minute' };

const personParams = z.strictObject({ id: idSchema });

// Defined in core (the web app types its answers with it); the registration routes take it from here.
export { likelyDuplicateSchema, likelyMatchElsewhereSchema };

/**
 * `?duplicates=true` on a registration: the answer lists each registered person's likely
 * duplicates among those the caller may see. Asked for, not by default, since the search (and
 * the audit of the records it reads) would otherwise weigh on every registration.
 */
export const registrationDuplicatesQuerySchema = z.strictObject({
  duplicates: z.enum(['true', 'false']).optional().describe('true: list likely duplicates of each person registered, with the reasons'),
});

export const duplicateRoutes: Feature = (app) => {
  app.get(
    '/api/persons/search',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        rateLimit: NAME_SEARCH_RATE_LIMIT,
        refusals: {
          403: 'Your role may not read the identity fields a name search compares.',
          422: 'The name has fewer than two words the matcher can pair (`name`).',
        },
      },
      schema: {
        tags: ['persons'],
        summary: 'Find persons within my scope by name, in any script or spelling (through the matching keys), the likeliest first',
        querystring: personSearchQuerySchema,
        response: { 200: personSearchSchema },
      },
    },
    async (request) => searchPersonsByName(request.store, request.query.name, request.query.limit),
  );

  app.get(
    '/api/persons/:id/duplicates',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'Your role may not read the identity fields that matching compares.' },
      },
      schema: {
        tags: ['persons'],
        summary: 'Likely duplicates of a person among those I may see, best first, with the reasons; and the agencies outside my scope holding a likely match (named, nothing of their record)',
        params: personParams,
        response: { 200: likelyDuplicatesSchema },
      },
    },
    async (request) => likelyDuplicates(request.store, request.params.id),
  );

  app.post(
    '/api/persons/:id/link-requests',
    {
      config: {
        access: { permission: 'person:write', personalData: true },
        // Each request tells that a likely match exists somewhere: bounded per caller's address.
        rateLimit: LINK_REQUEST_RATE_LIMIT,
        refusals: {
          403: 'Only an agency working on the case, with a role reading identity fields, asks.',
          409: 'The other record was merged into another since (`link-target-merged`, naming the agency holding the survivor), a request is already waiting (`link-request-pending`), or this record was merged away (`already_merged`).',
          422: 'The reference is not one of a likely match of this person, is too old, or names a record you may now see (`reference`).',
        },
      },
      schema: {
        tags: ['persons'],
        summary: 'Ask the agency holding a likely match of my record to link the two or take my record over; it decides',
        params: personParams,
        body: linkRequestInputSchema,
        response: { 201: linkRequestViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await requestLink(request.store, request.params.id, request.body)),
  );

  app.get(
    '/api/link-requests',
    {
      config: { access: { permission: 'person:write', personalData: true } },
      schema: {
        tags: ['persons'],
        summary: 'Link requests my agency made or must decide, pending first; each names only my own record',
        response: { 200: linkRequestListSchema },
      },
    },
    async (request) => ({ items: await linkRequests(request.store) }),
  );

  app.post(
    '/api/link-requests/:id/accept',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        refusals: {
          403: 'Only the agency holding the likely match decides; a link (a merge) needs a supervisor.',
          409: 'Already decided (`link-request-decided`), or a record was merged away since (`link-target-merged`, naming the agency holding the survivor).',
        },
      },
      schema: {
        tags: ['persons'],
        summary: 'Accept a link request: a link merges the two records (the survivor as chosen), a take-over moves the requester\'s case to my agency',
        params: personParams,
        body: linkRequestAcceptSchema,
        response: { 200: linkRequestViewSchema },
      },
    },
    async (request) => acceptLinkRequest(request.store, request.params.id, request.body),
  );

  app.post(
    '/api/link-requests/:id/refuse',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        refusals: {
          403: 'Only the agency holding the likely match decides.',
          409: 'Already decided (`link-request-decided`).',
        },
      },
      schema: {
        tags: ['persons'],
        summary: 'Refuse a link request, with a reason the requesting agency reads',
        params: personParams,
        body: linkRequestRefuseSchema,
        response: { 200: linkRequestViewSchema },
      },
    },
    async (request) => refuseLinkRequest(request.store, request.params.id, request.body),
  );

  app.post(
    '/api/persons/:id/merge',
    {
      config: {
        access: { permission: 'person:merge', personalData: true },
        refusals: {
          403: 'Merging needs the identity fields of both records.',
          409: 'One of the records was already merged into another (`already_merged`).',
          422: 'A person cannot be merged with itself.',
        },
      },
      schema: {
        tags: ['persons'],
        summary: 'Merge a duplicate into this person (supervisor): records move, the engine runs again; audited and reversible',
        params: personParams,
        body: z.strictObject({ duplicateId: idSchema, reason: textSchema(1000) }),
        response: { 201: personMergeSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await mergePersons(request.store, request.params.id, request.body.duplicateId, request.body.reason)),
  );

  app.post(
    '/api/person-merges/:id/unmerge',
    {
      config: {
        access: { permission: 'person:merge', personalData: true },
        refusals: { 409: 'The merge was already undone (`already_unmerged`).' },
      },
      schema: { tags: ['persons'], summary: 'Undo a merge: both records as they were', params: personParams, response: { 200: personMergeSchema } },
    },
    async (request) => unmergePersons(request.store, request.params.id),
  );

  app.get(
    '/api/persons/:id/merged-into',
    {
      config: { access: { permission: 'person:read', personalData: true } },
      schema: {
        tags: ['persons'],
        summary: 'Where a merged-away person went (null while the record stands on its own)',
        params: personParams,
        response: { 200: mergedIntoSchema },
      },
    },
    async (request) => mergedInto(request.store, request.params.id),
  );
};
