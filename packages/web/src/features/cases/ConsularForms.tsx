import { zodResolver } from '@hookform/resolvers/zod';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, ApiProblem } from '../../app/api';
import { ChoiceField, SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { pastTime, SavedNote } from './DetentionForms';
import { instantOf, localDateTime, makeFieldRecord, useOpenOnAsk } from './field-records';
import { obligationName, type Case, type Guards } from './model';

const CHOICES = ['requested', 'declined'] as const;
const CHANNELS = ['email', 'fax', 'phone', 'letter', 'in_person', 'other'] as const;

const rightsSchema = (t: TFunction) =>
  z.object({
    informedAt: pastTime(t),
    language: z.string().trim().regex(/^[a-z]{2,3}$/, t('cases.languageHint')),
    choice: z.enum(CHOICES, t('cases.required')),
  });
type RightsForm = z.infer<ReturnType<typeof rightsSchema>>;

/**
 * Consular rights explained (VCCR 36(1)(b)): when, in which language, and what the person chose.
 * It fulfils consular.inform_rights; asking for the consulate makes the notification owed.
 */
export function ConsularRightsForm({ personId, languages, onSaved }: { personId: string; languages: string[]; onSaved: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<'saved' | 'queued'>();
  const firstLanguage = languages[0] ?? '';
  const form = useForm<RightsForm>({ resolver: zodResolver(rightsSchema(t)), defaultValues: { informedAt: localDateTime(), language: firstLanguage } });
  useEffect(() => {
    if (!form.getValues('language')) form.setValue('language', firstLanguage);
  }, [firstLanguage, form]);
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setSaved(undefined);
    try {
      setSaved(await makeFieldRecord({ kind: 'consular-rights', personId, body: { informedAt: instantOf(values.informedAt), language: values.language.trim(), choice: values.choice } }));
      onSaved();
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['informedAt', 'language', 'choice']));
    }
  });
  return (
    <details className="case-panel" data-testid="consular-rights-form">
      <summary>{t('cases.detention.rights.record')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <TextInputField control={form.control} name="informedAt" type="datetime-local" label={t('cases.detention.rights.informedAt')} isRequired />
        <TextInputField control={form.control} name="language" label={t('cases.detention.rights.language')} description={t('cases.languageHint')} isRequired />
        <ChoiceField control={form.control} name="choice" label={t('cases.detention.rights.choice')} options={CHOICES.map((value) => ({ value, label: t(`cases.detention.choices.${value}`) }))} />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
          {t('cases.detention.rights.save')}
        </Button>
        <SavedNote saved={saved} text={t('cases.detention.rights.saved')} />
      </Form>
    </details>
  );
}

/** The person changes their mind: the choice is a fact of the case, changed on the version read (409 when stale). */
export function ConsularChoiceForm({ kase, onChanged }: { kase: Case; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const current = (CHOICES as readonly string[]).includes(kase.consular) ? (kase.consular as (typeof CHOICES)[number]) : undefined;
  const form = useForm<{ consular: (typeof CHOICES)[number] | '' }>({ defaultValues: { consular: current ?? '' } });
  useEffect(() => form.reset({ consular: current ?? '' }), [current, form]);
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setSaved(false);
    if (!values.consular) return void form.setError('consular', { type: 'required', message: t('cases.required') });
    try {
      await api('PATCH', `/api/cases/${kase.id}`, { version: kase.version, consular: values.consular });
      setSaved(true);
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['consular']));
    }
    onChanged();
  });
  return (
    <details className="case-panel" data-testid="consular-choice-form">
      <summary>{t('cases.detention.choice.change')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <ChoiceField control={form.control} name="consular" label={t('cases.detention.rights.choice')} options={CHOICES.map((value) => ({ value, label: t(`cases.detention.choices.${value}`) }))} />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
          {t('cases.detention.choice.save')}
        </Button>
        {saved ? (
          <p role="status" className="alert alert-ok">
            {t('cases.detention.choice.saved')}
          </p>
        ) : null}
      </Form>
    </details>
  );
}

