import type { AssistanceType, ServiceType } from '@haven/core/codes';
import type { PersonMerge } from '@haven/core/schemas';
import { useQuery, type QueryKey } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { screensFor } from '../../app/screens';
import { ApiProblem } from '../../app/api';
import { useMe } from '../../app/session';
import { invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { ProblemAlert } from '../../app/ui/problem';
import { AgeSection } from './AgeSection';
import { AssistanceSection } from './AssistanceSection';
import { CaseForm } from './CaseForm';
import { DetentionSection } from './DetentionSection';
import { DuplicatesSection, MergedIntoNotice } from './DuplicatesSection';
import { LinkRequestsSection } from './LinkRequestsSection';
import { GuardsSection } from './GuardsSection';
import { HistorySection } from './HistorySection';
import { ACT_PARAMETER, actionsFor, askFor, personName, shortId, type Assessment, type Case, type CaseAction, type CaseAsk, type Person } from './model';
import { JusticeSection } from './JusticeSection';
import { ObligationsSection } from './ObligationsSection';
import { PersonRecordSection } from './PersonRecordSection';
import { caseReads } from './queries';
import { ReferralsSection } from './ReferralsSection';
import { RetentionSection } from './RetentionSection';
import { ScreeningSection } from './ScreeningSection';
import { ToDoSection } from './ToDoSection';
import './cases.css';
import { CaseStrings } from './strings';

/** The facts of the case the engine reads beside the person's record: its stage and the choices made. */
function CaseFacts({ kase, mayChange }: { kase: Case | undefined; mayChange: boolean }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="facts-title">
      <h2 id="facts-title">{t('cases.fact.title')}</h2>
      {kase ? (
        <dl className="case-facts" data-testid="case-facts">
          <div>
            <dt>{t('cases.fact.stage')}</dt>
            <dd data-testid="case-stage">{t(`cases.stages.${kase.stage}`)}</dd>
          </div>
          <div>
            <dt>{t('cases.fact.asylumClaim')}</dt>
            <dd>{t(`cases.asylumClaims.${kase.asylumClaim}`)}</dd>
          </div>
          <div>
            <dt>{t('cases.fact.consular')}</dt>
            <dd>{t(`cases.consularChoices.${kase.consular}`)}</dd>
          </div>
          <div>
            <dt>{t('cases.fact.bestInterests')}</dt>
            <dd>{kase.bestInterestsDetermined ? t('cases.yes') : t('cases.no')}</dd>
          </div>
          {kase.riskLevel ? (
            <div>
              <dt>{t('cases.fact.riskLevel')}</dt>
              <dd>{t(`cases.riskLevels.${kase.riskLevel}`)}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      {kase && mayChange ? <CaseForm current={kase} onChanged={() => void invalidate(...staleAfter.caseFactsChanged(kase.personId))} /> : null}
    </section>
  );
}

/**
 * The referrals the engine calls for, but the consular post's: the notification recorded in the
 * detention and consular rights section is what delivers it (and fulfils consular.notify_post).
 */
function withoutConsular(needed: Assessment['referrals'] | undefined): Assessment['referrals'] | undefined {
  return needed?.filter((need) => need.service !== 'consular');
}

/**
 * One person's case, opening on what is to be done (each open obligation with the form that
 * fulfils it), then the record: who they are and the facts the engine reads, the screenings, what
 * the State owes them and by when, what is refused and why, the assistance given and the
 * referrals. A change anywhere reads the obligations and guards again: the engine recomputes them
 * from the facts.
 */
function CaseScreenContent() {
  const { t } = useTranslation();
  const { personId = '' } = useParams();
  const person = useQuery(caseReads.person(personId));
  const kase = useQuery(caseReads.case(personId));
  const merged = useQuery(caseReads.mergedInto(personId));
  // A record merged into another has no case of its own any more: what the State owes and the
  // guards are read on the survivor. (Asking the engine about a merged-away record would also
  // give it obligations again, which an unmerge then trips over.)
  const standsAlone = merged.data ? merged.data.mergedInto === null : merged.error !== null;
  const mergedAway = Boolean(merged.data?.mergedInto);
  const obligations = useQuery({ ...caseReads.obligations(personId), enabled: standsAlone });
  const guards = useQuery({ ...caseReads.guards(personId), enabled: standsAlone });
  const assessment = useQuery({ ...caseReads.assessment(personId), enabled: standsAlone });
  const changed = (keys: QueryKey[]) => () => void invalidate(...keys);
  // The duplicates section starts afresh when a merge is undone from the banner.
  const [duplicatesShown, setDuplicatesShown] = useState(0);
  const mergeChanged = (merge?: PersonMerge) => {
    const others = merge ? [merge.survivorId, merge.mergedId].filter((id) => id !== personId) : [];
    const mergedAwayNow = merge !== undefined && merge.mergedId === personId && !merge.unmergedAt;
    void invalidate(...staleAfter.recordsMoved(personId, { mergedAway: mergedAwayNow }), ...others.map(queryKeys.person));
  };
  // A to-do's action opens its form below, prefilled; each press is a new ask (the same one twice included).
  const [asked, setAsked] = useState<CaseAsk>();
  const act = (action: CaseAction) => setAsked((previous) => ({ ...action, attempt: (previous?.attempt ?? 0) + 1 }));
  // One object per ask, not per render: a section reacts to a new ask only (a re-render after its own
  // save must not reopen the form and wipe what it just said).
  const assistAsked = useMemo(() => (asked?.kind === 'assist' ? { type: asked.type as AssistanceType, attempt: asked.attempt } : undefined), [asked]);
  const referAsked = useMemo(() => (asked?.kind === 'refer' ? { service: asked.service as ServiceType, attempt: asked.attempt } : undefined), [asked]);
  const me = useMe();
  // A work queue opens the case on one obligation's form: once the obligations are read, that
  // obligation's first action is asked as its to-do button would, and the address forgets it.
  const [search, setSearch] = useSearchParams();
  const actOn = search.get(ACT_PARAMETER);
  useEffect(() => {
    if (!actOn || !obligations.data) return;
    const obligation = obligations.data.find((o) => o.id === actOn && (o.status === 'open' || o.status === 'overdue'));
    const [action] = obligation ? actionsFor(obligation, me.permissions) : [];
    if (action) act(action);
    setSearch((previous) => {
      previous.delete(ACT_PARAMETER);
      return previous;
    }, { replace: true });
  }, [actOn, obligations.data]); // asked once per address, when the obligations arrive
  const mayManage = me.permissions.includes('case:manage');
  // The first-contact agency after a handover: the case is the receiving agency's; until its access
  // ends it sees who the person is and records assistance, a detention or an incident, nothing more.
  const firstContact = kase.error instanceof ApiProblem && kase.error.status === 403;
  const caseList = screensFor(me.role).some((screen) => screen.path === 'cases');
  const languages = person.data?.fields.languages ?? [];
  return (
    <div className="page case-page">
      {caseList ? (
        <p className="case-back">
          <Link to="/cases">{t('cases.backToList')}</Link>
        </p>
      ) : null}
      {/* Until the record arrives the heading says so: "no name recorded" would be a claim about the record. */}
      <h1>{person.data === undefined && !person.error ? t('cases.loading') : (personName(person.data?.fields) ?? t('cases.unnamed', { id: shortId(personId) }))}</h1>
      <ProblemAlert error={person.error ?? (firstContact ? undefined : kase.error)} />
      {firstContact ? (
        <p className="alert" data-testid="first-contact-notice">
          {t('cases.firstContact')}
        </p>
      ) : null}
      <MergedIntoNotice
        state={merged.data}
        onUndone={() => {
          mergeChanged();
          setDuplicatesShown((n) => n + 1);
        }}
      />
      {mergedAway || firstContact ? null : (
        <ToDoSection
          obligations={obligations.data}
          error={obligations.error}
          ageDisputed={assessment.data?.flags.includes('age_disputed') ?? false}
          onAct={act}
        />
      )}
      <PersonRecordSection person={person.data} mayEdit={!mergedAway} />
      {firstContact ? null : <CaseFacts kase={kase.data} mayChange={mayManage && !mergedAway} />}
      {firstContact ? (
        <FirstContactSections personId={personId} person={person.data} languages={languages} asked={asked} assistAsked={assistAsked} onChange={changed} />
      ) : null}
      {mergedAway || firstContact ? null : (
        <>
          <DuplicatesSection key={duplicatesShown} personId={personId} person={person.data} onChanged={mergeChanged} />
          <LinkRequestsSection personId={personId} onDecided={() => mergeChanged()} />
          <AgeSection personId={personId} fields={person.data?.fields} flags={assessment.data?.flags} asked={askFor(asked, 'age_assessment')} onChange={changed(staleAfter.ageRecorded(personId))} />
          <ScreeningSection personId={personId} onChange={changed(staleAfter.screeningSaved(personId))} />
          <ObligationsSection obligations={obligations.data} error={obligations.error} onChange={changed(staleAfter.obligationWaived(personId))} />
          <GuardsSection personId={personId} guards={guards.data} error={guards.error} onChange={changed(staleAfter.guardedActionRecorded(personId))} />
          <DetentionSection
            personId={personId}
            person={person.data}
            kase={kase.data}
            obligations={obligations.data}
            guards={guards.data}
            askedEnd={askFor(asked, 'detention_end')}
            askedNotification={askFor(asked, 'consular_notification')}
            onChange={changed(staleAfter.consularRecorded(personId))}
          />
          <AssistanceSection personId={personId} languages={languages} asked={assistAsked} onChange={changed(staleAfter.assistanceGiven(personId))} />
          <ReferralsSection personId={personId} languages={languages} asked={referAsked} needed={withoutConsular(assessment.data?.referrals)} neededError={assessment.error} />
          <JusticeSection
            personId={personId}
            may={{ read: me.fieldGroups.includes('justice'), record: me.permissions.includes('incident:write'), link: mayManage }}
            askedIncident={askFor(asked, 'incident')}
            askedLink={askFor(asked, 'justice_link')}
            onChange={changed(staleAfter.justiceRecorded([personId]))}
          />
          <RetentionSection personId={personId} />
          <HistorySection personId={personId} />
        </>
      )}
    </div>
  );
}

/** What the first-contact agency may still do on a case handed over: detention, assistance, an incident. */
function FirstContactSections({
  personId,
  person,
  languages,
  asked,
  assistAsked,
  onChange,
}: {
  personId: string;
  person: Person | undefined;
  languages: string[];
  asked: CaseAsk | undefined;
  assistAsked: { type: AssistanceType; attempt: number } | undefined;
  onChange: (keys: QueryKey[]) => () => void;
}) {
  const me = useMe();
  return (
    <>
      <DetentionSection
        personId={personId}
        person={person}
        kase={undefined}
        obligations={undefined}
        guards={undefined}
        askedEnd={askFor(asked, 'detention_end')}
        askedNotification={undefined}
        onChange={onChange(staleAfter.consularRecorded(personId))}
      />
      <AssistanceSection personId={personId} languages={languages} asked={assistAsked} onChange={onChange(staleAfter.assistanceGiven(personId))} />
      <JusticeSection
        personId={personId}
        may={{ read: false, record: me.permissions.includes('incident:write'), link: false }}
        askedIncident={askFor(asked, 'incident')}
        askedLink={undefined}
        onChange={onChange(staleAfter.justiceRecorded([personId]))}
      />
    </>
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
