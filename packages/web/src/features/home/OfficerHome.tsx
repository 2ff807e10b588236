import type { CaseListPage, IntakeItem, ObligationView } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { api } from '../../app/api';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { useSession } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import { useNow } from '../cases/clock';
import { FulfilLink } from '../cases/FulfilLink';
import { isOverdue, obligationName, personName, shortId } from '../cases/model';
import { CaseStrings } from '../cases/strings';
import { WorkHeader } from './WorkHeader';

/** Every case listed on the home page comes from one page of this size. */
const CASES = 100;

/**
 * A protection officer's home: the arrivals nobody has taken up (to take one up), the obligations
 * of their own cases, the earliest deadline first, each opening the case on what is to be done;
 * then their cases.
 */
function OfficerHomeContent() {
  const { t } = useTranslation();
  const obligations = useQuery(apiQuery<ObligationView[]>(queryKeys.myObligations(), '/api/queues/my-obligations?limit=200'));
  const cases = useQuery(apiQuery<CaseListPage>(queryKeys.caseList('assigned=me'), `/api/cases?assigned=me&limit=${CASES}`));
  const names = new Map((cases.data?.items ?? []).map((item) => [item.personId, personName(item.person)]));
  return (
    <div className="page">
      <WorkHeader />
      <Arrivals />
      <section className="work-section" aria-labelledby="my-obligations-title" data-testid="home-my-obligations">
        <h2 id="my-obligations-title">{t('home.officer.obligations')}</h2>
        <ProblemAlert error={obligations.error} />
        {obligations.data?.length === 0 ? <p>{t('home.officer.noObligations')}</p> : null}
        <ObligationList obligations={obligations.data ?? []} names={names} />
      </section>
      <section className="work-section" aria-labelledby="my-cases-title" data-testid="home-my-cases">
        <h2 id="my-cases-title">{t('home.officer.cases')}</h2>
        <ProblemAlert error={cases.error} />
        {cases.data?.items.length === 0 ? <p>{t('home.officer.noCases')}</p> : null}
        <ul className="work-list">
          {(cases.data?.items ?? []).map((item) => (
            <li key={item.caseId} className={item.obligations.overdue > 0 ? 'work-item is-overdue' : 'work-item'}>
              <p>
                <Link to={`/cases/${item.personId}`}>{personName(item.person) ?? t('cases.unnamed', { id: shortId(item.personId) })}</Link> · {t(`cases.stages.${item.stage}`)}
              </p>
              <p className="work-muted">
                {t('cases.list.open', { count: item.obligations.open })}
                {item.obligations.overdue > 0 ? <strong className="work-overdue"> · {t('cases.list.overdue', { count: item.obligations.overdue })}</strong> : null}
              </p>
            </li>
          ))}
        </ul>
        <p>
          <Link to="/cases">{t('home.officer.allCases')}</Link>
        </p>
      </section>
    </div>
  );
}

/** Arrivals listed on the home: the most urgent few; the supervisor's intake screen has them all. */
const ARRIVALS = 10;

/**
 * The cases handed to the agency that nobody has taken up, most urgent first: an officer takes one
 * up here (it becomes theirs, its obligations move to their list), so an unaccompanied child with
 * a medical emergency does not wait for a supervisor to be at a desk.
 */
function Arrivals() {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  const { state } = useSession();
  const me = state.status === 'signed-in' ? state.me.userId : undefined;
  const arrivals = useQuery(apiQuery<IntakeItem[]>(queryKeys.intakeQueue(), `/api/queues/intake?limit=${ARRIVALS}`));
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const takeUp = async (item: IntakeItem, name: string) => {
    setError(undefined);
    try {
      await api('PATCH', `/api/cases/${item.caseId}`, { version: item.caseVersion, officerId: me });
      setDone(t('home.officer.takenUp', { name }));
      await invalidate(...staleAfter.casesAssigned([item.personId]), queryKeys.myObligations(), queryKeys.caseList());
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section className="work-section" aria-labelledby="arrivals-title" data-testid="home-arrivals">
      <h2 id="arrivals-title">{t('home.officer.arrivals')}</h2>
      <p className="work-muted">{t('home.officer.arrivalsExplain')}</p>
      {done ? (
        <p role="status" className="alert alert-ok">
          {done}
        </p>
      ) : null}
      <ProblemAlert error={arrivals.error ?? error} />
      {arrivals.data?.length === 0 ? <p>{t('home.officer.noArrivals')}</p> : null}
      <ul className="work-list">
        {(arrivals.data ?? []).map((item) => {
          const name = personName(item.person) ?? t('cases.unnamed', { id: shortId(item.personId) });
          const late = item.takeUpBy !== null && Date.parse(item.takeUpBy) < now.getTime();
          return (
            <li key={item.caseId} className={late ? 'work-item is-overdue' : 'work-item'} data-testid="home-arrival">
              <p>
                <Link to={`/cases/${item.personId}`}>{name}</Link> · {item.triage.map((category) => t(`firstResponse.triage.${category}`)).join(', ')}
              </p>
              {item.takeUpBy !== null ? (
                <p className={late ? 'work-overdue' : 'work-muted'}>
                  {late ? t('home.officer.takeUpLate', { when: format.relative(item.takeUpBy) }) : t('home.officer.takeUpBy', { when: format.relative(item.takeUpBy) })}
                </p>
              ) : null}
              {item.obligations.nextCode ? (
                <p className="work-muted">
                  {obligationName(t, item.obligations.nextCode)}
                  {item.obligations.nextDueBy ? ` · ${format.relative(item.obligations.nextDueBy)}` : ''}
                </p>
              ) : null}
              <Button className="button button-primary" isDisabled={me === undefined} onPress={() => void takeUp(item, name)}>
                {t('home.officer.takeUp', { name })}
              </Button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Obligations as a worklist: what, for whom, by when (overdue in words and in red), each opening the case. */
export function ObligationList({ obligations, names }: { obligations: readonly ObligationView[]; names: ReadonlyMap<string, string | undefined> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  return (
    <ol className="work-list">
      {obligations.map((obligation) => {
        const overdue = isOverdue(obligation, now);
        // A case not among those read for names is named by its reference, not called nameless.
        const who = names.get(obligation.personId) ?? t('home.caseRef', { id: shortId(obligation.personId) });
        return (
          <li key={obligation.id} className={overdue ? 'work-item is-overdue' : 'work-item'} data-testid="home-obligation" data-code={obligation.code}>
            <p>
              <Link to={`/cases/${obligation.personId}`}>
                <strong>{obligationName(t, obligation.code)}</strong> · {who}
              </Link>
            </p>
            {obligation.dueBy ? (
              <p>
                {overdue ? <strong className="work-overdue">{t('cases.obligations.overdue')} · </strong> : null}
                <time dateTime={obligation.dueBy}>
                  {t(overdue ? 'cases.due.overdueSince' : 'cases.due.dueIn', { when: format.relative(obligation.dueBy, now) })} ({format.dateTime(obligation.dueBy)})
                </time>
              </p>
            ) : null}
            <p>
              <FulfilLink obligation={obligation} label={who} />
            </p>
          </li>
        );
      })}
    </ol>
  );
}

export default function OfficerHome() {
  return (
    <CaseStrings>
      <OfficerHomeContent />
    </CaseStrings>
  );
}