/** The refusal of sharing with the State of origin, with the protections that hold it back, by title. */
export function NotificationRefused({ blockedBy }: { blockedBy: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <div role="alert" className="alert alert-error" data-testid="notification-refused">
      <p className="alert-title">{t('cases.detention.notifications.refusedTitle')}</p>
      <p>{t('cases.detention.notifications.refusedBy')}</p>
      <ul>
        {blockedBy.map((code) => (
          <li key={code} data-code={code}>
            {obligationName(t, code)}
          </li>
        ))}
      </ul>
      {blockedBy.includes('protection.confidentiality') ? <p>{t('cases.detention.notifications.askPerson')}</p> : null}
    </div>
  );
}

const notificationSchema = (t: TFunction) => z.object({ post: z.string().trim().min(1, t('cases.required')).max(200), sentAt: pastTime(t), channel: z.enum(CHANNELS) });
type NotificationForm = z.infer<ReturnType<typeof notificationSchema>>;

/**
 * The notification sent to the consular post (post, time, channel). Sharing with the State of
 * origin is guarded: while the guard refuses, the form is refused on screen with the protections
 * that hold it back, as the API would refuse it; a refusal that comes anyway is shown as well.
 */
export function NotificationForm({ personId, guard, asked, onSaved }: { personId: string; guard: Guards['share_with_origin_state'] | undefined; asked?: { attempt: number } | undefined; onSaved: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [refusedBy, setRefusedBy] = useState<string[]>();
  const [saved, setSaved] = useState(false);
  const blank = (): NotificationForm => ({ post: '', sentAt: localDateTime(), channel: 'email' });
  const form = useForm<NotificationForm>({ resolver: zodResolver(notificationSchema(t)), defaultValues: blank() });
  const panel = useOpenOnAsk(asked, () => {
    form.reset(blank());
    setSaved(false);
  });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setRefusedBy(undefined);
    setSaved(false);
    try {
      const body = { post: values.post.trim(), sentAt: instantOf(values.sentAt), channel: values.channel };
      await api('POST', `/api/persons/${personId}/consular-notifications`, body, { idempotencyKey: crypto.randomUUID() });
      setSaved(true);
      form.reset(blank());
    } catch (failure) {
      if (failure instanceof ApiProblem && failure.code === 'guard-refused') setRefusedBy(Array.isArray(failure.body.blockedBy) ? (failure.body.blockedBy as string[]) : []);
      setError(applyProblem(failure, form.setError, ['post', 'sentAt', 'channel']));
    }
    // Recorded, or refused on facts newer than the page's: read them again.
    onSaved();
  });
  const refused = guard !== undefined && !guard.allowed;
  return (
    <details className="case-panel" ref={panel} data-testid="notification-form">
      <summary>{t('cases.detention.notifications.record')}</summary>
      {refused ? <NotificationRefused blockedBy={guard.blockedBy} /> : null}
      {refused ? null : (
        <Form onSubmit={submit} validationBehavior="aria">
          <TextInputField control={form.control} name="post" label={t('cases.detention.notifications.post')} isRequired />
          <TextInputField control={form.control} name="sentAt" type="datetime-local" label={t('cases.detention.notifications.sentAt')} isRequired />
          <SelectField control={form.control} name="channel" label={t('cases.detention.notifications.channel')} options={CHANNELS.map((value) => ({ value, label: t(`cases.detention.channels.${value}`) }))} />
          <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
            {t('cases.detention.notifications.save')}
          </Button>
          {saved ? (
            <p role="status" className="alert alert-ok" data-testid="notification-saved">
              {t('cases.detention.notifications.saved')}
            </p>
          ) : null}
        </Form>
      )}
      {/* The API's refusal, if one came anyway (the facts changed since the page was read), stays in view. */}
      {refusedBy && !refused ? <NotificationRefused blockedBy={refusedBy} /> : null}
      <ProblemAlert error={error} />
    </details>
  );
}
