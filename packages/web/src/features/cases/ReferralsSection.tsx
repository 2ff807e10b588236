import type { ServiceType } from '@haven/core';
import { REFERRAL_URGENCIES, SERVICE_TYPES } from './codes';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { CheckboxField, ChoiceField, SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { obligationName, type Assessment, type Proposal, type Referral } from './model';
import { useDisplayNames } from './PersonFacts';
import { useResource } from '../../app/ui/resource';

const consentSchema = z.object({
  decision: z.enum(['given', 'declined']),
  language: z.string().trim().regex(/^[a-z]{2,3}$/),
  interpreter: z.boolean(),
});
const sendSchema = z.object({ urgency: z.enum(REFERRAL_URGENCIES), reason: z.string().max(4000) });
const ENDED = new Set(['declined', 'closed', 'revoked']);

/**
 * The referrals of a case, and making one in three steps the officer can see: the directory
 * proposes the area's provider for the service (and says what would be shared: only the field
 * groups that service needs); the person's decision on sharing with that recipient for that
 * purpose is recorded; then the referral is drafted and sent. Nothing is shared before consent.
 */
export function ReferralsSection({
  personId,
  languages,
  needed = [],
  neededError,
  onChange,
}: {
  personId: string;
  languages: string[];
  /** The referrals the engine says the open obligations call for (from the assessment, reloaded with the facts). */
  needed: Assessment['referrals'] | undefined;
  neededError: unknown;
  onChange: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const referrals = useResource<Referral[]>(`/api/persons/${personId}/referrals`);
  const [service, setService] = useState<ServiceType>();
  const [proposal, setProposal] = useState<Proposal>();
  const [declined, setDeclined] = useState(false);
  const [sent, setSent] = useState<Referral>();
  const [error, setError] = useState<unknown>();
  const serviceForm = useForm({ defaultValues: { service: 'asylum' as ServiceType, area: '' } });
  const consentForm = useForm({ resolver: zodResolver(consentSchema), defaultValues: { decision: 'given' as const, language: languages[0] ?? '', interpreter: false } });
  const sendForm = useForm({ resolver: zodResolver(sendSchema), defaultValues: { urgency: 'routine' as const, reason: '' } });

  const propose = async (chosen: ServiceType, area: string) => {
    setError(undefined);
    setProposal(undefined);
    setDeclined(false);
    setSent(undefined);
    setService(chosen);
    consentForm.reset({ decision: 'given', language: languages[0] ?? '', interpreter: false });
    try {
      const query = new URLSearchParams({ personId, service: chosen, ...(area.trim() ? { area: area.trim() } : {}) });
      setProposal(await api<Proposal>('GET', `/api/referrals/proposal?${query}`));
    } catch (failure) {
      setError(failure);
    }
  };
  const proposeFromForm = serviceForm.handleSubmit(({ service: chosen, area }) => propose(chosen, area));

  const recordConsent = consentForm.handleSubmit(async (values) => {
    if (!proposal?.provider || !service) return;
    setError(undefined);
    try {
      const consent = await api<{ id: string; status: string }>(
        'POST',
        `/api/persons/${personId}/consents`,
        { recipientAgencyId: proposal.provider.agencyId, purpose: service, status: values.decision, language: values.language.trim(), interpreter: values.interpreter },
        { idempotencyKey: crypto.randomUUID() },
      );
      if (consent.status === 'given') setProposal({ ...proposal, consentId: consent.id });
      else setDeclined(true);
    } catch (failure) {
      setError(applyProblem(failure, consentForm.setError, ['language', 'interpreter']));
    }
  });

  const send = sendForm.handleSubmit(async (values) => {
    if (!proposal?.provider || !proposal.consentId || !service) return;
    setError(undefined);
    try {
      const draft = await api<Referral>(
        'POST',
        '/api/referrals',
        {
          personId,
          providerId: proposal.provider.id,
          service,
          urgency: values.urgency,
          consentId: proposal.consentId,
          ...(values.reason.trim() ? { reason: values.reason.trim() } : {}),
        },
        { idempotencyKey: crypto.randomUUID() },
      );
      // A draft left by a failed send shows in the list below with its own Send button.
      const referral = await api<Referral>('POST', `/api/referrals/${draft.id}/send`, { version: draft.version, consentId: proposal.consentId });
      setSent(referral);
      setProposal(undefined);
      sendForm.reset();
      referrals.reload();
      onChange();
    } catch (failure) {
      referrals.reload();
      setError(applyProblem(failure, sendForm.setError, ['urgency', 'reason']));
    }
  });

  const sendDraft = async (draft: Referral) => {
    setError(undefined);
    try {
      setSent(await api<Referral>('POST', `/api/referrals/${draft.id}/send`, { version: draft.version }));
      referrals.reload();
      onChange();
    } catch (failure) {
      setError(failure);
    }
  };

  const active = new Map((referrals.data ?? []).filter((r) => !ENDED.has(r.status)).map((r) => [r.service, r]));
  return (
    <section aria-labelledby="referrals-title">
      <h2 id="referrals-title">{t('cases.referrals.title')}</h2>
      <ProblemAlert error={referrals.error ?? neededError} />
      {needed.length > 0 ? (
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
                  {names.list(need.obligations.map((code) => obligationName(t, code)))}
                  {' '}
                  {existing ? (
                    <span>({t('cases.referrals.already', { reference: existing.reference, status: t(`cases.referralStatuses.${existing.status}`) })})</span>
                  ) : (
                    <Button className="button case-inline-button" onPress={() => void propose(need.service, '')} data-testid={`prepare-${need.service}`}>
                      {t('cases.referrals.prepare', { service: t(`cases.services.${need.service}`) })}
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}

      <h3>{t('cases.referrals.made')}</h3>
      {referrals.data && referrals.data.length === 0 ? <p>{t('cases.referrals.none')}</p> : null}
      <ul className="case-history" data-testid="referrals">
        {(referrals.data ?? []).map((referral) => (
          <li key={referral.id} data-status={referral.status} data-service={referral.service}>
            <strong>{referral.reference}</strong> · {t(`cases.services.${referral.service}`)} · <strong>{t(`cases.referralStatuses.${referral.status}`)}</strong>
            {referral.sentAt ? ` · ${t('cases.referrals.sentAt', { date: format.dateTime(referral.sentAt) })}` : ''}
            <p className="case-basis">{t('cases.referrals.sharedGroups', { groups: names.list(referral.sharedGroups.map((group) => t(`cases.fieldGroups.${group}`))) })}</p>
            {referral.declineReason ? <p>{t('cases.referrals.declineReason', { reason: referral.declineReason })}</p> : null}
            {referral.feedback ? <p>{t('cases.referrals.feedback', { feedback: referral.feedback })}</p> : null}
            {referral.allowedActions.includes('send') ? (
              <Button className="button case-inline-button" onPress={() => void sendDraft(referral)}>
                {t('cases.refer.sendDraft')}
              </Button>
            ) : null}
          </li>
        ))}
      </ul>

      <div className="case-panel case-refer" data-testid="refer">
        <h3 id="refer-title">{t('cases.refer.title')}</h3>
        <Form onSubmit={proposeFromForm} aria-labelledby="refer-title" className="case-inline-form">
          <SelectField control={serviceForm.control} name="service" label={t('cases.refer.service')} options={SERVICE_TYPES.map((value) => ({ value, label: t(`cases.services.${value}`) }))} />
          <TextInputField control={serviceForm.control} name="area" label={t('cases.refer.area')} description={t('cases.refer.areaHint')} />
          <Button type="submit" className="button" data-testid="propose">
            {t('cases.refer.propose')}
          </Button>
        </Form>

        {proposal && !proposal.provider ? (
          <div role="alert" className="alert alert-warning">
            <p className="alert-title">{t('cases.refer.noProvider', { area: proposal.area })}</p>
            {proposal.problem ? <p>{proposal.problem}</p> : null}
          </div>
        ) : null}

        {proposal?.provider && service ? (
          <div className="case-proposal" data-testid="proposal">
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

            <h4>{t('cases.refer.step2')}</h4>
            {proposal.consentId ? (
              <p className="alert alert-ok" data-testid="consent-on-file">
                {t('cases.refer.consentOnFile', { provider: proposal.provider.name })}
              </p>
            ) : declined ? (
              <p role="status" className="alert alert-warning" data-testid="consent-declined">
                {t('cases.refer.declinedRecorded')}
              </p>
            ) : (
              <Form onSubmit={recordConsent} validationBehavior="aria" data-testid="consent-form">
                <p>{t('cases.refer.consentExplain', { provider: proposal.provider.name, service: t(`cases.services.${service}`), groups: names.list(proposal.sharedGroups.map((group) => t(`cases.fieldGroups.${group}`))) })}</p>
                <ChoiceField
                  control={consentForm.control}
                  name="decision"
                  label={t('cases.refer.decision')}
                  options={[
                    { value: 'given', label: t('cases.refer.given') },
                    { value: 'declined', label: t('cases.refer.declined') },
                  ]}
                />
                <TextInputField control={consentForm.control} name="language" label={t('cases.refer.language')} description={t('cases.languageHint')} isRequired />
                <CheckboxField control={consentForm.control} name="interpreter" label={t('cases.refer.interpreter')} />
                <Button type="submit" className="button button-primary" data-testid="record-consent" isDisabled={consentForm.formState.isSubmitting}>
                  {t('cases.refer.recordConsent')}
                </Button>
              </Form>
            )}

            {proposal.consentId ? (
              <>
                <h4>{t('cases.refer.step3')}</h4>
                <Form onSubmit={send} validationBehavior="aria" data-testid="send-form">
                  <ChoiceField control={sendForm.control} name="urgency" label={t('cases.refer.urgency')} options={REFERRAL_URGENCIES.map((value) => ({ value, label: t(`cases.urgencies.${value}`) }))} />
                  <TextInputField control={sendForm.control} name="reason" label={t('cases.refer.reason')} description={t('cases.refer.reasonHint')} multiline />
                  <Button type="submit" className="button button-primary" data-testid="send-referral" isDisabled={sendForm.formState.isSubmitting}>
                    {t('cases.refer.send', { provider: proposal.provider.name })}
                  </Button>
                </Form>
              </>
            ) : null}
          </div>
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
