import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { ProblemAlert } from '../../app/ui/problem';
import { invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { obligationName } from '../cases/model';
import { CaseStrings } from '../cases/strings';
import { KNOWN_KINDS, linkLabelKey, notificationsQuery, type Notification } from './model';
import './notifications.css';

/** Who a notification is about, as far as the server let me see: a name, or the agency whose case it is. */
function aboutOf(t: TFunction, item: Notification): string | null {
  if (!item.person) return null;
  if (item.person.name) return t('notifications.about', { name: item.person.name });
  if (item.person.caseAgency) return t('notifications.aboutCase', { agency: item.person.caseAgency });
  return t('notifications.aboutPerson');
}

/** Where the obligation stands now: met, waived or no longer applying, else its due time (or how late it is). */
function obligationWhen(t: TFunction, obligation: NonNullable<Notification['obligation']>, dateTime: (iso: string) => string): string {
  if (obligation.status === 'fulfilled' || obligation.status === 'waived' || obligation.status === 'lapsed') return t(`notifications.obligationStatus.${obligation.status}`);
  if (!obligation.dueBy) return '';
  return obligation.status === 'overdue' ? t('notifications.overdueSince', { when: dateTime(obligation.dueBy) }) : t('notifications.dueBy', { when: dateTime(obligation.dueBy) });
}

/**
 * My notifications, latest first: deadlines coming or passed, referrals that moved, service gaps.
 * Each says whom and what it is about (the obligation by its title, its due time) and links to
 * the screen where the work is done; one event repeated while unread shows once, with its count.
 * Read ones stay, marked.
 */
function NotificationsScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
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
              const about = aboutOf(t, item);
              const obligation = item.obligation;
              const when = obligation ? obligationWhen(t, obligation, format.dateTime) : '';
              return (
                <li key={item.id} className={item.readAt === null ? 'notification is-unread' : 'notification'} data-kind={item.kind}>
                  <div>
                    <div>
                      {item.readAt === null ? <span className="visually-hidden">{t('notifications.unreadMark')} </span> : null}
                      {what}
                    </div>
                    {about ? <div className="notification-about">{about}</div> : null}
                    {obligation ? (
                      <div data-testid="notification-obligation">
                        <strong>{obligationName(t, obligation.code)}</strong>
                        {when ? ` · ${when}` : ''}
                      </div>
                    ) : null}
                    {item.referral ? <div>{t('notifications.referral', { reference: item.referral.reference, service: t(`cases.services.${item.referral.service}`) })}</div> : null}
                    <div className="muted">
                      {item.count > 1 ? t('notifications.repeated', { count: item.count, when: format.dateTime(item.lastAt) }) : format.dateTime(item.lastAt)}
                      {item.link ? (
                        <>
                          {' · '}
                          <Link to={item.link}>{t(linkLabelKey(item.link))}</Link>
                        </>
                      ) : null}
                    </div>
                  </div>
                  {item.readAt === null ? (
                    <Button className="button" isDisabled={busy} onPress={() => void markRead([item])} aria-label={t('notifications.markReadOf', { what: about ? `${what} ${about}` : what })}>
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

/** With the case strings: obligations by their titles and services by their names, from the one place they are kept. */
export default function NotificationsScreen() {
  return (
    <CaseStrings>
      <NotificationsScreenBody />
    </CaseStrings>
  );
}
