import { zodResolver } from '@hookform/resolvers/zod';
import type { DetentionView } from '@haven/core/schemas';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useFormat } from '../../app/format';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { instantOf, localDateTime, makeFieldRecord, useOpenOnAsk } from './field-records';

/** A time the person lived through: given, and not in the future (the server allows five minutes of clock skew too). */
export const pastTime = (t: TFunction) =>
  z
    .string()
    .min(1, t('cases.required'))
    .refine((value) => Number.isNaN(Date.parse(value)) || Date.parse(value) <= Date.now() + 5 * 60_000, t('cases.detention.future'));

const detentionSchema = (t: TFunction) =>
  z.object({
    place: z.string().trim().min(1, t('cases.required')).max(200),
    since: pastTime(t),
    legalBasis: z.string().trim().min(1, t('cases.required')).max(500),
  });
type DetentionForm = z.infer<ReturnType<typeof detentionSchema>>;

/** Saved at once, or kept on the device until there is a network: said so, in either case. */
export function SavedNote({ saved, text }: { saved: 'saved' | 'queued' | undefined; text: string }) {
  const { t } = useTranslation();
  if (!saved) return null;
  return (
    <p role="status" className="alert alert-ok" data-testid="field-record-saved" data-saved={saved}>
      {saved === 'queued' ? t('cases.detention.queued') : text}
    </p>
  );
}

/** Records a detention that happened: where, since when, on what legal basis (the consular-rights clock starts). */
export function RecordDetentionForm({ personId, onSaved }: { personId: string; onSaved: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<'saved' | 'queued'>();
  const blank = () => ({ place: '', since: localDateTime(), legalBasis: '' });
  const form = useForm<DetentionForm>({ resolver: zodResolver(detentionSchema(t)), defaultValues: blank() });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setSaved(undefined);
    try {
      const body = { place: values.place.trim(), since: instantOf(values.since), legalBasis: values.legalBasis.trim() };
      setSaved(await makeFieldRecord({ kind: 'record-detention', personId, body }));
      form.reset(blank());
      onSaved();
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['place', 'since', 'legalBasis']));
    }
  });
  return (
    <details className="case-panel" data-testid="detention-form">
      <summary>{t('cases.detention.record')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <TextInputField control={form.control} name="place" label={t('cases.detention.place')} isRequired />
        <TextInputField control={form.control} name="since" type="datetime-local" label={t('cases.detention.since')} isRequired />
        <TextInputField control={form.control} name="legalBasis" label={t('cases.detention.legalBasis')} isRequired />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
          {t('cases.detention.save')}
        </Button>
        <SavedNote saved={saved} text={t('cases.detention.saved')} />
      </Form>
    </details>
  );
}

const endSchema = (t: TFunction, since: string) =>
  z.object({ until: pastTime(t).refine((value) => Number.isNaN(Date.parse(value)) || Date.parse(value) >= Date.parse(since) - 60_000, t('cases.detention.end.beforeStart')) });

/**
 * Records the end of the open detention, on the version read (a stale one gets the 409 on screen).
 * The to-do's "children.no_detention" opens it prefilled with now.
 */
export function EndDetentionForm({
  personId,
  detention,
  asked,
  error,
  setError,
  onSaved,
}: {
  personId: string;
  detention: DetentionView;
  asked?: { attempt: number } | undefined;
  /** Kept by the section: a 409 (someone ended it first) stays in view after this form has gone. */
  error: unknown;
  setError: (error: unknown) => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [saved, setSaved] = useState<'saved' | 'queued'>();
  const form = useForm<{ until: string }>({ resolver: zodResolver(endSchema(t, detention.since)), defaultValues: { until: localDateTime() } });
  const panel = useOpenOnAsk(asked, () => {
    form.reset({ until: localDateTime() });
    setSaved(undefined);
  });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setSaved(undefined);
    try {
      setSaved(await makeFieldRecord({ kind: 'end-detention', personId, detentionId: detention.id, body: { version: detention.version, until: instantOf(values.until) } }));
      onSaved();
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['until']));
      // Someone else changed it: show the detention as it is now.
      onSaved();
    }
  });
  return (
    <details className="case-panel" ref={panel} data-testid="detention-end-form">
      <summary>{t('cases.detention.end.title')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <p>{t('cases.detention.end.which', { place: detention.place, since: format.dateTime(detention.since) })}</p>
        <TextInputField control={form.control} name="until" type="datetime-local" label={t('cases.detention.end.until')} isRequired />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
          {t('cases.detention.end.save')}
        </Button>
        <SavedNote saved={saved} text={t('cases.detention.end.saved')} />
      </Form>
    </details>
  );
}
