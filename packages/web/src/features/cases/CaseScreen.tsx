import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import { AssistanceSection } from './AssistanceSection';
import { CaseForm } from './CaseForm';
import { GuardsSection } from './GuardsSection';
import { personName, shortId, type Assessment, type Case, type Guards, type Obligation, type Person } from './model';
import { ObligationsSection } from './ObligationsSection';
import { PersonFacts } from './PersonFacts';
import { ReferralsSection } from './ReferralsSection';
import { ScreeningSection } from './ScreeningSection';
import { useResource } from '../../app/ui/resource';
import './cases.css';
import { CaseStrings } from './strings';

/**
 * One person's case: who they are and the facts the engine reads, the screenings, what the State
 * owes them and by when, what is refused and why, the assistance given and the referrals. A
 * change anywhere reloads the obligations and guards: the engine recomputes them from the facts.
 */
function CaseScreenContent() {
  const { t } = useTranslation();
  const { personId = '' } = useParams();
  const person = useResource<Person>(`/api/persons/${personId}`);
  const kase = useResource<Case>(`/api/persons/${personId}/case`);
  const obligations = useResource<Obligation[]>(`/api/persons/${personId}/obligations`);
  const guards = useResource<Guards>(`/api/persons/${personId}/guards`);
  const assessment = useResource<Assessment>(`/api/persons/${personId}/assessment`);
  const factsChanged = () => {
    obligations.reload();
    guards.reload();
    assessment.reload();
    kase.reload();
  };
  const mayManage = useMe().permissions.includes('case:manage');
  const name = personName(person.data?.fields) ?? t('cases.unnamed', { id: shortId(personId) });
  return (
    <div className="page case-page">
      <p className="case-back">
        <Link to="/cases">{t('cases.backToList')}</Link>
      </p>
      <h1>{name}</h1>
      <ProblemAlert error={person.error ?? kase.error} />
      <section aria-labelledby="facts-title">
        <h2 id="facts-title">{t('cases.fact.title')}</h2>
        {person.data ? <PersonFacts fields={person.data.fields} testId="person-facts" /> : null}
        {kase.data ? (
          <dl className="case-facts" data-testid="case-facts">
            <div>
              <dt>{t('cases.fact.stage')}</dt>
              <dd data-testid="case-stage">{t(`cases.stages.${kase.data.stage}`)}</dd>
            </div>
            <div>
              <dt>{t('cases.fact.asylumClaim')}</dt>
              <dd>{t(`cases.asylumClaims.${kase.data.asylumClaim}`)}</dd>
            </div>
            <div>
              <dt>{t('cases.fact.consular')}</dt>
              <dd>{t(`cases.consularChoices.${kase.data.consular}`)}</dd>
            </div>
            <div>
              <dt>{t('cases.fact.bestInterests')}</dt>
              <dd>{kase.data.bestInterestsDetermined ? t('cases.yes') : t('cases.no')}</dd>
            </div>
            {kase.data.riskLevel ? (
              <div>
                <dt>{t('cases.fact.riskLevel')}</dt>
                <dd>{t(`cases.riskLevels.${kase.data.riskLevel}`)}</dd>
              </div>
            ) : null}
          </dl>
        ) : null}
        {kase.data && mayManage ? <CaseForm current={kase.data} onChanged={factsChanged} /> : null}
      </section>
      <ScreeningSection personId={personId} onChange={factsChanged} />
      <ObligationsSection obligations={obligations.data} error={obligations.error} onChange={factsChanged} />
      <GuardsSection personId={personId} guards={guards.data} error={guards.error} onChange={factsChanged} />
      <AssistanceSection personId={personId} languages={person.data?.fields.languages ?? []} onChange={factsChanged} />
      <ReferralsSection personId={personId} languages={person.data?.fields.languages ?? []} needed={assessment.data?.referrals} neededError={assessment.error} onChange={factsChanged} />
    </div>
  );
}

export default function CaseScreen() {
  // Another case opened from this one is a new screen: nothing of the previous one carries over.
  const { personId = '' } = useParams();
  return (
    <CaseStrings>
      <CaseScreenContent key={personId} />
    </CaseStrings>
  );
}
