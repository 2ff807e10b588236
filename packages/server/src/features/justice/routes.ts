import {
  idSchema,
  incidentViewSchema,
  investigationDetailSchema,
  investigationViewSchema,
  investigationIncidentInputSchema,
  investigationIncidentsSchema,
  investigationLinkInputSchema,
  linkableInvestigationSchema,
  justiceLinkViewSchema,
  personJusticeSchema,
  protectionMeasureViewSchema,
  incidentChangeSchema,
  incidentInputSchema,
  INVESTIGATION_STATUSES,
  investigationChangeSchema,
  investigationInputSchema,
  justiceLinkChangeSchema,
  justiceLinkInputSchema,
  protectionMeasureDecisionSchema,
  protectionMeasureInputSchema,
} from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { decodeCursor, pageQuerySchema, pageResponseSchema } from '../../platform/http/pagination.js';
import {
  changeIncident,
  changeInvestigation,
  changeLink,
  createInvestigation,
  decideMeasure,
  linkableInvestigations,
  linkPerson,
  linkToInvestigation,
  listInvestigations,
  personJustice,
  readInvestigation,
  recordIncident,
  recordInvestigationIncident,
  requestMeasure,
} from './service.js';

const idParams = z.strictObject({ id: idSchema });

export const justiceRoutes: Feature = (app) => {
  app.post(
    '/api/investigations',
    {
      config: {
        access: { permission: 'justice:write' },
        idempotent: 201,
        refusals: { 409: 'Your agency already has an investigation with this reference (`reference-taken`).' },
      },
      schema: {
        tags: ['justice'],
        summary: 'Open an investigation or prosecution of smuggling of migrants in my agency (409 when the reference is taken)',
        body: investigationInputSchema,
        response: { 201: investigationViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createInvestigation(request.store, request.body)),
  );

  app.get(
    '/api/investigations',
    {
      config: { access: { permission: 'justice:read' } },
      schema: {
        tags: ['justice'],
        summary: "My agency's investigations and prosecutions, newest first",
        querystring: pageQuerySchema.extend({ status: z.enum(INVESTIGATION_STATUSES).optional() }),
        response: { 200: pageResponseSchema(investigationViewSchema) },
      },
    },
    async (request) => listInvestigations(request.store, { status: request.query.status }, decodeCursor(request.query.cursor), request.query.limit),
  );

  app.get(
    '/api/investigations/:id',
    {
      config: {
        access: { permission: 'justice:read', personalData: true },
        refusals: { 403: 'Justice data is not among the fields your role may see.' },
      },
      schema: {
        tags: ['justice'],
        summary: 'An investigation of my agency, with the victims and witnesses linked to it, their protection measures and its incidents',
        params: idParams,
        response: { 200: investigationDetailSchema },
      },
    },
    async (request) => readInvestigation(request.store, request.params.id),
  );

  app.patch(
    '/api/investigations/:id',
    {
      config: {
        access: { permission: 'justice:write' },
        refusals: { 409: 'A move not allowed (`transition-not-allowed`, naming what is), or the investigation is closed (`investigation-closed`).' },
      },
      schema: {
        tags: ['justice'],
        summary: 'Change an investigation: aggravating circumstances, offence, status, or make it a prosecution (409 on a stale version or a move not allowed)',
        params: idParams,
        body: investigationChangeSchema,
        response: { 200: investigationViewSchema },
      },
    },
    async (request) => changeInvestigation(request.store, request.params.id, request.body),
  );

  app.post(
    '/api/investigations/:id/links',
    {
      config: {
        access: { permission: 'justice:write', personalData: true },
        idempotent: 201,
        refusals: {
          409: 'The person is already linked in this role (`already-linked`), or the investigation is closed (`investigation-closed`).',
          422: 'No such person among those my agency sees.',
        },
      },
      schema: {
        tags: ['justice'],
        summary: 'Link a person my agency sees to an investigation of my agency as victim or witness (422 when the person is not one my agency sees)',
        params: idParams,
        body: investigationLinkInputSchema,
        response: { 201: justiceLinkViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await linkToInvestigation(request.store, request.params.id, request.body)),
  );

  app.post(
    '/api/investigations/:id/incidents',
    {
      config: {
        access: { permission: 'justice:write', personalData: true },
        idempotent: 201,
        refusals: {
          409: 'The investigation is closed (`investigation-closed`).',
          422: 'A victim or witness is not one my agency sees, or the time is in the future.',
        },
      },
      schema: {
        tags: ['justice'],
        summary:
          'Record an incident in an investigation of my agency: one incident against each victim, the victims and witnesses not yet linked to the investigation linked in their role, in one transaction',
        params: idParams,
        body: investigationIncidentInputSchema,
        response: { 201: investigationIncidentsSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await recordInvestigationIncident(request.store, request.params.id, request.body)),
  );

  app.get(
    '/api/linkable-investigations',
    {
      config: { access: { permission: 'case:manage' } },
      schema: {
        tags: ['justice'],
        summary: 'Investigations and prosecutions of every agency that are not closed, by reference and agency, to link my case\'s person to (no personal data)',
        response: { 200: z.object({ items: z.array(linkableInvestigationSchema) }).meta({ id: 'LinkableInvestigations' }) },
      },
    },
    async (request) => linkableInvestigations(request.store),
  );

  app.post(
    '/api/persons/:id/justice-links',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        idempotent: 201,
        refusals: {
          409: 'The person is already linked in this role (`already-linked`), or the investigation is closed (`investigation-closed`).',
          422: 'No such investigation.',
        },
      },
      schema: {
        tags: ['justice'],
        summary:
          "Link my case's person to an investigation (by its id) as victim or witness; the investigation's agency then sees the person's identity, contact and justice fields, never health (422 when the investigation does not exist)",
        params: idParams,
        body: justiceLinkInputSchema,
        response: { 201: justiceLinkViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await linkPerson(request.store, request.params.id, request.body)),
  );

  app.patch(
    '/api/justice-links/:id',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'Only the agency working on the case or the investigating agency may change the link.' },
      },
      schema: {
        tags: ['justice'],
        summary: 'Whether the person remains reachable for proceedings, how to reach them, and that it was confirmed now (the agency working on the case or the investigating agency; 409 on a stale version)',
        params: idParams,
        body: justiceLinkChangeSchema,
        response: { 200: justiceLinkViewSchema },
      },
    },
    async (request) => changeLink(request.store, request.params.id, request.body),
  );

  app.post(
    '/api/justice-links/:id/measures',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        idempotent: 201,
        refusals: { 403: 'Only the agency working on the case or the investigating agency may request a measure.' },
      },
      schema: {
        tags: ['justice'],
        summary: 'Request a protection measure for a victim or witness (the agency working on the case or the investigating agency)',
        params: idParams,
        body: protectionMeasureInputSchema,
        response: { 201: protectionMeasureViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await requestMeasure(request.store, request.params.id, request.body)),
  );

  app.patch(
    '/api/protection-measures/:id',
    {
      config: {
        access: { permission: 'justice:write', personalData: true },
        refusals: { 409: 'The measure was already decided (`transition-not-allowed`).' },
      },
      schema: {
        tags: ['justice'],
        summary: 'Record the decision on a requested protection measure (granted or refused, once) or set its next review date (the investigating agency; 409 when already decided or on a stale version)',
        params: idParams,
        body: protectionMeasureDecisionSchema,
        response: { 200: protectionMeasureViewSchema },
      },
    },
    async (request) => decideMeasure(request.store, request.params.id, request.body),
  );

  app.get(
    '/api/persons/:id/justice',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'Justice data is not among the fields shared with you.' },
      },
      schema: {
        tags: ['justice'],
        summary: "A person's justice fields: the proceedings they take part in, protection measures and crimes against them (needs the justice field group)",
        params: idParams,
        response: { 200: personJusticeSchema },
      },
    },
    async (request) => personJustice(request.store, request.params.id),
  );

  app.post(
    '/api/persons/:id/incidents',
    {
      config: {
        access: { permission: 'incident:write', personalData: true },
        idempotent: 201,
        refusals: {
          403: 'Only the agency working on the case or one that sees its justice fields may record it.',
          422: 'No such investigation, or the time is in the future.',
        },
      },
      schema: {
        tags: ['justice'],
        summary: 'Record a crime against the person, or an aggravating circumstance of their smuggling, optionally within an investigation',
        params: idParams,
        body: incidentInputSchema,
        response: { 201: incidentViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await recordIncident(request.store, request.params.id, request.body)),
  );

  app.patch(
    '/api/incidents/:id',
    {
      config: {
        access: { permission: 'incident:write', personalData: true },
        refusals: {
          403: 'Only the agency that recorded it, the one working on the case or the investigating agency may change it.',
          409: 'A status move not allowed (`transition-not-allowed`).',
          422: 'No such investigation, or the time is in the future.',
        },
      },
      schema: {
        tags: ['justice'],
        summary: 'Change an incident: its investigation status, details, or the investigation it belongs to (409 on a stale version or a move not allowed)',
        params: idParams,
        body: incidentChangeSchema,
        response: { 200: incidentViewSchema },
      },
    },
    async (request) => changeIncident(request.store, request.params.id, request.body),
  );
};
