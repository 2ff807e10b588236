import { idSchema, notificationViewSchema, okSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { markRead, myNotifications } from './service.js';

const limitQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export const notificationRoutes: Feature = (app) => {
  app.get(
    '/api/notifications',
    {
      config: { access: {} },
      schema: {
        tags: ['notifications'],
        summary: 'My notifications, latest first',
        querystring: limitQuery,
        response: {
          200: z.array(notificationViewSchema),
        },
      },
    },
    async (request) => myNotifications(request.store, request.query.limit),
  );

  app.post(
    '/api/notifications/:id/read',
    {
      config: { access: {} },
      schema: { tags: ['notifications'], summary: 'Mark one of my notifications read', params: z.strictObject({ id: idSchema }), response: { 200: okSchema } },
    },
    async (request) => {
      await markRead(request.store, request.params.id);
      return { ok: true as const };
    },
  );
};
