import type { ServiceType } from '@haven/core/codes';
import { REFERRAL_URGENCIES, SERVICE_TYPES } from './codes';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { CheckboxField, ChoiceField, SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { obligationName, type Assessment, type Proposal, type Referral } from './model';
import { useDisplayNames } from './PersonFacts';
import { caseReads } from './queries';
import { ConsentsList, ReferralEnds, useProviderNames } from './ReferralEnds';
import { NoProviderSteps, ServiceGapsList } from './ServiceGaps';

const consentSchema = z.object({
  decision: z.enum(['given', 'declined']),
  language: z.string().trim().regex(/^[a-z]{2,3}$/),
  interpreter: z.boolean(),
});
const sendSchema = z.object({ urgency: z.enum(REFERRAL_URGENCIES), reason: z.string().max(4000) });
const ENDED = new Set(['declined', 'closed', 'revoked']);

/** A proposal with a provider, for the steps that need one. */
type Proposed = Proposal & { provider: NonNullable<Proposal['provider']> };

/** Sends a drafted referral; what it touches (the case's referrals, obligations, stage) is read again. */
function useSendReferral(personId: string) {
  return useMutation({
    mutationFn: ({ draft, consentId }: { draft: Referral; consentId?: string }) => api<Referral>('POST', `/api/referrals/${draft.id}/send`, { version: draft.version, ...(consentId ? { consentId } : {}) }),
    onSuccess: () => invalidate(...staleAfter.referralMoved(personId)),
  });
}

/**
 * The referrals of a case, and making one in three steps the officer can see: the directory
 * proposes the area's provider for the service (and says what would be shared: only the field
 * groups that service needs); the person's decision on sharing with that recipient for that
 * purpose is recorded; then the referral is drafted and sent. Nothing is shared before consent.
 */
export function ReferralsSection({
  personId,
  languages,
  asked,
  needed = [],
  neededError,
}: {
  personId: string;
  languages: string[];
  /** Asked from the to-do list: the directory's proposal for this service, in the referral form. */
  asked?: { service: ServiceType; attempt: number } | undefined;
  /** The referrals the engine says the open obligations call for (from the assessment, read again with the facts). */
  needed: Assessment['referrals'] | undefined;
  neededError: unknown;
}) {
  const { t } = useTranslation();
  const referrals = useQuery(caseReads.referrals(personId));
  const sendReferral = useSendReferral(personId);
  const [proposing, setProposing] = useState<{ service: ServiceType; area: string; attempt: number }>();
  const [sent, setSent] = useState<Referral>();
  const [error, setError] = useState<unknown>();
  const propose = (service: ServiceType, area: string) => {
    setError(undefined);
    setSent(undefined);
    setProposing((previous) => ({ service, area: area.trim(), attempt: (previous?.attempt ?? 0) + 1 }));
  };
  const sendDraft = (draft: Referral) => {
    setError(undefined);
    sendReferral.mutateAsync({ draft }).then(setSent, setError);
  };
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!asked) return;
    setError(undefined);
    setSent(undefined);
    setProposing((previous) => ({ service: asked.service, area: '', attempt: (previous?.attempt ?? 0) + 1 }));
    panel.current?.scrollIntoView({ block: 'start' });
  }, [asked]);
  const active = new Map((referrals.data ?? []).filter((r) => !ENDED.has(r.status)).map((r) => [r.service, r]));
  return (
    <section aria-labelledby="referrals-title">
      <h2 id="referrals-title">{t('cases.referrals.title')}</h2>
      <ProblemAlert error={referrals.error ?? neededError} />
      <NeededReferrals needed={needed} active={active} onPrepare={(service) => propose(service, '')} />
      <MadeReferrals referrals={referrals.data} onSendDraft={sendDraft} />
      <ConsentsList personId={personId} />
      <ServiceGapsList personId={personId} />
      <div className="case-panel case-refer" data-testid="refer" ref={panel}>
        <h3 id="refer-title">{t('cases.refer.title')}</h3>
        <ChooseServiceStep onPropose={propose} />
        {proposing ? (
          <ProposalSteps
            key={proposing.attempt}
            personId={personId}
            languages={languages}
            asked={proposing}
            onChooseArea={(area) => propose(proposing.service, area)}
            onError={setError}
            onSent={(referral) => {
              setSent(referral);
              setProposing(undefined);
            }}
          />
        ) : null}
        <ProblemAlert error={error} />
        {sent ? (
          <p role="status" className="alert alert-ok" data-testid="referral-sent">
            {t('cases.refer.sent', { reference: sent.reference })}
          </p>
        ) : null}
      </div>
    </section>
  );
}

