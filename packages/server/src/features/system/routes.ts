import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { migrations } from '../../platform/db/migrations/index.js';
import type { Feature } from '../../platform/http/app.js';
import { sendProblem } from '../../platform/http/errors.js';
import { HttpProblem, notFound } from '../../platform/http/problem.js';

/** The web app as `vite build` writes it (the same depth from src/ and dist/). */
const WEB_ROOT = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));
/** File names under assets/ carry a content hash: they never change, so browsers keep them. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page, the service worker and the manifest are checked on every load so an update arrives. */
const REVALIDATE = 'no-cache';
const NOT_BUILT = 'The web app is not built. Run `npm run build` (or `npm start`), then reload.';

export const systemRoutes: Feature = async (app, platform) => {
  app.get(
    '/healthz',
    { config: { access: { public: true } }, schema: { tags: ['system'], summary: 'The process is alive', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: {
        access: { public: true },
        refusals: { 503: 'The database is not reachable or not migrated.' },
      },
      schema: { tags: ['system'], summary: 'The database answers and is migrated', response: { 200: z.object({ status: z.literal('ready'), database: z.enum(['sqlite', 'postgres']) }) } },
    },
    async () => {
      try {
        await sql`select 1`.execute(platform.database.db);
        const applied = await platform.database.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
        if (applied.length < Object.keys(migrations).length) throw new Error('migrations pending');
      } catch {
        throw new HttpProblem('not-ready', 'The database is not reachable or not migrated.');
      }
      return { status: 'ready' as const, database: platform.database.dialect };
    },
  );

  // The web app: its files, and index.html for every client route (/cases/…) so a deep link or a
  // reload opens the app, which routes itself. Unknown /api/ paths keep their problem+json 404.
  await app.register(fastifyStatic, { root: WEB_ROOT, serve: false });
  const sendWebFile = (reply: FastifyReply, file: string, cacheControl: string) => {
    if (!existsSync(`${WEB_ROOT}index.html`)) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    return reply.header('cache-control', cacheControl).sendFile(file, { cacheControl: false });
  };
  const webApp = { config: { access: { public: true } }, schema: { hide: true } } as const;
  app.get('/', webApp, async (_request, reply) => sendWebFile(reply, 'index.html', REVALIDATE));
  app.get('/*', webApp, async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    if (path === 'api' || path.startsWith('api/')) return sendProblem(reply, notFound('route'));
    if (!extname(path)) return sendWebFile(reply, 'index.html', REVALIDATE);
    // A file: served only if the build has it, and never from outside the build.
    const file = resolve(WEB_ROOT, path);
    if (!file.startsWith(WEB_ROOT) || !existsSync(file)) return sendProblem(reply, notFound('file'));
    return sendWebFile(reply, path, path.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
  });
};
