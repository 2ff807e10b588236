import { idSchema, notificationViewSchema, okSchema, unreadNotificationsSchema } from '@haven/core';
import { z } from 'zod';
import type { Feature } from '../../platform/http/app.js';
import { markRead, myNotifications, myUnreadCount } from './service.js';

const limitQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export const notificationRoutes: Feature = (app) => {
  app.get(
    '/api/notifications',
    {
      // A notification names the person it is about when the reader may see them: personal data.
      config: { access: { personalData: true } },
      schema: {
        tags: ['notifications'],
        summary: 'My notifications, latest first: what each is about as far as I may see it, how many times it happened while unread, and where the work is done',
        querystring: limitQuery,
        response: {
          200: z.array(notificationViewSchema),
        },
      },
    },
    async (request) => myNotifications(request.store, request.query.limit),
  );

  app.get(
    '/api/notifications/unread',
    {
      config: { access: {} },
      schema: {
        tags: ['notifications'],
        summary: 'How many of my notifications are unread (names no one: what a header polls)',
        response: { 200: unreadNotificationsSchema },
      },
    },
    async (request) => ({ unread: await myUnreadCount(request.store) }),
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
