import { idSchema, screeningInputSchema, screeningViewSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { screeningHistory, screenPerson } from './service.js';

const params = z.strictObject({ id: idSchema });

export const screeningRoutes: Feature = (app) => {
  app.post(
    '/api/persons/:id/screenings',
    {
      config: {
        access: { permission: 'screening:write', personalData: true },
        idempotent: 201,
        refusals: { 422: 'The screening time is in the future.' },
      },
      schema: { tags: ['screening'], summary: 'Record a screening (a new version; earlier ones are kept)', params, body: screeningInputSchema, response: { 201: screeningViewSchema } },
    },
    async (request, reply) => reply.code(201).send(await screenPerson(request.store, request.params.id, request.body)),
  );

  app.get(
    '/api/persons/:id/screenings',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'Screening results are not among the fields shared with you.' },
      },
      schema: { tags: ['screening'], summary: 'Screening history, oldest first', params, response: { 200: z.array(screeningViewSchema) } },
    },
    async (request) => screeningHistory(request.store, request.params.id),
  );
};
