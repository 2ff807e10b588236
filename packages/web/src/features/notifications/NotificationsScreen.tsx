import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import { invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { KNOWN_KINDS, notificationsQuery, type Notification } from './model';
import './notifications.css';

/** My notifications, latest first: deadlines coming or passed, and referrals that moved. Read ones stay, marked. */
export default function NotificationsScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const list = useQuery(notificationsQuery());
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const markRead = async (items: Notification[]) => {
    setError(undefined);
    setBusy(true);
    try {
      for (const item of items) await api('POST', `/api/notifications/${item.id}/read`, {});
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
      // The list here and the count in the header read the same notifications.
      void invalidate(queryKeys.notifications());
    }
  };
  const unread = (list.data ?? []).filter((item) => item.readAt === null);
  // The case, where the reader's role works on it: the supervisor's guards and obligations, the officer's case page.
  const caseLink = (personId: string) =>
    me.role === 'supervisor' ? `/supervision/persons/${personId}` : me.role === 'protection_officer' ? `/cases/${personId}` : undefined;
  return (
    <div className="page">
      <h1>{t('notifications.title')}</h1>
      <ProblemAlert error={list.error ?? error} />
      {list.data === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : list.data.length === 0 ? (
        <p>{t('notifications.none')}</p>
      ) : (
        <>
          <p role="status">{t('notifications.unread', { count: unread.length })}</p>
          {unread.length > 1 ? (
            <Button className="button" isDisabled={busy} onPress={() => void markRead(unread)}>
              {t('notifications.markAllRead')}
            </Button>
          ) : null}
          <ul className="notification-list">
            {list.data.map((item) => {
              const what = KNOWN_KINDS.has(item.kind) ? t(`notifications.kinds.${item.kind}`) : item.kind;
              const link = item.personId ? caseLink(item.personId) : undefined;
              return (
                <li key={item.id} className={item.readAt === null ? 'notification is-unread' : 'notification'}>
                  <div>
                    <div>
                      {item.readAt === null ? <span className="visually-hidden">{t('notifications.unreadMark')} </span> : null}
                      {what}
                    </div>
                    <div className="muted">
                      {format.dateTime(item.createdAt)}
                      {link ? (
                        <>
                          {' · '}
                          <Link to={link}>{t('notifications.openCase')}</Link>
                        </>
                      ) : null}
                    </div>
                  </div>
                  {item.readAt === null ? (
                    <Button className="button" isDisabled={busy} onPress={() => void markRead([item])} aria-label={t('notifications.markReadOf', { what })}>
                      {t('notifications.markRead')}
                    </Button>
                  ) : (
                    <span className="muted">{t('notifications.readAt', { when: format.dateTime(item.readAt) })}</span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
