import type { OversightItem } from '@haven/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { ProblemAlert } from '../../app/ui/problem';
import { useResource } from '../../app/ui/resource';
import '../../app/ui/desk.css';
import { OversightStrings } from './strings';
import { shortReference } from '../../app/reference';

/** Where each item's own history is kept in the audit trail. */
export const auditPath = (recordType: string, recordId: string) => `/oversight/audit?recordType=${encodeURIComponent(recordType)}&recordId=${encodeURIComponent(recordId)}`;

/**
 * Every waiver of an obligation and every override of a guard, in every agency, latest first,
 * with the supervisor's written reason: the decisions the oversight body reviews. A child's
 * detention overridden as a last resort says so, with its planned end and the alternatives considered.
 */
function QueueScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const queue = useResource<OversightItem[]>('/api/oversight/queue?limit=200');
  return (
    <div className="page desk">
      <h1>{t('oversight.queue.title')}</h1>
      <p>{t('oversight.queue.explain')}</p>
      <ProblemAlert error={queue.error} />
      {queue.data === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : queue.data.length === 0 ? (
        <p>{t('oversight.queue.none')}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('oversight.queue.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('oversight.queue.kind')}</th>
                <th scope="col">{t('oversight.queue.subject')}</th>
                <th scope="col">{t('oversight.queue.reason')}</th>
                <th scope="col">{t('oversight.queue.by')}</th>
                <th scope="col">{t('oversight.queue.at')}</th>
                <th scope="col">{t('oversight.queue.history')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.data.map((item) => (
                <tr key={`${item.kind}:${item.id}`}>
                  <th scope="row">{t(`oversight.kinds.${item.kind}`)}</th>
                  <td>
                    <code>{item.subject}</code>
                  </td>
                  <td className="reason">
                    {item.reason}
                    {item.lastResort ? (
                      <p className="last-resort" data-testid="last-resort">
                        {t('oversight.queue.lastResort', { end: format.dateTime(item.lastResort.plannedEnd), alternatives: item.lastResort.alternativesConsidered ?? t('oversight.queue.destroyed') })}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    <span className="muted">{t('oversight.queue.user', { id: shortReference(item.by) })}</span>
                    <div className="muted">{t('oversight.queue.agency', { id: shortReference(item.agencyId) })}</div>
                  </td>
                  <td>{format.dateTime(item.at)}</td>
                  <td>
                    <ul className="link-list">
                      <li>
                        <Link to={auditPath(item.kind === 'waiver' ? 'obligation' : 'guard_override', item.id)}>{t(`oversight.queue.trailOf.${item.kind}`)}</Link>
                      </li>
                      <li>
                        <Link to={auditPath('person', item.personId)}>{t('oversight.queue.trailOfPerson')}</Link>
                      </li>
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export default function QueueScreen() {
  return (
    <OversightStrings>
      <QueueScreenBody />
    </OversightStrings>
  );
}