/** The referrals the open obligations call for, each with the one already made or a button to prepare it. */
function NeededReferrals({ needed, active, onPrepare }: { needed: Assessment['referrals']; active: Map<ServiceType, Referral>; onPrepare: (service: ServiceType) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  if (needed.length === 0) return null;
  return (
    <>
      <h3>{t('cases.referrals.needed')}</h3>
      <ul className="case-history" data-testid="referrals-needed">
        {needed.map((need) => {
          const existing = active.get(need.service);
          return (
            <li key={need.service} data-service={need.service}>
              <strong>{t(`cases.services.${need.service}`)}</strong>
              {need.dueBy ? ` · ${t('cases.referrals.by', { date: format.dateTime(need.dueBy) })}` : ''}
              {' · '}
              {names.list(need.obligations.map((code) => obligationName(t, code)))}{' '}
              {existing ? (
                <span>({t('cases.referrals.already', { reference: existing.reference, status: t(`cases.referralStatuses.${existing.status}`) })})</span>
              ) : (
                <Button className="button case-inline-button" onPress={() => onPrepare(need.service)} data-testid={`prepare-${need.service}`}>
                  {t('cases.referrals.prepare', { service: t(`cases.services.${need.service}`) })}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** The referrals made for the person, with what each shares and where it stands; a draft can be sent. */
function MadeReferrals({ referrals, onSendDraft }: { referrals: Referral[] | undefined; onSendDraft: (draft: Referral) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const providers = useProviderNames();
  return (
    <>
      <h3>{t('cases.referrals.made')}</h3>
      {referrals && referrals.length === 0 ? <p>{t('cases.referrals.none')}</p> : null}
      <ul className="case-history" data-testid="referrals">
        {(referrals ?? []).map((referral) => (
          <li key={referral.id} data-status={referral.status} data-service={referral.service}>
            <strong>{referral.reference}</strong> · {t(`cases.services.${referral.service}`)} · {providers.byId.get(referral.providerId) ?? ''}{providers.byId.has(referral.providerId) ? ' · ' : ''} <strong>{t(`cases.referralStatuses.${referral.status}`)}</strong>
            {referral.sentAt ? ` · ${t('cases.referrals.sentAt', { date: format.dateTime(referral.sentAt) })}` : ''}
            <p className="case-basis">{t('cases.referrals.sharedGroups', { groups: names.list(referral.sharedGroups.map((group) => t(`cases.fieldGroups.${group}`))) })}</p>
            {referral.declineReason ? <p>{t('cases.referrals.declineReason', { reason: referral.declineReason })}</p> : null}
            {referral.feedback ? <p>{t('cases.referrals.feedback', { feedback: referral.feedback })}</p> : null}
            <ReferralEnds referral={referral} />
            {referral.allowedActions.includes('send') ? (
              <Button className="button case-inline-button" onPress={() => onSendDraft(referral)}>
                {t('cases.refer.sendDraft')}
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The service asked for and, optionally, the area whose provider should receive it. */
function ChooseServiceStep({ onPropose }: { onPropose: (service: ServiceType, area: string) => void }) {
  const { t } = useTranslation();
  const form = useForm({ defaultValues: { service: 'asylum' as ServiceType, area: '' } });
  return (
    <Form onSubmit={form.handleSubmit(({ service, area }) => onPropose(service, area))} aria-labelledby="refer-title" className="case-inline-form">
      <SelectField control={form.control} name="service" label={t('cases.refer.service')} options={SERVICE_TYPES.map((value) => ({ value, label: t(`cases.services.${value}`) }))} />
      <TextInputField control={form.control} name="area" label={t('cases.refer.area')} description={t('cases.refer.areaHint')} />
      <Button type="submit" className="button" data-testid="propose">
        {t('cases.refer.propose')}
      </Button>
    </Form>
  );
}

/**
 * One proposal from the directory and the steps after it: what would be shared and with whom, the
 * person's decision on it, and sending. Made anew for each proposal asked for.
 */
function ProposalSteps({
  personId,
  languages,
  asked: { service, area, attempt },
  onChooseArea,
  onError,
  onSent,
}: {
  personId: string;
  languages: string[];
  asked: { service: ServiceType; area: string; attempt: number };
  onChooseArea: (area: string) => void;
  onError: (error: unknown) => void;
  onSent: (referral: Referral) => void;
}) {
  const { t } = useTranslation();
  const query = new URLSearchParams({ personId, service, ...(area ? { area } : {}) });
  const proposal = useQuery({ queryKey: queryKeys.referralProposal(personId, service, area, attempt), queryFn: () => api<Proposal>('GET', `/api/referrals/proposal?${query}`), gcTime: 0 });
  const [consent, setConsent] = useState<{ id: string } | 'declined'>();
  if (proposal.error) return <ProblemAlert error={proposal.error} />;
  if (!proposal.data) return null;
  const { provider } = proposal.data;
  if (!provider) return <NoProviderSteps personId={personId} service={service} area={proposal.data.area} problem={proposal.data.problem} onChooseArea={onChooseArea} />;
  const proposed: Proposed = { ...proposal.data, provider };
  const consentId = proposed.consentId ?? (typeof consent === 'object' ? consent.id : undefined);
  return (
    <div className="case-proposal" data-testid="proposal">
      <ProposalFacts service={service} proposal={proposed} />
      <h4>{t('cases.refer.step2')}</h4>
      {consentId ? (
        <p className="alert alert-ok" data-testid="consent-on-file">
          {t('cases.refer.consentOnFile', { provider: provider.name })}
        </p>
      ) : consent === 'declined' ? (
        <p role="status" className="alert alert-warning" data-testid="consent-declined">
          {t('cases.refer.declinedRecorded')}
        </p>
      ) : (
        <ConsentStep personId={personId} languages={languages} service={service} proposal={proposed} onRecorded={setConsent} onError={onError} />
      )}
      {consentId ? <SendStep personId={personId} service={service} proposal={proposed} consentId={consentId} onSent={onSent} onError={onError} /> : null}
    </div>
  );
}

/** Step 1: the provider the directory proposes, what it would receive, and what the referral fulfils. */
function ProposalFacts({ service, proposal }: { service: ServiceType; proposal: Proposed }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  return (
    <>
      <h4>{t('cases.refer.step1', { service: t(`cases.services.${service}`) })}</h4>
      <dl className="case-facts">
        <div>
          <dt>{t('cases.refer.provider')}</dt>
          <dd data-testid="proposed-provider">
            {proposal.provider.name} · {proposal.provider.area}
          </dd>
        </div>
        <div>
          <dt>{t('cases.refer.shared')}</dt>
          <dd data-testid="proposed-shared">{names.list(proposal.sharedGroups.map((group) => t(`cases.fieldGroups.${group}`)))}</dd>
        </div>
        <div>
          <dt>{t('cases.refer.fulfils')}</dt>
          <dd>{proposal.obligations.length ? names.list(proposal.obligations.map((code) => obligationName(t, code))) : t('cases.refer.fulfilsNone')}</dd>
        </div>
        {proposal.dueBy ? (
          <div>
            <dt>{t('cases.refer.dueBy')}</dt>
            <dd>{format.dateTime(proposal.dueBy)}</dd>
          </div>
        ) : null}
      </dl>
      <p className="case-basis">{t('cases.refer.sharedExplain')}</p>
    </>
  );
}

/** Step 2: the person's decision on sharing these groups with this provider for this purpose. */
function ConsentStep({
  personId,
  languages,
  service,
  proposal,
  onRecorded,
  onError,
}: {
  personId: string;
  languages: string[];
  service: ServiceType;
  proposal: Proposed;
  onRecorded: (consent: { id: string } | 'declined') => void;
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const names = useDisplayNames();
  const form = useForm({ resolver: zodResolver(consentSchema), defaultValues: { decision: 'given' as const, language: languages[0] ?? '', interpreter: false } });
  const record = useMutation({
    mutationFn: (values: z.infer<typeof consentSchema>) =>
      api<{ id: string; status: string }>(
        'POST',
        `/api/persons/${personId}/consents`,
        { recipientAgencyId: proposal.provider.agencyId, purpose: service, status: values.decision, language: values.language.trim(), interpreter: values.interpreter },
        { idempotencyKey: crypto.randomUUID() },
      ),
  });
  const submit = form.handleSubmit(async (values) => {
    onError(undefined);
    try {
      const consent = await record.mutateAsync(values);
      onRecorded(consent.status === 'given' ? { id: consent.id } : 'declined');
    } catch (failure) {
      onError(applyProblem(failure, form.setError, ['language', 'interpreter']));
    }
  });
  const groups = names.list(proposal.sharedGroups.map((group) => t(`cases.fieldGroups.${group}`)));
  return (
    <Form onSubmit={submit} validationBehavior="aria" data-testid="consent-form">
      <p>{t('cases.refer.consentExplain', { provider: proposal.provider.name, service: t(`cases.services.${service}`), groups })}</p>
      <ChoiceField
        control={form.control}
        name="decision"
        label={t('cases.refer.decision')}
        options={[
          { value: 'given', label: t('cases.refer.given') },
          { value: 'declined', label: t('cases.refer.declined') },
        ]}
      />
      <TextInputField control={form.control} name="language" label={t('cases.refer.language')} description={t('cases.languageHint')} isRequired />
      <CheckboxField control={form.control} name="interpreter" label={t('cases.refer.interpreter')} />
      <Button type="submit" className="button button-primary" data-testid="record-consent" isDisabled={form.formState.isSubmitting}>
        {t('cases.refer.recordConsent')}
      </Button>
    </Form>
  );
}

/** Step 3: the referral drafted under the consent and sent to the provider. */
function SendStep({
  personId,
  service,
  proposal,
  consentId,
  onSent,
  onError,
}: {
  personId: string;
  service: ServiceType;
  proposal: Proposed;
  consentId: string;
  onSent: (referral: Referral) => void;
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const form = useForm({ resolver: zodResolver(sendSchema), defaultValues: { urgency: 'routine' as const, reason: '' } });
  const sendReferral = useSendReferral(personId);
  const submit = form.handleSubmit(async (values) => {
    onError(undefined);
    try {
      const draft = await api<Referral>(
        'POST',
        '/api/referrals',
        { personId, providerId: proposal.provider.id, service, urgency: values.urgency, consentId, ...(values.reason.trim() ? { reason: values.reason.trim() } : {}) },
        { idempotencyKey: crypto.randomUUID() },
      );
      onSent(await sendReferral.mutateAsync({ draft, consentId }));
    } catch (failure) {
      // A draft left by a failed send shows in the list with its own Send button.
      void invalidate(queryKeys.personReferrals(personId));
      onError(applyProblem(failure, form.setError, ['urgency', 'reason']));
    }
  });
  return (
    <>
      <h4>{t('cases.refer.step3')}</h4>
      <Form onSubmit={submit} validationBehavior="aria" data-testid="send-form">
        <ChoiceField control={form.control} name="urgency" label={t('cases.refer.urgency')} options={REFERRAL_URGENCIES.map((value) => ({ value, label: t(`cases.urgencies.${value}`) }))} />
        <TextInputField control={form.control} name="reason" label={t('cases.refer.reason')} description={t('cases.refer.reasonHint')} multiline />
        <Button type="submit" className="button button-primary" data-testid="send-referral" isDisabled={form.formState.isSubmitting}>
          {t('cases.refer.send', { provider: proposal.provider.name })}
        </Button>
      </Form>
    </>
  );
}
