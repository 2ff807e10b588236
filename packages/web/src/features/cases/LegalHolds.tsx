import { zodResolver } from '@hookform/resolvers/zod';
import type { LegalHoldView } from '@haven/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';

const reasonSchema = z.object({ reason: z.string().trim().min(2).max(2000) });
type ReasonForm = z.infer<typeof reasonSchema>;

/** A written reason, sent to `send`; the server's word on the field sits beside it. */
function ReasonForm({ label, submit, testId, send }: { label: string; submit: string; testId: string; send: (reason: string) => Promise<unknown> }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm<ReasonForm>({
    resolver: zodResolver(reasonSchema.extend({ reason: z.string().trim().min(2, t('cases.reasonTooShort')).max(2000) })),
    defaultValues: { reason: '' },
  });
  const onSubmit = form.handleSubmit(async ({ reason }) => {
    setError(undefined);
    try {
      await send(reason);
      form.reset({ reason: '' });
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['reason']));
    }
  });
  return (
    <Form onSubmit={onSubmit} validationBehavior="aria" data-testid={testId}>
      <TextInputField control={form.control} name="reason" label={label} isRequired multiline />
      <ProblemAlert error={error} />
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {submit}
      </Button>
    </Form>
  );
}

/** One recorded hold: who placed it and when, for what, why; who may release it, or when and why it was. */
function HoldItem({ hold, onChange }: { hold: LegalHoldView; onChange: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const release = useMutation({
    mutationFn: (reason: string) => api('POST', `/api/legal-holds/${hold.id}/release`, { version: hold.version, reason }),
    onSuccess: onChange,
  });
  return (
    <li data-testid="legal-hold" data-released={hold.releasedAt ? 'yes' : 'no'}>
      <p className="case-history-head">
        <strong>{hold.releasedAt ? t('cases.retention.holdReleased', { date: format.date(hold.releasedAt) }) : t('cases.retention.holdStanding')}</strong> ·{' '}
        {t('cases.retention.placedBy', { agency: hold.agencyName, date: format.date(hold.placedAt) })}
        {hold.investigationReference ? ` · ${t('cases.retention.forInvestigation', { reference: hold.investigationReference })}` : ''}
      </p>
      {hold.reason ? <p>{t('cases.retention.protects', { reason: hold.reason })}</p> : null}
      {hold.releasedAt ? (
        hold.releaseReason ? <p>{t('cases.retention.releasedBecause', { reason: hold.releaseReason })}</p> : null
      ) : (
        <>
          <p className="muted">{t('cases.retention.releasableBy', { agency: hold.releasableBy.agencyName })}</p>
          <details className="case-panel">
            <summary>{t('cases.retention.release')}</summary>
            <ReasonForm label={t('cases.retention.releaseReason')} submit={t('cases.retention.releaseSubmit')} testId="release-hold-form" send={(reason) => release.mutateAsync(reason)} />
          </details>
        </>
      )}
    </li>
  );
}

/** The holds recorded on the person (standing and released), and a form to place one. */
export function LegalHolds({ personId, holds, purged, onChange }: { personId: string; holds: LegalHoldView[] | undefined; purged: boolean; onChange: () => void }) {
  const { t } = useTranslation();
  const [placed, setPlaced] = useState(false);
  const place = useMutation({
    mutationFn: (reason: string) => api('POST', `/api/persons/${personId}/legal-holds`, { reason }),
    onSuccess: () => {
      setPlaced(true);
      onChange();
    },
  });
  return (
    <div data-testid="legal-holds">
      <h3>{t('cases.retention.holdsTitle')}</h3>
      <p>{t('cases.retention.holdsExplained')}</p>
      {holds && holds.length === 0 ? <p>{t('cases.retention.noHolds')}</p> : null}
      <ul className="case-history">
        {(holds ?? []).map((hold) => (
          <HoldItem key={hold.id} hold={hold} onChange={onChange} />
        ))}
      </ul>
      {purged ? null : (
        <details className="case-panel">
          <summary>{t('cases.retention.place')}</summary>
          <ReasonForm
            label={t('cases.retention.placeReason')}
            submit={t('cases.retention.placeSubmit')}
            testId="place-hold-form"
            send={(reason) => {
              setPlaced(false);
              return place.mutateAsync(reason);
            }}
          />
          {placed ? (
            <p role="status" className="alert alert-ok">
              {t('cases.retention.placed')}
            </p>
          ) : null}
        </details>
      )}
    </div>
  );
}
