import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { loadNotifications, NOTIFICATIONS_CHANGED } from './model';
import './notifications.css';

const EVERY_MS = 60_000;

/**
 * The header link to my notifications with the unread count (of the latest hundred). Asked again
 * every minute, when the tab comes back into view and after notifications are read here; offline
 * it keeps the last count.
 */
export function NotificationsBadge() {
  const { t } = useTranslation();
  const [unread, setUnread] = useState<number>();
  useEffect(() => {
    let controller = new AbortController();
    const refresh = () => {
      if (document.visibilityState === 'hidden') return;
      controller.abort();
      controller = new AbortController();
      loadNotifications(controller.signal).then(
        (items) => setUnread(items.filter((item) => item.readAt === null).length),
        () => undefined,
      );
    };
    refresh();
    const timer = window.setInterval(refresh, EVERY_MS);
    window.addEventListener(NOTIFICATIONS_CHANGED, refresh);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      controller.abort();
      window.clearInterval(timer);
      window.removeEventListener(NOTIFICATIONS_CHANGED, refresh);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, []);
  // The name read out starts with the visible word (WCAG 2.5.3); the count is said in words.
  return (
    <NavLink to="/notifications" className="notifications-link" data-unread={unread ?? 0}>
      {t('notifications.nav')}
      {unread ? (
        <>
          <span className="notifications-badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
          <span className="visually-hidden"> ({t('notifications.unreadShort', { count: unread })})</span>
        </>
      ) : null}
    </NavLink>
  );
}
