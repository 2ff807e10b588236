import { zodResolver } from '@hookform/resolvers/zod';
import type { ErasureRequester, ErasureRequestView, LegalHoldView } from '@haven/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { invalidate } from '../../app/query';
import { staleAfter } from '../../app/query-keys';
import { useMe } from '../../app/session';
import { CheckboxField, SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { holdInWords, readHold } from './holds';
import { LegalHolds } from './LegalHolds';
import { caseReads } from './queries';

/** Why a request was refused: each hold in words, with the reason of a recorded hold where the reader sees it. */
function RefusedBecause({ lines, holds }: { lines: string[]; holds: LegalHoldView[] | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <ul data-testid="refused-because">
      {lines.map((line) => {
        const hold = readHold(line);
        const recorded = hold.kind === 'recorded' ? (holds ?? []).filter((h) => h.placedAt.slice(0, 10) === hold.placedOn && h.reason) : [];
        return (
          <li key={line} {...(hold.kind === 'other' ? { lang: 'en' } : {})}>
            {holdInWords(t, hold, format.date)}
            {recorded.map((h) => (
              <p key={h.id}>{t('cases.retention.holdReason', { agency: h.agencyName, reason: h.reason })}</p>
            ))}
          </li>
        );
      })}
    </ul>
  );
}

/** One erasure request: who asked, when, and the decision: carried out (what was destroyed) or refused (by what). */
function ErasureItem({ request, holds }: { request: ErasureRequestView; holds: LegalHoldView[] | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <li data-testid="erasure-request" data-status={request.status}>
      <p className="case-history-head">
        <strong>{t(`cases.retention.statuses.${request.status}`)}</strong> · {t('cases.retention.askedBy', { who: t(`cases.retention.requesters.${request.requestedBy}`), date: format.dateTime(request.recordedAt) })}
      </p>
      {request.reason ? <p>{t('cases.retention.requestReason', { reason: request.reason })}</p> : null}
      {request.status === 'refused' ? (
        <>
          <p>{t('cases.retention.refusedBy')}</p>
          <RefusedBecause lines={request.refusedBecause} holds={holds} />
        </>
      ) : (
        <p>{t('cases.retention.destroyed', { date: format.dateTime(request.carriedOutAt ?? request.recordedAt) })}</p>
      )}
    </li>
  );
}

/** Who may ask (core's ERASURE_REQUESTERS, kept here so the screen does not load the profile reader). */
const ERASURE_REQUESTERS = ['person', 'legal_representative', 'guardian'] as const satisfies readonly ErasureRequester[];

const erasureForm = z.object({ requestedBy: z.enum(ERASURE_REQUESTERS), reason: z.string().max(2000), understood: z.boolean() });
type ErasureForm = z.infer<typeof erasureForm>;

/** Records who asked for the erasure and why; carried out at once unless a hold stands. */
function ErasureRequestForm({ personId, onDone }: { personId: string; onDone: (request: ErasureRequestView) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const schema = erasureForm.refine((values) => values.understood, { path: ['understood'], message: t('cases.retention.mustUnderstand') });
  const form = useForm<ErasureForm>({ resolver: zodResolver(schema), defaultValues: { requestedBy: 'person', reason: '', understood: false } });
  const record = useMutation({
    mutationFn: (values: ErasureForm) =>
      api<ErasureRequestView>('POST', `/api/persons/${personId}/erasure-requests`, { requestedBy: values.requestedBy, ...(values.reason.trim() ? { reason: values.reason.trim() } : {}) }),
  });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      onDone(await record.mutateAsync(values));
      form.reset({ requestedBy: 'person', reason: '', understood: false });
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['requestedBy', 'reason']));
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" data-testid="erasure-form">
      <SelectField control={form.control} name="requestedBy" label={t('cases.retention.requestedBy')} options={ERASURE_REQUESTERS.map((value) => ({ value, label: t(`cases.retention.requesters.${value}`) }))} />
      <TextInputField control={form.control} name="reason" label={t('cases.retention.reason')} multiline />
      <p className="alert alert-warning">{t('cases.retention.warning')}</p>
      <CheckboxField control={form.control} name="understood" label={t('cases.retention.understood')} />
      {form.formState.errors.understood ? <p className="field-error">{form.formState.errors.understood.message}</p> : null}
      <ProblemAlert error={error} />
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {t('cases.retention.submit')}
      </Button>
    </Form>
  );
}

/** The person's erasure requests with their decisions, the holds standing now, and the form to record one. */
function ErasureRequests({ personId, holds }: { personId: string; holds: LegalHoldView[] | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  const requests = useQuery(caseReads.erasureRequests(personId));
  const [decided, setDecided] = useState<ErasureRequestView>();
  const data = requests.data;
  return (
    <div data-testid="erasure-requests">
      <h3>{t('cases.retention.requestsTitle')}</h3>
      <ProblemAlert error={requests.error} />
      {data?.purgedAt ? <p className="alert alert-ok">{t('cases.retention.purged', { date: format.dateTime(data.purgedAt) })}</p> : null}
      {data && !data.purgedAt ? (
        data.standingHolds.length > 0 ? (
          <>
            <p>{t('cases.retention.standing')}</p>
            <RefusedBecause lines={data.standingHolds} holds={holds} />
          </>
        ) : (
          <p>{t('cases.retention.noneStanding')}</p>
        )
      ) : null}
      {data && data.requests.length === 0 ? <p>{t('cases.retention.noRequests')}</p> : null}
      <ul className="case-history">
        {[...(data?.requests ?? [])].reverse().map((request) => (
          <ErasureItem key={request.id} request={request} holds={holds} />
        ))}
      </ul>
      {decided ? (
        <p role="status" className={`alert ${decided.status === 'refused' ? 'alert-warning' : 'alert-ok'}`} data-testid="erasure-decided">
          {t(`cases.retention.decided.${decided.status}`)}
        </p>
      ) : null}
      {data && !data.purgedAt ? (
        <details className="case-panel">
          <summary>{t('cases.retention.request')}</summary>
          <ErasureRequestForm
            personId={personId}
            onDone={(request) => {
              setDecided(request);
              void invalidate(...staleAfter.erasureRequested(personId));
            }}
          />
        </details>
      ) : null}
    </div>
  );
}

/**
 * Retention on the case page: the erasure requests (for who may record them) and the legal holds
 * (for who may place them). A hold keeps the record past retention and refuses an erasure.
 */
export function RetentionSection({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const mayRequest = me.permissions.includes('erasure:request');
  const mayHold = me.permissions.includes('legal_hold:manage');
  const holds = useQuery({ ...caseReads.legalHolds(personId), enabled: mayHold });
  if (!mayRequest && !mayHold) return null;
  return (
    <section aria-labelledby="retention-title">
      <h2 id="retention-title">{t('cases.retention.title')}</h2>
      <ProblemAlert error={holds.error} />
      {mayHold ? (
        <LegalHolds personId={personId} holds={holds.data?.holds} purged={Boolean(holds.data?.purgedAt)} onChange={() => void invalidate(...staleAfter.legalHoldChanged(personId))} />
      ) : null}
      {mayRequest ? <ErasureRequests personId={personId} holds={holds.data?.holds} /> : null}
    </section>
  );
}
