import { ageChallengeDecisionSchema, ageChallengeInputSchema, ageChallengeViewSchema, ageAssessmentViewSchema, familyLinkViewSchema, identityDocumentViewSchema, personViewSchema, ageAssessmentInputSchema, familyLinkInputSchema, identityDocumentInputSchema, personInputSchema, registrationPersonSchema, versionSchema, idSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { decodeCursor, pageQuerySchema, pageResponseSchema } from '../../platform/http/pagination.js';
import { likelyDuplicateSchema, likelyMatchElsewhereSchema, registrationDuplicatesQuerySchema } from '../duplicates/routes.js';
import { likelyDuplicatesOfRegistered } from '../duplicates/service.js';
import { encryptPlaintextBirthDates } from './birth-date.js';
import { auditRefusedPersonReads } from './refused-reads.js';
import { addDocument, decideAgeChallenge, familyLinks, linkFamily, listAgeAssessments, listDocuments, lodgeAgeChallenge, recordAgeAssessment } from './record-parts.js';
import { createPerson, listPersons, readPerson, updatePerson } from './service.js';


const personPatchSchema = personInputSchema.partial().extend({ version: versionSchema });
const personParams = z.strictObject({ id: idSchema });

export const personRoutes: Feature = async (app, platform) => {
  // Dates of birth a database from before their encryption holds in plaintext are encrypted
  // before the server answers (the migration that made room for them had no key).
  await encryptPlaintextBirthDates(platform, {
    onStart: (total) => app.log.info(`persons: encrypting ${total} dates of birth stored in plaintext`),
    progress: (done, total) => app.log.info(`persons: ${done}/${total} dates of birth encrypted`),
  });

  // A refused read of any person route by an agency a referral shared the person with is audited.
  auditRefusedPersonReads(app, platform);

  app.post(
    '/api/persons',
    {
      config: {
        access: { permission: 'person:write', personalData: true },
        idempotent: 201,
        refusals: { 422: 'The birth date is in the future.' },
      },
      schema: {
        tags: ['persons'],
        summary: 'Register a person (with first indicators, if any) and open their case',
        querystring: registrationDuplicatesQuerySchema,
        body: registrationPersonSchema,
        response: {
          201: personViewSchema
            .extend({ likelyDuplicates: z.array(likelyDuplicateSchema).optional(), likelyMatchesElsewhere: z.array(likelyMatchElsewhereSchema).optional() })
            .meta({ id: 'RegisteredPerson' }),
        },
      },
    },
    async (request, reply) => {
      const person = await createPerson(request.store, request.body);
      if (request.query.duplicates !== 'true') return reply.code(201).send(person);
      const duplicates = await likelyDuplicatesOfRegistered(request.store, [person.id]);
      const found = duplicates.get(person.id);
      return reply.code(201).send({ ...person, likelyDuplicates: found?.items ?? [], likelyMatchesElsewhere: found?.elsewhere ?? [] });
    },
  );

  app.get(
    '/api/persons',
    {
      config: { access: { permission: 'person:read', personalData: true } },
      schema: { tags: ['persons'], summary: 'Persons visible to my agency', querystring: pageQuerySchema, response: { 200: pageResponseSchema(personViewSchema) } },
    },
    async (request) => listPersons(request.store, decodeCursor(request.query.cursor), request.query.limit),
  );

  app.get(
    '/api/persons/:id',
    {
      config: { access: { permission: 'person:read', personalData: true } },
      schema: { tags: ['persons'], summary: 'Read a person (only the field groups I may see)', params: personParams, response: { 200: personViewSchema } },
    },
    async (request) => readPerson(request.store, request.params.id),
  );

  app.patch(
    '/api/persons/:id',
    {
      config: {
        access: { permission: 'person:write', personalData: true },
        refusals: {
          403: 'Your role may not change a field group you sent.',
          422: 'The birth date is in the future.',
        },
      },
      schema: {
        tags: ['persons'],
        summary: 'Change a person; refused with 409 when `version` is stale',
        params: personParams,
        body: personPatchSchema,
        response: { 200: personViewSchema },
      },
    },
    async (request) => {
      const { version, ...changes } = request.body;
      return updatePerson(request.store, request.params.id, version, changes);
    },
  );

  app.post(
    '/api/persons/:id/age-assessments',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        idempotent: 201,
        refusals: { 422: 'The assessment date is in the future.' },
      },
      schema: {
        tags: ['persons'],
        summary: 'Record an age assessment: the lower bound of its range settles a disputed age, unless the assessment is challenged',
        params: personParams,
        body: ageAssessmentInputSchema,
        response: { 201: ageAssessmentViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await recordAgeAssessment(request.store, request.params.id, request.body)),
  );

  app.get(
    '/api/persons/:id/age-assessments',
    {
      config: { access: { permission: 'person:read', personalData: true } },
      schema: { tags: ['persons'], summary: 'Age assessments of a person', params: personParams, response: { 200: z.array(ageAssessmentViewSchema) } },
    },
    async (request) => listAgeAssessments(request.store, request.params.id),
  );

  app.post(
    '/api/persons/:id/age-assessments/:assessmentId/challenges',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        idempotent: 201,
        refusals: {
          409: 'A challenge of this assessment is already pending (`age-challenge-pending`).',
          422: 'The date is in the future or before the assessment, or a later assessment replaced this one.',
        },
      },
      schema: {
        tags: ['persons'],
        summary: 'Record a review or appeal of the latest age assessment: until it is decided the age stays disputed (benefit of the doubt)',
        params: z.strictObject({ id: idSchema, assessmentId: idSchema }),
        body: ageChallengeInputSchema,
        response: { 201: ageChallengeViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await lodgeAgeChallenge(request.store, request.params.id, request.params.assessmentId, request.body)),
  );

  app.post(
    '/api/persons/:id/age-challenges/:challengeId/decision',
    {
      config: {
        access: { permission: 'case:manage', personalData: true },
        refusals: {
          409: 'The challenge changed since its version was read (`stale-version`), or it was already decided (`age-challenge-decided`).',
          422: 'The date is in the future or before the challenge was lodged, or the claimed age accepted when none was claimed.',
        },
      },
      schema: {
        tags: ['persons'],
        summary: "Record the decision on an age challenge (upheld, claimed age accepted, or a new range): the determination becomes final",
        params: z.strictObject({ id: idSchema, challengeId: idSchema }),
        body: ageChallengeDecisionSchema,
        response: { 200: ageChallengeViewSchema },
      },
    },
    async (request) => decideAgeChallenge(request.store, request.params.id, request.params.challengeId, request.body),
  );

  app.post(
    '/api/persons/:id/family-links',
    {
      config: {
        access: { permission: 'person:write', personalData: true },
        idempotent: 201,
        refusals: {
          403: 'Identity data is not among the fields shared with you.',
          409: 'These persons are already linked this way (`family-link-exists`).',
          422: 'The related person is this person, or not one in your scope.',
        },
      },
      schema: { tags: ['persons'], summary: 'Link a family member or travelling companion', params: personParams, body: familyLinkInputSchema, response: { 201: familyLinkViewSchema } },
    },
    async (request, reply) => reply.code(201).send(await linkFamily(request.store, request.params.id, request.body)),
  );

  app.get(
    '/api/persons/:id/family-links',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'Identity data is not among the fields shared with you.' },
      },
      schema: { tags: ['persons'], summary: 'Family links of a person, in both directions', params: personParams, response: { 200: z.array(familyLinkViewSchema) } },
    },
    async (request) => familyLinks(request.store, request.params.id),
  );

  app.post(
    '/api/persons/:id/documents',
    {
      config: {
        access: { permission: 'person:write', personalData: true },
        idempotent: 201,
        refusals: { 403: 'Identity data is not among the fields shared with you.' },
      },
      schema: { tags: ['persons'], summary: 'Record an identity document', params: personParams, body: identityDocumentInputSchema, response: { 201: identityDocumentViewSchema } },
    },
    async (request, reply) => reply.code(201).send(await addDocument(request.store, request.params.id, request.body)),
  );

  app.get(
    '/api/persons/:id/documents',
    {
      config: {
        access: { permission: 'person:read', personalData: true },
        refusals: { 403: 'Identity data is not among the fields shared with you.' },
      },
      schema: { tags: ['persons'], summary: 'Identity documents of a person', params: personParams, response: { 200: z.array(identityDocumentViewSchema) } },
    },
    async (request) => listDocuments(request.store, request.params.id),
  );
};
