import type { MergedInto, PersonMerge } from '@haven/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import { AssistanceSection } from './AssistanceSection';
import { CaseForm } from './CaseForm';
import { DuplicatesSection, MergedIntoNotice } from './DuplicatesSection';
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
  const merged = useResource<MergedInto>(`/api/persons/${personId}/merged-into`);
  // A record merged into another has no case of its own any more: what the State owes and the
  // guards are read on the survivor. (Asking the engine about a merged-away record would also
  // give it obligations again, which an unmerge then trips over.)
  const standsAlone = merged.data ? merged.data.mergedInto === null : merged.error !== undefined;
  const mergedAway = Boolean(merged.data?.mergedInto);
  const caseRead = (path: string) => (standsAlone ? `/api/persons/${personId}/${path}` : null);
  const obligations = useResource<Obligation[]>(caseRead('obligations'));
  const guards = useResource<Guards>(caseRead('guards'));
  const assessment = useResource<Assessment>(caseRead('assessment'));
  const factsChanged = () => {
    obligations.reload();
    guards.reload();
    assessment.reload();
    kase.reload();
  };
  // A merge or its undo moves records between two persons: every section reads them again (the
  // sections that load their own are made anew; the duplicates keep the merge's undo on screen).
  const [records, setRecords] = useState(0);
  const [duplicatesShown, setDuplicatesShown] = useState(0);
  const mergeChanged = (merge?: PersonMerge) => {
    person.reload();
    kase.reload();
    merged.reload();
    setRecords((n) => n + 1);
    // This record merged away: nothing of its case is read again (see standsAlone).
    if (merge && merge.mergedId === personId && !merge.unmergedAt) return;
    obligations.reload();
    guards.reload();
    assessment.reload();
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
      <MergedIntoNotice
        state={merged.data}
        onUndone={() => {
          // The case sections come back as the record stands alone again, and read afresh.
          mergeChanged();
          setDuplicatesShown((n) => n + 1);
        }}
      />
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
        {kase.data && mayManage && !mergedAway ? <CaseForm current={kase.data} onChanged={factsChanged} /> : null}
      </section>
      {mergedAway ? null : (
        <>
          <DuplicatesSection key={duplicatesShown} personId={personId} person={person.data} onChanged={mergeChanged} />
          <ScreeningSection key={`screening-${records}`} personId={personId} onChange={factsChanged} />
          <ObligationsSection obligations={obligations.data} error={obligations.error} onChange={factsChanged} />
          <GuardsSection personId={personId} guards={guards.data} error={guards.error} onChange={factsChanged} />
          <AssistanceSection key={`assistance-${records}`} personId={personId} languages={person.data?.fields.languages ?? []} onChange={factsChanged} />
          <ReferralsSection key={`referrals-${records}`} personId={personId} languages={person.data?.fields.languages ?? []} needed={assessment.data?.referrals} neededError={assessment.error} onChange={factsChanged} />
        </>
      )}
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
