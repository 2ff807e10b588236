import type { NotificationView as Notification } from '@haven/core/schemas';
import { api } from '../../app/api';

export type { Notification };

/** Sent on window when notifications were marked read here, so the header's count follows at once. */
export const NOTIFICATIONS_CHANGED = 'haven:notifications-changed';

/** The kinds the server sends today; anything else is shown by its code. */
export const KNOWN_KINDS = new Set([
  'obligation_due_soon',
  'obligation_overdue',
  'referral_sent',
  'referral_accepted',
  'referral_declined',
  'referral_started',
  'referral_completed',
  'referral_closed',
  'referral_revoked',
  'referral_consent_withdrawn',
]);

export const loadNotifications = (signal?: AbortSignal) => api<Notification[]>('GET', '/api/notifications?limit=100', undefined, signal ? { signal } : {});
