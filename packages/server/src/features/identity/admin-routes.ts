import { z } from 'zod';
import {
  ACCESS_CHANGE_STATUSES,
  accessChangeRefusalSchema,
  accessChangeSchema,
  AGENCY_TYPES,
  agencyViewSchema,
  escalationLimitMs,
  idSchema,
  RETENTION_RECORD_TYPES,
  rolePolicyViewSchema,
  ROLES,
  sopProfileViewSchema,
  userViewSchema,
  versionSchema,
} from '@haven/core';
import { ROLE_POLICIES } from '../../platform/access/roles.js';
import type { Feature } from '../../platform/http/app.js';
import { approveAccessChange, listAccessChanges, refuseAccessChange, withdrawAccessChange } from './access-changes.js';
import { USERNAME_PATTERN, USERNAME_RULE } from './accounts.js';
import { addAgency, addUser, changeAgency, changeUser, listAgencies, listUsers } from './administration.js';
import { publishConductAsAdministrator } from './conduct.js';
import { readMfaRequiredRoles, setMfaRequiredRoles } from './sign-in.js';

const agencyInput = z.strictObject({ name: z.string().trim().min(2).max(200), type: z.enum(AGENCY_TYPES), area: z.string().trim().min(1).max(200).optional() });
const userInput = z.strictObject({
  agencyId: idSchema,
  // createUser applies the same rule on every path; repeated here so OpenAPI documents it.
  username: z.string().regex(USERNAME_PATTERN, USERNAME_RULE),
  displayName: z.string().trim().min(1).max(200),
  email: z.email().max(200).optional(),
  role: z.enum(ROLES),
  password: z.string().min(1).max(1024),
});
const idParams = z.strictObject({ id: idSchema });



