import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { apiTokenViewSchema, conductViewSchema, idSchema, meViewSchema, csrfTokenSchema, okSchema, signInStageSchema, signInStepSchema, totpConfirmationSchema, totpEnrolmentSchema } from '@haven/core';
import { PERMISSIONS } from '../../platform/access/roles.js';
import { actorOf } from '../../platform/access/actor.js';
import { SESSION_COOKIE, SESSION_MAX_MS } from '../../platform/auth/sessions.js';
import type { Feature } from '../../platform/http/app.js';
import { HttpProblem } from '../../platform/http/problem.js';
import { createApiToken, listApiTokens, MAX_TOKEN_DAYS, revokeApiToken } from './api-tokens.js';
import { acceptConduct, currentConduct } from './conduct.js';
import { beginTotpEnrolment, changePassword, confirmTotpEnrolment, describeCaller, login, logout, sessionCsrfToken, verifySecondFactor } from './sign-in.js';

const codeSchema = z.string().regex(/^\d{6}$/, 'must be the 6-digit code from the authenticator app');

// Sign-in routes are rate-limited per client address on top of the per-account lockout.
const AUTH_RATE_LIMIT = { max: 30, timeWindow: '1 minute' };


export const authRoutes: Feature = (app, platform) => {
  const secure = platform.config.publicUrl?.startsWith('https://') ?? false;
  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: SESSION_MAX_MS / 1000 });

  app.post(
    '/api/auth/login',
    {
      config: {
        access: { public: true },
        rateLimit: AUTH_RATE_LIMIT,
        refusals: {
          401: 'Wrong user name or password.',
          429: 'The account is locked after repeated failures.',
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with user name and password; sets the session cookie',
        body: z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(1024) }),
        response: { 200: signInStageSchema },
      },
    },
    async (request, reply) => {
      const { token, ...state } = await login(request.store, request.body.username, request.body.password);
      setSessionCookie(reply, token);
      return state;
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: { duringSignIn: true } },
      schema: {
        tags: ['auth'],
        summary: 'Who I am, what I may do, and what sign-in step remains',
        response: {
          200: meViewSchema,
        },
      },
    },
    async (request) => describeCaller(request.store),
  );

  app.get(
    '/api/auth/csrf',
    {
      config: { access: { duringSignIn: true, sessionOnly: true } },
      schema: { tags: ['auth'], summary: 'The CSRF token of my session (send it as X-CSRF-Token)', response: { 200: csrfTokenSchema } },
    },
    async (request) => ({ csrfToken: await sessionCsrfToken(request.store) }),
  );

  app.post(
    '/api/auth/totp/enrol',
    {
      config: {
        access: { duringSignIn: true, sessionOnly: true },
        rateLimit: AUTH_RATE_LIMIT,
        refusals: { 409: 'A second factor is already enrolled (`totp-already-enrolled`).' },
      },
      schema: {
        tags: ['auth'],
        summary: 'Start second-factor enrolment: a TOTP secret for the authenticator app',
        response: { 200: totpEnrolmentSchema },
      },
    },
    async (request) => beginTotpEnrolment(request.store),
  );

  app.post(
    '/api/auth/totp/confirm',
    {
      config: {
        access: { duringSignIn: true, sessionOnly: true },
        rateLimit: AUTH_RATE_LIMIT,
        refusals: {
          401: 'The code is wrong or was already used (`wrong-code`).',
          409: 'A second factor is already enrolled (`totp-already-enrolled`).',
          422: 'Enrolment was not started.',
          429: 'The account is locked after repeated failures.',
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Confirm enrolment with a first code; returns recovery codes once and replaces the session (new cookie and CSRF token)',
        body: z.strictObject({ code: codeSchema }),
        response: { 200: totpConfirmationSchema },
      },
    },
    async (request, reply) => {
      const { token, ...result } = await confirmTotpEnrolment(request.store, request.body.code);
      setSessionCookie(reply, token);
      return result;
    },
  );

  app.post(
    '/api/auth/totp/verify',
    {
      config: {
        access: { duringSignIn: true, sessionOnly: true },
        rateLimit: AUTH_RATE_LIMIT,
        refusals: {
          401: 'The code is wrong or was already used (`wrong-code`).',
          422: 'No second factor is enrolled.',
          429: 'The account is locked after repeated failures.',
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Second sign-in step: a TOTP code or a recovery code; replaces the session (new cookie and CSRF token)',
        body: z.union([z.strictObject({ code: codeSchema }), z.strictObject({ recoveryCode: z.string().min(8).max(40) })]),
        response: { 200: signInStepSchema },
      },
    },
    async (request, reply) => {
      const { token, ...result } = await verifySecondFactor(request.store, request.body);
      setSessionCookie(reply, token);
      return result;
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: {
        access: { duringSignIn: true, sessionOnly: true },
        rateLimit: AUTH_RATE_LIMIT,
        refusals: {
          401: 'The current password is wrong (`wrong-password`).',
          422: 'The new password is weak or the same as the current one (`weak-password`).',
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Change my password (ends my other sessions, revokes my API tokens, and replaces this session: new cookie and CSRF token)',
        body: z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
        response: { 200: okSchema.extend({ csrfToken: z.string() }) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request.ctx);
      // The same refusal as every other route before the second factor: the session is valid, just not complete.
      if (actor.pending === 'mfa_verify' || actor.pending === 'mfa_enrol') {
        throw new HttpProblem('sign-in-incomplete', 'Finish signing in first: verify your second factor.', { extra: { pending: actor.pending } });
      }
      const { token, csrfToken } = await changePassword(request.store, request.body.currentPassword, request.body.newPassword);
      setSessionCookie(reply, token);
      return { ok: true as const, csrfToken };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: { duringSignIn: true, sessionOnly: true } },
      schema: { tags: ['auth'], summary: 'End this session', response: { 200: okSchema } },
    },
    async (request, reply) => {
      await logout(request.store, false);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.post(
    '/api/auth/logout-all',
    {
      config: { access: { duringSignIn: true, sessionOnly: true } },
      schema: { tags: ['auth'], summary: 'End every session of mine, on every device', response: { 200: z.object({ ended: z.number().int() }) } },
    },
    async (request, reply) => {
      const ended = await logout(request.store, true);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ended };
    },
  );

  app.get(
    '/api/conduct',
    {
      config: { access: {} },
      schema: { tags: ['auth'], summary: 'The code of conduct in force and whether I accepted it', response: { 200: conductViewSchema.nullable() } },
    },
    async (request) => (await currentConduct(request.store)) ?? null,
  );

  app.post(
    '/api/conduct/accept',
    {
      config: {
        access: { sessionOnly: true },
        refusals: {
          404: 'No code of conduct is published.',
          409: 'The version is not the code in force (`conduct-version`; `currentVersion` names it).',
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Accept the code of conduct in force (needed before any access to personal data)',
        body: z.strictObject({ version: z.number().int().min(1) }),
        response: { 200: conductViewSchema },
      },
    },
    async (request) => acceptConduct(request.store, request.body.version),
  );

  app.get(
    '/api/auth/tokens',
    { config: { access: { sessionOnly: true } }, schema: { tags: ['auth'], summary: 'My API tokens', response: { 200: z.array(apiTokenViewSchema) } } },
    async (request) => listApiTokens(request.store),
  );

  app.post(
    '/api/auth/tokens',
    {
      config: {
        access: { sessionOnly: true },
        refusals: { 422: 'A scope your role does not have.' },
      },
      schema: {
        tags: ['auth'],
        summary: 'Create a scoped, expiring API token for an integration (the secret is shown once)',
        body: z.strictObject({
          name: z.string().trim().min(1).max(100),
          scopes: z.array(z.enum(PERMISSIONS)).min(1),
          expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
        }),
        response: { 201: apiTokenViewSchema.extend({ token: z.string() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await createApiToken(request.store, request.body)),
  );

  app.delete(
    '/api/auth/tokens/:id',
    {
      config: { access: { sessionOnly: true } },
      schema: { tags: ['auth'], summary: 'Revoke one of my API tokens', params: z.strictObject({ id: idSchema }), response: { 200: okSchema } },
    },
    async (request) => {
      await revokeApiToken(request.store, request.params.id);
      return { ok: true as const };
    },
  );
};
