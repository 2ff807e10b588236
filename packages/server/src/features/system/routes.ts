import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { z } from 'zod';
import { migrations } from '../../platform/db/migrations/index.js';
import type { Feature } from '../../platform/http/app.js';
import { HttpProblem } from '../../platform/http/problem.js';

// The web app's placeholder page until the PWA lands; it carries no inline script (CSP).
const placeholderPage = readFileSync(new URL('../../../../web/static/index.html', import.meta.url), 'utf8');

export const systemRoutes: Feature = (app, platform) => {
  app.get(
    '/healthz',
    { config: { access: { public: true } }, schema: { tags: ['system'], summary: 'The process is alive', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: { public: true } },
      schema: { tags: ['system'], summary: 'The database answers and is migrated', response: { 200: z.object({ status: z.literal('ready'), database: z.enum(['sqlite', 'postgres']) }) } },
    },
    async () => {
      try {
        await sql`select 1`.execute(platform.database.db);
        const applied = await platform.database.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
        if (applied.length < Object.keys(migrations).length) throw new Error('migrations pending');
      } catch {
        throw new HttpProblem(503, 'not-ready', 'Not ready', 'The database is not reachable or not migrated.');
      }
      return { status: 'ready' as const, database: platform.database.dialect };
    },
  );

  app.get('/', { config: { access: { public: true } }, schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(placeholderPage));
};
