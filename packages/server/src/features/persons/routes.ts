import { personInputSchema, registrationPersonSchema, versionSchema, FIELD_GROUPS, idSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { decodeCursor, pageQuerySchema, pageResponseSchema } from '../../platform/http/pagination.js';
import { createPerson, listPersons, readPerson, updatePerson } from './service.js';

const personSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    fieldGroups: z.array(z.enum(FIELD_GROUPS)).describe('The field groups of this record the caller may see'),
    fields: z.record(z.string(), z.unknown()).describe('Only the fields of the visible groups'),
  })
  .meta({ id: 'Person' });

const personPatchSchema = personInputSchema.partial().extend({ version: versionSchema });
const personParams = z.strictObject({ id: idSchema });

export const personRoutes: Feature = (app, platform) => {
  app.post(
    '/api/persons',
    {
      config: { access: { permission: 'person:write', personalData: true } },
      schema: { tags: ['persons'], summary: 'Register a person (with first indicators, if any) and open their case', body: registrationPersonSchema, response: { 201: personSchema } },
    },
    async (request, reply) => reply.code(201).send(await createPerson(platform, request.ctx, request.body)),
  );

  app.get(
    '/api/persons',
    {
      config: { access: { permission: 'person:read', personalData: true } },
      schema: { tags: ['persons'], summary: 'Persons visible to my agency', querystring: pageQuerySchema, response: { 200: pageResponseSchema(personSchema) } },
    },
    async (request) => listPersons(platform, request.ctx, decodeCursor(request.query.cursor), request.query.limit),
  );

  app.get(
    '/api/persons/:id',
    {
      config: { access: { permission: 'person:read', personalData: true } },
      schema: { tags: ['persons'], summary: 'Read a person (only the field groups I may see)', params: personParams, response: { 200: personSchema } },
    },
    async (request) => readPerson(platform, request.ctx, request.params.id),
  );

  app.patch(
    '/api/persons/:id',
    {
      config: { access: { permission: 'person:write', personalData: true } },
      schema: {
        tags: ['persons'],
        summary: 'Change a person; refused with 409 when `version` is stale',
        params: personParams,
        body: personPatchSchema,
        response: { 200: personSchema },
      },
    },
    async (request) => {
      const { version, ...changes } = request.body;
      return updatePerson(platform, request.ctx, request.params.id, version, changes);
    },
  );
};
