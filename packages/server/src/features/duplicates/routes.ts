import { idSchema, likelyDuplicateSchema, mergedIntoSchema, personMergeSchema, textSchema, likelyDuplicatesSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { mergedInto, mergePersons, unmergePersons } from './merge.js';
import { likelyDuplicates } from './service.js';

const personParams = z.strictObject({ id: idSchema });

// Defined in core (the web app types its answers with it); the registration routes take it from here.
export { likelyDuplicateSchema };

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
    '/api/persons/:id/duplicates',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'Your role may not read the identity fields that matching compares.' },
      },
      schema: {
        tags: ['persons'],
        summary: 'Likely duplicates of a person among those I may see, best first, with the reasons',
        params: personParams,
        response: { 200: likelyDuplicatesSchema },
      },
    },
    async (request) => ({ items: await likelyDuplicates(request.store, request.params.id) }),
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
