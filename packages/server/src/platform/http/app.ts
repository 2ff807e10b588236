import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import helmet from 'helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteAccess } from '../access/route-access.js';
import { authenticate } from '../auth/authenticate.js';
import type { Platform, RequestContext } from '../context.js';
import { holdProcessLease } from '../process-lease.js';
import { clientErrorAnswer, handleError, sendProblem } from './errors.js';
import { idempotencyPreHandler, releaseUnusedReservation } from './idempotency.js';
import { ApiDescription, API_INFO } from './openapi.js';
import { databaseRateLimitStore } from './rate-limit-store.js';
import { badRequest, forbidden, HttpProblem, notFound, unauthorized } from './problem.js';
import { fieldWithNul } from './text-input.js';

export type HavenApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A capability's routes: registered on the app with the platform they stand on. */
export type Feature = (app: HavenApp, platform: Platform) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
  interface FastifyInstance {
    /** Every route with its access rule, as registered (the authorization matrix test reads it). */
    havenRoutes: { method: string; url: string; access: RouteAccess }[];
  }
}

export interface AppOptions {
  features: Feature[];
  /** Where JSON logs go (tests capture them); stdout by default. */
  logStream?: Writable;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,80}$/;

/** Paths whose access rule comes from this file, not a feature. */
const DOCS_PREFIX = '/api/docs';

export async function buildApp(platform: Platform, options: AppOptions): Promise<HavenApp> {
  const { config } = platform;
  const tls = config.publicUrl?.startsWith('https://') ?? false;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      // Method, path without the query, status and timing: never bodies, queries or headers,
      // where personal data and credentials travel.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // Router refusals (a path parameter too long, a malformed URL) are problem+json too.
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
    // …and so are the parser's (headers or query past Node's size limit, malformed HTTP).
    clientErrorHandler: clientErrorAnswer,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, notFound('route')));

  const routes: { method: string; url: string; access: RouteAccess }[] = [];
  app.decorate('havenRoutes', routes);
  const description = new ApiDescription(config.publicUrl);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(DOCS_PREFIX)) route.config = { ...(route.config ?? {}), access: { public: true } };
    const access = route.config?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no access rule`);
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, access });
    // A documented route without a summary, a described tag or a unique operationId stops the app here.
    description.register(route);
  });

  await app.register(cookie);
  // Security headers, built once: the Fastify plugin rebuilt helmet's middleware (parsing the CSP
  // directives again) on every request, a tenth of what a loaded server allocated.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    hsts: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error) => done(error === undefined || error instanceof Error ? error : new Error(String(error)))));
  await app.register(rateLimit, {
    global: false,
    // Counted in the database: every process behind a load balancer sees the same attempts.
    store: databaseRateLimitStore(platform),
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new HttpProblem('too-many-requests', `Too many attempts; try again in ${seconds} s.`, { extra: { retryAfter: seconds } });
    },
  });

  // Request context, the request id on every answer, then who is calling and whether they may.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('cache-control', 'no-store');
    const clientAddress = request.ip;
    request.ctx = {
      actor: undefined,
      requestId: request.id,
      clientAddress,
      audit: { actorUserId: null, actorAgencyId: null, requestId: request.id, clientAddress },
    };
    const access = request.routeOptions.config.access as RouteAccess | undefined;
    if (!access) return; // unmatched routes fall through to the 404 handler
    // Public routes never look at credentials: nothing done anonymously (an allegation through the
    // public form) is tied to a session, not even by its last-seen time.
    if (access.public) return;
    const caller = await authenticate(platform, request);
    if (!caller) throw unauthorized();
    const { actor } = caller;
    request.ctx.actor = actor;
    request.ctx.audit = { ...request.ctx.audit, actorUserId: actor.userId, actorAgencyId: actor.agencyId };
    if (access.sessionOnly && actor.via !== 'session') throw forbidden('This needs a signed-in browser session, not an API token.');
    if (actor.pending !== 'none' && !access.duringSignIn) {
      const step = { mfa_verify: 'verify your second factor', mfa_enrol: 'enrol a second factor', password_change: 'change your password' }[actor.pending];
      throw new HttpProblem('sign-in-incomplete', `Finish signing in first: ${step}.`, { extra: { pending: actor.pending } });
    }
    if (access.permission && !actor.permissions.has(access.permission)) throw forbidden();
    if (access.personalData && !caller.acceptedConduct) {
      throw new HttpProblem('conduct-not-accepted', 'Accept the current code of conduct before working with personal data.');
    }
  });

  app.addHook('preValidation', async (request) => {
    for (const context of ['params', 'query', 'body'] as const) {
      const field = fieldWithNul(context, request[context]);
      if (field) throw badRequest(field, 'must not contain the NUL character (U+0000)');
    }
  });
  // This process's lease: what its requests reserve is taken over once it is known to be gone.
  const lease = await holdProcessLease(platform, (error) => app.log.warn({ err: { message: (error as Error).message } }, 'process lease not renewed'));
  app.addHook('onClose', () => lease.release());
  app.addHook('preHandler', async (request, reply) => idempotencyPreHandler(platform, lease, request, reply));
  app.addHook('onResponse', async (request) => releaseUnusedReservation(platform, request));
  // No answer leaves before what the request committed (its change, or the audit of a read) is on disk.
  app.addHook('onSend', async () => platform.database.durable());

  await app.register(swagger, {
    openapi: { openapi: '3.1.0', info: API_INFO },
    transform: jsonSchemaTransform,
    // Security, operationIds, problem answers, servers and tags from what each route declares.
    transformObject: description.complete,
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    staticCSP: true,
    // The documentation page is never framed either.
    transformStaticCSP: (header) => header.replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
  });
  app.get(
    '/api/openapi.json',
    { config: { access: { public: true } }, schema: { tags: ['system'], summary: 'This API description (OpenAPI 3.1)' } },
    async () => app.swagger(),
  );

  for (const feature of options.features) await feature(app, platform);
  description.checkOverrides();
  await app.ready();
  return app;
}

export { sendProblem };
