import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { unreadCountQuery } from './model';
import './notifications.css';

const EVERY_MS = 60_000;

/**
 * The header link to my notifications with the unread count. Asked again every minute while the
 * tab is in view, when it comes back into view and after notifications are read here; offline it
 * keeps the last count. Only the count: the list names persons, and reading it is audited.
 */
export function NotificationsBadge() {
  const { t } = useTranslation();
  const { data } = useQuery({ ...unreadCountQuery(), refetchInterval: EVERY_MS, refetchOnWindowFocus: 'always' });
  const unread = data?.unread;
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
