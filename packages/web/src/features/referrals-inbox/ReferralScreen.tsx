import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { obligationName, type Person, type Referral, type Screening } from '../cases/model';
import { PersonFacts, useDisplayNames } from '../cases/PersonFacts';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import '../cases/cases.css';
import { CaseStrings } from '../cases/strings';

const ENDED = new Set(['declined', 'closed', 'revoked']);

type Action = 'accept' | 'start' | 'close' | 'decline' | 'complete';

/**
 * Moves the referral one step. The answer is the referral as now stored; once it has ended, the
 * person's records this recipient read leave the cache too, as their access ends.
 */
function useMoveReferral(referral: Referral | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, extra }: { action: Action; extra?: Record<string, string> }) => {
      const id = referral!.id;
      // Each step's path written out: a test checks every route has a screen that calls it.
      const path = {
        accept: `/api/referrals/${id}/accept`,
        start: `/api/referrals/${id}/start`,
        close: `/api/referrals/${id}/close`,
        decline: `/api/referrals/${id}/decline`,
        complete: `/api/referrals/${id}/complete`,
      }[action];
      return api<Referral>('POST', path, { version: referral!.version, ...extra });
    },
    onSuccess: (moved) => {
      queryClient.setQueryData(queryKeys.referral(moved.id), moved);
      if (ENDED.has(moved.status)) queryClient.removeQueries({ queryKey: queryKeys.person(moved.personId) });
      return invalidate(...staleAfter.referralMoved(moved.personId));
    },
    // A stale version means someone else moved it: show what is stored now.
    onError: () => invalidate(queryKeys.referral(referral!.id)),
  });
}

/**
 * One referral as its recipient sees it: what is asked and by when, the sender's reason, and the
 * person's fields the referral shares — exactly what the server returns under the access grant,
 * nothing asked for beyond the groups shared. Accept, decline with a reason, start, record the
 * service delivered, close: the buttons are the transitions the server says are open.
 */
function ReferralScreenContent() {
  const { t } = useTranslation();
  const { referralId = '' } = useParams();
  const loaded = useQuery(apiQuery<Referral>(queryKeys.referral(referralId), `/api/referrals/${referralId}`));
  const referral = loaded.data;
  return (
    <div className="page case-page">
      <p className="case-back">
        <Link to="/referrals/inbox">{t('referralsInbox.back')}</Link>
      </p>
      <h1>{referral ? t('referralsInbox.referral.title', { reference: referral.reference, service: t(`cases.services.${referral.service}`) }) : t('referralsInbox.referral.loading')}</h1>
      <ProblemAlert error={loaded.error} />
      {referral ? (
        <>
          <ReferralFacts referral={referral} />
          <SharedRecords referral={referral} />
          <ReferralActions referral={referral} />
        </>
      ) : null}
    </div>
  );
}

/** What is asked, by when and why, as the sender wrote it. */
function ReferralFacts({ referral }: { referral: Referral }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  return (
    <section aria-labelledby="referral-title">
      <h2 id="referral-title">{t('referralsInbox.referral.what')}</h2>
      <dl className="case-facts" data-testid="referral-facts">
        <div>
          <dt>{t('referralsInbox.status')}</dt>
          <dd data-testid="referral-status">{t(`cases.referralStatuses.${referral.status}`)}</dd>
        </div>
        <div>
          <dt>{t('referralsInbox.urgency')}</dt>
          <dd>{t(`cases.urgencies.${referral.urgency}`, { defaultValue: referral.urgency })}</dd>
        </div>
        {referral.dueBy ? (
          <div>
            <dt>{t('referralsInbox.dueBy')}</dt>
            <dd>{format.dateTime(referral.dueBy)}</dd>
          </div>
        ) : null}
        {referral.sentAt ? (
          <div>
            <dt>{t('referralsInbox.received')}</dt>
            <dd>{format.dateTime(referral.sentAt)}</dd>
          </div>
        ) : null}
        {referral.obligations.length ? (
          <div>
            <dt>{t('referralsInbox.referral.serves')}</dt>
            <dd>{names.list(referral.obligations.map((code) => obligationName(t, code)))}</dd>
          </div>
        ) : null}
      </dl>
      {referral.reason ? (
        <figure className="case-statement">
          <blockquote dir="auto">{referral.reason}</blockquote>
          <figcaption>{t('referralsInbox.referral.reason')}</figcaption>
        </figure>
      ) : null}
      {referral.declineReason ? <p>{t('cases.referrals.declineReason', { reason: referral.declineReason })}</p> : null}
      {referral.feedback ? <p>{t('cases.referrals.feedback', { feedback: referral.feedback })}</p> : null}
      <p>
        <a href={`/api/referrals/${referral.id}/form.pdf`} download>
          {t('referralsInbox.referral.form')}
        </a>
      </p>
    </section>
  );
}

