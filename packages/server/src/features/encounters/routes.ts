import { assistanceInputSchema, encounterInputSchema, encounterViewSchema, idSchema, massRegistrationSchema, triageEntrySchema, versionSchema, encounterRegistrationSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { decodeCursor, pageQuerySchema, pageResponseSchema } from '../../platform/http/pagination.js';
import { registrationDuplicatesQuerySchema } from '../duplicates/routes.js';
import { likelyDuplicatesOfRegistered } from '../duplicates/service.js';
import { assistEveryone, createEncounter, listEncounters, readEncounter, registerAtEncounter, triageList, updateEncounter } from './service.js';

const params = z.strictObject({ id: idSchema });
// A correction changes only what it names: without the defaults of creation (dead and missing
// default to 0), or correcting the time would wipe the count of the dead and the missing.
const encounterPatchSchema = encounterInputSchema
  .extend({ dead: encounterInputSchema.shape.dead.unwrap(), missing: encounterInputSchema.shape.missing.unwrap() })
  .partial()
  .extend({ version: versionSchema });

export const encounterRoutes: Feature = (app) => {
  app.post(
    '/api/encounters',
    {
      config: {
        access: { permission: 'encounter:write' },
        idempotent: 201,
        refusals: { 422: 'The time is in the future.' },
      },
      schema: { tags: ['encounters'], summary: 'Record an encounter (a rescue, an interception, an apprehension)', body: encounterInputSchema, response: { 201: encounterViewSchema } },
    },
    async (request, reply) => reply.code(201).send(await createEncounter(request.store, request.body)),
  );

  app.get(
    '/api/encounters',
    {
      config: { access: { permission: 'encounter:read' } },
      schema: { tags: ['encounters'], summary: "My agency's encounters, latest first", querystring: pageQuerySchema, response: { 200: pageResponseSchema(encounterViewSchema) } },
    },
    async (request) => listEncounters(request.store, decodeCursor(request.query.cursor), request.query.limit),
  );

  app.get(
    '/api/encounters/:id',
    {
      config: { access: { permission: 'encounter:read' } },
      schema: { tags: ['encounters'], summary: 'An encounter', params, response: { 200: encounterViewSchema } },
    },
    async (request) => readEncounter(request.store, request.params.id),
  );

  app.patch(
    '/api/encounters/:id',
    {
      config: {
        access: { permission: 'encounter:write' },
        refusals: { 422: 'The time is in the future.' },
      },
      schema: {
        tags: ['encounters'],
        summary: 'Correct an encounter (409 on a stale version); its persons’ obligations follow',
        params,
        body: encounterPatchSchema,
        response: { 200: encounterViewSchema },
      },
    },
    async (request) => {
      const { version, ...changes } = request.body;
      return updateEncounter(request.store, request.params.id, version, changes);
    },
  );

  app.post(
    '/api/encounters/:id/persons',
    {
      config: {
        access: { permission: 'person:write', personalData: true },
        idempotent: 201,
        refusals: { 422: 'A birth date is in the future (`persons.N.birthDate`).' },
      },
      schema: {
        tags: ['encounters'],
        summary: 'Mass registration: up to 1,000 persons, each with case, first indicators and obligations, in one transaction',
        params,
        querystring: registrationDuplicatesQuerySchema,
        body: massRegistrationSchema,
        response: { 201: encounterRegistrationSchema },
      },
    },
    async (request, reply) => {
      const registered = await registerAtEncounter(request.store, request.params.id, request.body.persons);
      if (request.query.duplicates !== 'true') return reply.code(201).send(registered);
      const duplicates = await likelyDuplicatesOfRegistered(request.store, registered.persons.map((person) => person.id));
      return reply.code(201).send({
        ...registered,
        persons: registered.persons.map((person) => ({ ...person, likelyDuplicates: duplicates.get(person.id)?.items ?? [], likelyMatchesElsewhere: duplicates.get(person.id)?.elsewhere ?? [] })),
      });
    },
  );

  app.get(
    '/api/encounters/:id/triage',
    {
      config: { access: { permission: 'encounter:read', personalData: true } },
      schema: {
        tags: ['encounters'],
        summary: 'Triage list: medical emergencies, then children (unaccompanied first), pregnant women, others',
        params,
        response: { 200: z.array(triageEntrySchema) },
      },
    },
    async (request) => triageList(request.store, request.params.id),
  );

  app.post(
    '/api/encounters/:id/assistance',
    {
      config: {
        access: { permission: 'assistance:write', personalData: true },
        idempotent: 201,
        refusals: { 422: 'The time given is in the future.' },
      },
      schema: {
        tags: ['encounters'],
        summary: 'Quick logging: the same assistance given to everyone registered at the encounter',
        params,
        body: assistanceInputSchema.omit({ notes: true }),
        response: { 201: z.object({ recorded: z.number().int() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await assistEveryone(request.store, request.params.id, request.body)),
  );
};
