import {
  idSchema,
  okSchema,
  pathwayInputSchema,
  pathwayViewSchema,
  pathwayPatchSchema,
  providerAvailabilitySchema,
  providerInputSchema,
  providerPatchSchema,
  providerViewSchema,
  serviceTypeSchema,
  textSchema,
  versionSchema,
} from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import {
  createPathway,
  createProvider,
  deletePathway,
  listMyProviders,
  listPathways,
  listProviders,
  readProvider,
  updateAvailability,
  updatePathway,
  updateProvider,
} from './service.js';

const idParams = z.strictObject({ id: idSchema });

export const directoryRoutes: Feature = (app) => {
  app.get(
    '/api/directory/providers',
    {
      config: { access: { permission: 'directory:read' } },
      schema: {
        tags: ['directory'],
        summary: 'Service providers, optionally those offering a service, in an area, or run by an agency',
        querystring: z.strictObject({ service: serviceTypeSchema.optional(), area: textSchema(200).optional(), agencyId: idSchema.optional() }),
        response: { 200: z.array(providerViewSchema) },
      },
    },
    async (request) => listProviders(request.store, request.query),
  );

  app.get(
    '/api/agency/providers',
    {
      config: { access: { permission: 'referral:receive' } },
      schema: {
        tags: ['directory'],
        summary: "My agency's entries in the directory, with their capacity and the free places last reported",
        response: { 200: z.array(providerViewSchema) },
      },
    },
    async (request) => listMyProviders(request.store),
  );

  app.post(
    '/api/directory/providers',
    {
      config: {
        access: { permission: 'directory:manage' },
        idempotent: 201,
        refusals: { 422: 'An agency named does not exist, or more places available than the capacity.' },
      },
      schema: { tags: ['directory'], summary: 'Add a service provider to the directory', body: providerInputSchema, response: { 201: providerViewSchema } },
    },
    async (request, reply) => reply.code(201).send(await createProvider(request.store, request.body)),
  );

  app.get(
    '/api/directory/providers/:id',
    {
      config: { access: { permission: 'directory:read' } },
      schema: { tags: ['directory'], summary: 'One service provider', params: idParams, response: { 200: providerViewSchema } },
    },
    async (request) => readProvider(request.store, request.params.id),
  );

  app.patch(
    '/api/directory/providers/:id',
    {
      config: {
        access: { permission: 'directory:manage' },
        refusals: {
          422: 'An agency named does not exist, more places available than the capacity, or a service type dropped that a pathway still needs from this provider.',
        },
      },
      schema: {
        tags: ['directory'],
        summary: 'Change a service provider (409 on a stale version; 422 when a pathway still needs a service it drops)',
        params: idParams,
        body: providerPatchSchema,
        response: { 200: providerViewSchema },
      },
    },
    async (request) => updateProvider(request.store, request.params.id, request.body),
  );

  app.patch(
    '/api/directory/providers/:id/availability',
    {
      config: {
        access: { permission: 'referral:receive' },
        refusals: { 422: 'More places available than the capacity.' },
      },
      schema: {
        tags: ['directory'],
        summary: "My agency's provider reports its free places now",
        params: idParams,
        body: providerAvailabilitySchema,
        response: { 200: providerViewSchema },
      },
    },
    async (request) => updateAvailability(request.store, request.params.id, request.body.version, request.body.available),
  );

  app.get(
    '/api/directory/pathways',
    {
      config: { access: { permission: 'directory:read' } },
      schema: {
        tags: ['directory'],
        summary: 'Referral pathways: the default provider per service type and area',
        querystring: z.strictObject({ service: serviceTypeSchema.optional(), area: textSchema(200).optional() }),
        response: { 200: z.array(pathwayViewSchema) },
      },
    },
    async (request) => listPathways(request.store, { serviceType: request.query.service, area: request.query.area }),
  );

  app.post(
    '/api/directory/pathways',
    {
      config: {
        access: { permission: 'directory:manage' },
        idempotent: 201,
        refusals: {
          409: 'The area already has a default provider for this service (`pathway-exists`).',
          422: 'No such provider, or it does not offer the service.',
        },
      },
      schema: {
        tags: ['directory'],
        summary: 'Set the default provider for a service type in an area (409 when that area already has one)',
        body: pathwayInputSchema,
        response: { 201: pathwayViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createPathway(request.store, request.body)),
  );

  app.patch(
    '/api/directory/pathways/:id',
    {
      config: {
        access: { permission: 'directory:manage' },
        refusals: { 422: 'No such provider, or it does not offer the service.' },
      },
      schema: { tags: ['directory'], summary: 'Change the default provider of a pathway', params: idParams, body: pathwayPatchSchema, response: { 200: pathwayViewSchema } },
    },
    async (request) => updatePathway(request.store, request.params.id, request.body.version, request.body.providerId),
  );

  app.delete(
    '/api/directory/pathways/:id',
    {
      config: { access: { permission: 'directory:manage' } },
      schema: {
        tags: ['directory'],
        summary: 'Remove a pathway (the version to remove in the query; 409 when stale)',
        params: idParams,
        querystring: z.strictObject({ version: z.coerce.number().pipe(versionSchema) }),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      await deletePathway(request.store, request.params.id, request.query.version);
      return { ok: true as const };
    },
  );
};