/** The person's fields and screenings the referral shares, read only while it is live. */
function SharedRecords({ referral }: { referral: Referral }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const live = !ENDED.has(referral.status);
  const shares = (group: string) => referral.sharedGroups.includes(group as never);
  const personId = referral.personId;
  const person = useQuery({ ...apiQuery<Person>(queryKeys.personRecord(personId), `/api/persons/${personId}`), enabled: live });
  const screenings = useQuery({ ...apiQuery<Screening[]>(queryKeys.screenings(personId), `/api/persons/${personId}/screenings`), enabled: live && (shares('protection') || shares('health')) });
  // Once the referral has ended nothing of the person is shown, not even what was loaded before.
  const latest = live ? screenings.data?.at(-1) : undefined;
  const statements = live ? (screenings.data ?? []).filter((s) => s.statement) : [];
  return (
    <section aria-labelledby="shared-title">
      <h2 id="shared-title">{t('referralsInbox.referral.shared')}</h2>
      <p data-testid="shared-groups">{t('referralsInbox.referral.sharedGroups', { groups: names.list(referral.sharedGroups.map((group) => t(`cases.fieldGroups.${group}`))) })}</p>
      {!live ? <p className="alert alert-warning">{t('referralsInbox.referral.accessEnded')}</p> : null}
      <ProblemAlert error={person.error ?? screenings.error} />
      {live && person.data ? <PersonFacts fields={person.data.fields} testId="shared-person" /> : null}
      {latest ? (
        <>
          <h3>{t('referralsInbox.referral.indicators')}</h3>
          <p data-testid="shared-indicators">{latest.indicators.length ? names.list(latest.indicators.map((code) => t(`cases.indicators.${code}`, { defaultValue: code }))) : t('cases.screening.noIndicators')}</p>
        </>
      ) : null}
      {statements.length > 0 ? (
        <>
          <h3>{t('referralsInbox.referral.statements')}</h3>
          {statements.map((screening) => (
            <figure key={screening.id} className="case-statement" data-testid="shared-statement">
              <blockquote dir="auto" {...(screening.statementLanguage ? { lang: screening.statementLanguage } : {})}>{screening.statement}</blockquote>
              <figcaption>
                {screening.statementLanguage ? t('cases.screening.inTheirWordsIn', { language: names.language(screening.statementLanguage) }) : t('cases.screening.inTheirWords')} ·{' '}
                {format.dateTime(screening.screenedAt)}
              </figcaption>
            </figure>
          ))}
        </>
      ) : null}
    </section>
  );
}

/** The transitions the server says are open, with the reason or feedback some of them need. */
function ReferralActions({ referral }: { referral: Referral }) {
  const { t } = useTranslation();
  const [moved, setMoved] = useState<Referral>();
  const [error, setError] = useState<unknown>();
  const moveReferral = useMoveReferral(referral);
  const decline = useForm({ resolver: zodResolver(z.object({ reason: z.string().trim().min(1, t('cases.required')).max(2000) })), defaultValues: { reason: '' } });
  const complete = useForm({ resolver: zodResolver(z.object({ feedback: z.string().trim().min(1, t('cases.required')).max(4000) })), defaultValues: { feedback: '' } });
  const move = async (action: Action, extra?: Record<string, string>) => {
    setError(undefined);
    try {
      setMoved(await moveReferral.mutateAsync({ action, ...(extra ? { extra } : {}) }));
    } catch (failure) {
      setMoved(undefined);
      throw failure;
    }
  };
  const press = (action: 'accept' | 'start' | 'close') => () => move(action).catch(setError);
  const submitDecline = decline.handleSubmit(({ reason }) => move('decline', { reason: reason.trim() }).catch((failure: unknown) => setError(applyProblem(failure, decline.setError, ['reason']))));
  const submitComplete = complete.handleSubmit(({ feedback }) => move('complete', { feedback: feedback.trim() }).catch((failure: unknown) => setError(applyProblem(failure, complete.setError, ['feedback']))));
  const allowed = new Set(referral.allowedActions);
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">{t('referralsInbox.referral.next')}</h2>
      {allowed.size === 0 ? <p>{t('referralsInbox.referral.nothingToDo')}</p> : null}
      <div className="case-actions">
        {allowed.has('accept') ? (
          <Button className="button button-primary" onPress={press('accept')} data-testid="accept">
            {t('referralsInbox.actions.accept')}
          </Button>
        ) : null}
        {allowed.has('start') ? (
          <Button className="button button-primary" onPress={press('start')} data-testid="start">
            {t('referralsInbox.actions.start')}
          </Button>
        ) : null}
        {allowed.has('complete') ? (
          <Form onSubmit={submitComplete} validationBehavior="aria" aria-label={t('referralsInbox.actions.complete')}>
            <TextInputField control={complete.control} name="feedback" label={t('referralsInbox.actions.feedback')} description={t('referralsInbox.actions.feedbackHint')} multiline isRequired />
            <Button type="submit" className="button button-primary" data-testid="complete">
              {t('referralsInbox.actions.complete')}
            </Button>
          </Form>
        ) : null}
        {allowed.has('decline') ? (
          <Form onSubmit={submitDecline} validationBehavior="aria" aria-label={t('referralsInbox.actions.decline')}>
            <TextInputField control={decline.control} name="reason" label={t('referralsInbox.actions.declineReason')} description={t('referralsInbox.actions.declineHint')} multiline isRequired />
            <Button type="submit" className="button button-danger" data-testid="decline">
              {t('referralsInbox.actions.decline')}
            </Button>
          </Form>
        ) : null}
        {allowed.has('close') ? (
          <Button className="button" onPress={press('close')} data-testid="close">
            {t('referralsInbox.actions.close')}
          </Button>
        ) : null}
      </div>
      <ProblemAlert error={error} />
      {moved ? (
        <p role="status" className="alert alert-ok" data-testid="referral-moved">
          {t('referralsInbox.referral.nowStatus', { status: t(`cases.referralStatuses.${moved.status}`) })}
        </p>
      ) : null}
    </section>
  );
}

export default function ReferralScreen() {
  // Another referral opened from this one is a new screen: nothing of the previous one carries over.
  const { referralId = '' } = useParams();
  return (
    <CaseStrings>
      <ReferralScreenContent key={referralId} />
    </CaseStrings>
  );
}
