import type { ServiceGapView as ServiceGap } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { ProblemAlert } from '../../app/ui/problem';
import { obligationName } from '../cases/model';
import { useDisplayNames } from '../cases/PersonFacts';
import { CaseStrings } from '../cases/strings';
import { caseLabel } from './model';
import { SupervisionStrings } from './strings';
import '../../app/ui/desk.css';

/**
 * The service gaps the agency's officers recorded: a person needed a service no provider offers in
 * the area. The obligation stays open; the supervisor sees where the directory falls short and
 * whom it leaves waiting, and opens the case.
 */
function ServiceGapsScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const gaps = useQuery(apiQuery<ServiceGap[]>(queryKeys.serviceGaps(), '/api/service-gaps?limit=200'));
  return (
    <div className="page desk">
      <h1>{t('supervision.gaps.title')}</h1>
      <p>{t('supervision.gaps.explain')}</p>
      <ProblemAlert error={gaps.error} />
      {gaps.data === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : gaps.data.length === 0 ? (
        <p>{t('supervision.gaps.none')}</p>
      ) : (
        <div className="table-scroll">
          <table data-testid="service-gaps">
            <caption className="visually-hidden">{t('supervision.gaps.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('supervision.gaps.service')}</th>
                <th scope="col">{t('supervision.gaps.area')}</th>
                <th scope="col">{t('supervision.case')}</th>
                <th scope="col">{t('supervision.gaps.stillOpen')}</th>
                <th scope="col">{t('supervision.gaps.recorded')}</th>
              </tr>
            </thead>
            <tbody>
              {gaps.data.map((gap) => (
                <tr key={gap.id}>
                  <th scope="row">{t(`cases.services.${gap.serviceType}`)}</th>
                  <td>{gap.area}</td>
                  <td>
                    <Link to={`/cases/${gap.personId}`}>{gap.personName ?? caseLabel(gap.personId)}</Link>
                  </td>
                  <td>{gap.openObligations.length > 0 ? names.list(gap.openObligations.map((code) => obligationName(t, code))) : '—'}</td>
                  <td>
                    {t('supervision.gaps.by', { who: gap.recordedBy, when: format.dateTime(gap.recordedAt) })}
                    {gap.note ? <div>{gap.note}</div> : null}
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

export default function ServiceGapsScreen() {
  return (
    <SupervisionStrings>
      <CaseStrings>
        <ServiceGapsScreenBody />
      </CaseStrings>
    </SupervisionStrings>
  );
}
