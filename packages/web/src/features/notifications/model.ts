import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import type { NotificationView as Notification } from '@haven/core/schemas';

export type { Notification };

/** The kinds the server sends today; anything else is shown by its code. */
export const KNOWN_KINDS = new Set([
  'obligation_due_soon',
  'obligation_overdue',
  'handover_overdue',
  'referral_sent',
  'referral_accepted',
  'referral_declined',
  'referral_started',
  'referral_completed',
  'referral_closed',
  'referral_revoked',
  'referral_consent_withdrawn',
]);

/** My latest hundred notifications: the screen lists them, the header counts the unread. */
export const notificationsQuery = () => apiQuery<Notification[]>(queryKeys.notifications(), '/api/notifications?limit=100');
