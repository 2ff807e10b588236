import type { CaseListPage, ObligationView } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { ProblemAlert } from '../../app/ui/problem';
import { obligationName, personName, shortId } from '../cases/model';
import { CaseStrings } from '../cases/strings';
import { IntakeQueue } from '../supervision/IntakeScreen';
import { SupervisionStrings } from '../supervision/strings';
import { ObligationList } from './OfficerHome';
import { WorkHeader } from './WorkHeader';

/**
 * A supervisor's home: the arrivals waiting for an officer (the intake queue, to assign from here), the cases with an overdue
 * obligation and no officer (escalated to the supervisor: nobody else will act), then every
 * overdue obligation of the agency, each opening the case.
 */
function SupervisorHomeContent() {
  const { t } = useTranslation();
  const unassigned = useQuery(apiQuery<CaseListPage>(queryKeys.caseList('assigned=nobody'), '/api/cases?assigned=nobody&limit=200'));
  const overdue = useQuery(apiQuery<ObligationView[]>(queryKeys.agencyObligations('overdue'), '/api/queues/agency-obligations?window=overdue&limit=200'));
  const escalated = (unassigned.data?.items ?? []).filter((item) => item.obligations.overdue > 0);
  const names = new Map((unassigned.data?.items ?? []).map((item) => [item.personId, personName(item.person)]));
  return (
    <div className="page">
      <WorkHeader />
      <section className="work-section" data-testid="home-intake">
        <IntakeQueue />
        <p>
          <Link to="/supervision/intake">{t('home.supervisor.openIntake')}</Link>
        </p>
      </section>
      <section className="work-section work-later" aria-labelledby="escalated-title" data-testid="home-escalations">
        <h2 id="escalated-title">{t('home.supervisor.escalations')}</h2>
        <p className="work-muted">{t('home.supervisor.escalationsExplain')}</p>
        <ProblemAlert error={unassigned.error} />
        {unassigned.data && escalated.length === 0 ? <p>{t('home.supervisor.noEscalations')}</p> : null}
        <ul className="work-list">
          {escalated.map((item) => (
            <li key={item.caseId} className="work-item is-overdue" data-testid="home-escalation">
              <p>
                <Link to={`/cases/${item.personId}`}>{personName(item.person) ?? t('cases.unnamed', { id: shortId(item.personId) })}</Link>
              </p>
              <p>
                <strong className="work-overdue">{t('cases.list.overdue', { count: item.obligations.overdue })}</strong>
                {item.obligations.nextCode ? ` · ${obligationName(t, item.obligations.nextCode)}` : ''}
              </p>
            </li>
          ))}
        </ul>
      </section>
      <section className="work-section" aria-labelledby="overdue-title" data-testid="home-overdue">
        <h2 id="overdue-title">{t('home.supervisor.overdue')}</h2>
        <ProblemAlert error={overdue.error} />
        {overdue.data?.length === 0 ? <p>{t('home.supervisor.noOverdue')}</p> : null}
        <ObligationList obligations={overdue.data ?? []} names={names} />
        <p>
          <Link to="/supervision/overdue">{t('home.supervisor.allOverdue')}</Link>
        </p>
      </section>
    </div>
  );
}

export default function SupervisorHome() {
  return (
    <CaseStrings>
      <SupervisionStrings>
        <SupervisorHomeContent />
      </SupervisionStrings>
    </CaseStrings>
  );
}
