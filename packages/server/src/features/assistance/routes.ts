import { assistanceInputSchema, assistanceViewSchema, idSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { assistanceLog, assistPerson } from './service.js';

const params = z.strictObject({ id: idSchema });

export const assistanceRoutes: Feature = (app) => {
  app.post(
    '/api/persons/:id/assistance',
    {
      config: {
        access: { permission: 'assistance:write', personalData: true },
        idempotent: 201,
        refusals: { 422: 'The time given is in the future.' },
      },
      schema: { tags: ['assistance'], summary: 'Record assistance given to a person (discharges the obligations it fulfils)', params, body: assistanceInputSchema, response: { 201: assistanceViewSchema } },
    },
    async (request, reply) => reply.code(201).send(await assistPerson(request.store, request.params.id, request.body)),
  );

  app.get(
    '/api/persons/:id/assistance',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'The assistance log is not among the fields shared with you.' },
      },
      schema: { tags: ['assistance'], summary: 'The assistance log of a person', params, response: { 200: z.array(assistanceViewSchema) } },
    },
    async (request) => assistanceLog(request.store, request.params.id),
  );
};
