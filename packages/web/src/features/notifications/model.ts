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
  'service_gap_recorded',
]);

/** The words of a notification's link, by the screen it opens (the server gives the route). */
export function linkLabelKey(link: string): string {
  if (link.startsWith('/referrals/')) return 'notifications.openReferral';
  if (link.startsWith('/first-response/')) return 'notifications.openEncounter';
  return 'notifications.openCase';
}

/** My latest hundred notifications, for the screen that lists them. */
export const notificationsQuery = () => apiQuery<Notification[]>(queryKeys.notifications(), '/api/notifications?limit=100');

/** How many of my notifications are unread, for the header (under the same key, so reading one here updates it). */
export const unreadCountQuery = () => apiQuery<{ unread: number }>([...queryKeys.notifications(), 'unread'], '/api/notifications/unread');
