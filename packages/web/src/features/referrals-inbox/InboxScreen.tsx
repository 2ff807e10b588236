import { useQuery } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { SelectField } from '../../app/ui/fields';
import { ProblemAlert } from '../../app/ui/problem';
import type { Referral } from '../cases/model';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { useNow } from '../cases/clock';
import '../cases/cases.css';
import { CaseStrings } from '../cases/strings';
import { PlacesSection } from './PlacesSection';

const STATUSES = ['waiting', 'sent', 'accepted', 'in_progress', 'completed'] as const;

/**
 * A service provider's inbox: referrals to its agency that wait for it (sent, accepted, in
 * progress), the earliest deadline first. It names no one: the person's shared fields are on the
 * referral's page, and each opening is audited.
 */
function InboxScreenContent() {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  const filter = useForm({ defaultValues: { status: 'waiting' as (typeof STATUSES)[number] } });
  const status = filter.watch('status');
  const inbox = useQuery(apiQuery<Referral[]>(queryKeys.inbox(status), `/api/referrals/inbox${status === 'waiting' ? '' : `?status=${status}`}`));
  return (
    <div className="page">
      <h1>{t('referralsInbox.title')}</h1>
      <form className="case-filters" aria-label={t('referralsInbox.filters')} onSubmit={(event) => event.preventDefault()}>
        <SelectField control={filter.control} name="status" label={t('referralsInbox.show')} options={STATUSES.map((value) => ({ value, label: t(`referralsInbox.statuses.${value}`) }))} />
      </form>
      <ProblemAlert error={inbox.error} />
      {inbox.data === undefined && !inbox.error ? <p role="status">{t('cases.loading')}</p> : null}
      {inbox.data && inbox.data.length === 0 ? <p>{t('referralsInbox.none')}</p> : null}
      {inbox.data && inbox.data.length > 0 ? (
        <div className="case-table-scroll">
          <table className="case-table stack-on-phone" data-testid="inbox">
            <caption className="visually-hidden">{t('referralsInbox.caption', { count: inbox.data.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('referralsInbox.reference')}</th>
                <th scope="col">{t('referralsInbox.service')}</th>
                <th scope="col">{t('referralsInbox.urgency')}</th>
                <th scope="col">{t('referralsInbox.status')}</th>
                <th scope="col">{t('referralsInbox.received')}</th>
                <th scope="col">{t('referralsInbox.dueBy')}</th>
              </tr>
            </thead>
            <tbody>
              {inbox.data.map((referral) => {
                const late = referral.dueBy !== null && Date.parse(referral.dueBy) < now.getTime() && !referral.completedAt;
                return (
                  <tr key={referral.id} data-status={referral.status}>
                    <th scope="row" data-label={t('referralsInbox.reference')}>
                      <Link to={`/referrals/${referral.id}`} data-testid="referral-link">
                        {referral.reference}
                      </Link>
                    </th>
                    <td data-label={t('referralsInbox.service')}>{t(`cases.services.${referral.service}`)}</td>
                    <td data-label={t('referralsInbox.urgency')}>{t(`cases.urgencies.${referral.urgency}`, { defaultValue: referral.urgency })}</td>
                    <td data-label={t('referralsInbox.status')}>{t(`cases.referralStatuses.${referral.status}`)}</td>
                    <td data-label={t('referralsInbox.received')}>{referral.sentAt ? format.dateTime(referral.sentAt) : '—'}</td>
                    <td data-label={t('referralsInbox.dueBy')}>
                      {referral.dueBy ? (
                        <time dateTime={referral.dueBy} className={late ? 'case-overdue' : undefined} title={format.dateTime(referral.dueBy)}>
                          {t(late ? 'cases.due.overdueSince' : 'cases.due.dueIn', { when: format.relative(referral.dueBy, now) })}
                        </time>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <PlacesSection />
    </div>
  );
}

export default function InboxScreen() {
  return (
    <CaseStrings>
      <InboxScreenContent />
    </CaseStrings>
  );
}