export const adminRoutes: Feature = (app, platform) => {
  app.get(
    '/api/admin/agencies',
    { config: { access: { permission: 'agencies:manage' } }, schema: { tags: ['admin'], summary: 'All agencies', response: { 200: z.array(agencyViewSchema) } } },
    async (request) => listAgencies(request.store),
  );

  app.post(
    '/api/admin/agencies',
    {
      config: {
        access: { permission: 'agencies:manage' },
        refusals: { 409: 'An agency of that name exists (`agency-exists`).' },
      },
      schema: { tags: ['admin'], summary: 'Create an agency', body: agencyInput, response: { 201: agencyViewSchema } },
    },
    async (request, reply) => reply.code(201).send(await addAgency(request.store, request.body)),
  );

  app.patch(
    '/api/admin/agencies/:id',
    {
      config: { access: { permission: 'agencies:manage' }, refusals: { 409: 'Another agency has that name (`agency-exists`), or the SOP profile\'s handover rules name this agency (`agency-in-handover-rule`).' } },
      schema: { tags: ['admin'], summary: 'Change an agency (409 on a stale version)', params: idParams, body: agencyInput.partial().extend({ version: versionSchema }), response: { 200: agencyViewSchema } },
    },
    async (request) => {
      const { version, ...changes } = request.body;
      return changeAgency(request.store, request.params.id, version, changes);
    },
  );

  app.get(
    '/api/admin/users',
    { config: { access: { permission: 'users:manage' } }, schema: { tags: ['admin'], summary: 'All users', response: { 200: z.array(userViewSchema) } } },
    async (request) => listUsers(request.store),
  );

  app.post(
    '/api/admin/users',
    {
      config: {
        access: { permission: 'users:manage' },
        refusals: {
          409: 'The user name is taken (`username-taken`).',
          422: 'The user name breaks the rule, the password is weak (`weak-password`), or the agency does not exist.',
        },
      },
      schema: {
        tags: ['admin'],
        summary:
          'Create a user with a temporary password they must change. An account in a role reading personal data (or an administrator) cannot sign in until a second administrator approves it (approved: false, pendingChange)',
        body: userInput,
        response: { 201: userViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await addUser(request.store, request.body)),
  );

  app.patch(
    '/api/admin/users/:id',
    {
      config: {
        access: { permission: 'users:manage' },
        refusals: {
          422: 'Disabling your own account, disabling or demoting the last active administrator, an agency that does not exist, or a weak password (`weak-password`).',
        },
      },
      schema: {
        tags: ['admin'],
        summary:
          'Change a user: role, agency, disable, unlock, temporary password, reset second factor (ends their sessions and API tokens; 422 for the last active administrator, or for one\'s own role or agency). 202 when part of it gives the account access to personal data (a role reading it, a move between agencies, a temporary password or reset second factor of such an account or an administrator): that part waits for a second administrator (pendingChange); 409 while another change of the account awaits one',
        params: idParams,
        body: z.strictObject({
          version: versionSchema,
          displayName: z.string().trim().min(1).max(200).optional(),
          email: z.email().max(200).nullable().optional(),
          role: z.enum(ROLES).optional(),
          agencyId: idSchema.optional(),
          disabled: z.boolean().optional(),
          unlock: z.literal(true).optional(),
          password: z.string().min(1).max(1024).optional(),
          resetSecondFactor: z.literal(true).optional(),
        }),
        response: { 200: userViewSchema, 202: userViewSchema },
      },
    },
    async (request, reply) => {
      const { version, ...changes } = request.body;
      const outcome = await changeUser(request.store, request.params.id, version, changes);
      return reply.code(outcome.held ? 202 : 200).send(outcome.user);
    },
  );

  app.get(
    '/api/admin/access-changes',
    {
      config: { access: { permission: 'users:manage' } },
      schema: {
        tags: ['admin'],
        summary: 'Changes of access to personal data asked by one administrator for a second to decide: pending first, then the latest decided',
        querystring: z.strictObject({ status: z.enum(ACCESS_CHANGE_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.array(accessChangeSchema) },
      },
    },
    async (request) => listAccessChanges(request.store, request.query.status, request.query.limit),
  );

  app.post(
    '/api/admin/access-changes/:id/approve',
    {
      config: { access: { permission: 'users:manage' } },
      schema: {
        tags: ['admin'],
        summary:
          'Approve a pending access change: it takes effect now (403 for its requester or the account it changes; 409 when already decided, or when the account\'s role or agency changed since the request)',
        params: idParams,
        response: { 200: accessChangeSchema },
      },
    },
    async (request) => approveAccessChange(request.store, request.params.id),
  );

  app.post(
    '/api/admin/access-changes/:id/refuse',
    {
      config: { access: { permission: 'users:manage' } },
      schema: {
        tags: ['admin'],
        summary: 'Refuse a pending access change with a written reason: nothing changes (403 for its requester or the account it changes; 409 when already decided)',
        params: idParams,
        body: accessChangeRefusalSchema,
        response: { 200: accessChangeSchema },
      },
    },
    async (request) => refuseAccessChange(request.store, request.params.id, request.body.reason),
  );

  app.post(
    '/api/admin/access-changes/:id/withdraw',
    {
      config: { access: { permission: 'users:manage' } },
      schema: {
        tags: ['admin'],
        summary: 'Withdraw a pending access change one requested: nothing changes (403 for anyone but its requester; 409 when already decided)',
        params: idParams,
        response: { 200: accessChangeSchema },
      },
    },
    async (request) => withdrawAccessChange(request.store, request.params.id),
  );

  app.get(
    '/api/admin/roles',
    {
      config: { access: { permission: 'users:manage' } },
      schema: { tags: ['admin'], summary: 'What each role may do and which parts of a person\'s record it may see (fixed in the code; read-only)', response: { 200: z.array(rolePolicyViewSchema) } },
    },
    async () => ROLES.map((role) => ({ role, ...ROLE_POLICIES[role], permissions: [...ROLE_POLICIES[role].permissions], fieldGroups: [...ROLE_POLICIES[role].fieldGroups] })),
  );

  app.get(
    '/api/admin/sop-profile',
    {
      config: { access: { permission: 'settings:manage' } },
      schema: {
        tags: ['admin'],
        summary: 'The SOP profile in force: obligations with their deadlines and legal basis, guards, mandatory consular notification, retention (read-only; set by HAVEN_PROFILE at start)',
        response: { 200: sopProfileViewSchema },
      },
    },
    async () => {
      const { profile } = platform;
      return {
        id: profile.id,
        name: profile.name,
        obligations: profile.obligations.map((entry) => ({
          code: entry.definition.code,
          origin: entry.origin,
          summary: entry.definition.summary,
          basis: [...entry.basis],
          deadlineMs: entry.deadlineMs,
          baselineDeadlineMs: entry.baselineDeadlineMs,
          escalationMs: escalationLimitMs(profile, entry.definition.code),
          base: entry.definition.base,
          fulfilledBy: { ...entry.definition.fulfilledBy },
        })),
        guards: profile.guards.map((guard) => ({ action: guard.action, meaning: guard.meaning, blockedBy: guard.blockers.map((blocker) => blocker.obligation) })),
        mandatoryConsularNotification: [...profile.mandatoryConsularNotification],
        retention: RETENTION_RECORD_TYPES.map((recordType) => ({ recordType, period: profile.retention[recordType].iso })),
      };
    },
  );

  app.post(
    '/api/admin/conduct',
    {
      config: { access: { permission: 'settings:manage' } },
      schema: {
        tags: ['admin'],
        summary: 'Publish a new version of the code of conduct (every user accepts it again)',
        body: z.strictObject({ text: z.string().trim().min(20).max(50_000) }),
        response: { 201: z.object({ version: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const version = await publishConductAsAdministrator(request.store, request.body.text);
      return reply.code(201).send({ version });
    },
  );

  app.get(
    '/api/admin/settings/mfa-roles',
    {
      config: { access: { permission: 'settings:manage' } },
      schema: { tags: ['admin'], summary: 'Roles that must use a second factor', response: { 200: z.object({ roles: z.array(z.enum(ROLES)) }) } },
    },
    async (request) => ({ roles: await readMfaRequiredRoles(request.store) }),
  );

  app.put(
    '/api/admin/settings/mfa-roles',
    {
      config: { access: { permission: 'settings:manage' } },
      schema: {
        tags: ['admin'],
        summary: 'Set the roles that must use a second factor (roles reading personal data always must)',
        body: z.strictObject({ roles: z.array(z.enum(ROLES)) }),
        response: { 200: z.object({ roles: z.array(z.enum(ROLES)) }) },
      },
    },
    async (request) => ({ roles: await setMfaRequiredRoles(request.store, request.body.roles) }),
  );
};
