import { zodResolver } from '@hookform/resolvers/zod';
import type { ConductView } from '@haven/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import '../../app/ui/desk.css';
import { ConductText } from '../sign-in/ConductText';
import { AdminStrings } from './strings';

type PublishForm = { text: string };

/** A new version, written from the one in force: published, every user accepts it at their next sign-in. */
function PublishConduct({ current }: { current: ConductView | null }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [published, setPublished] = useState<number>();
  const schema = z.object({ text: z.string().trim().min(20, t('admin.conduct.tooShort')).max(50_000) });
  const form = useForm<PublishForm>({ resolver: zodResolver(schema), defaultValues: { text: current?.text ?? '' } });
  useEffect(() => {
    if (current && !form.formState.isDirty) form.reset({ text: current.text });
  }, [current, form]);
  const publish = useMutation({ mutationFn: (text: string) => api<{ version: number }>('POST', '/api/admin/conduct', { text }) });
  const submit = form.handleSubmit(async ({ text }) => {
    setError(undefined);
    setPublished(undefined);
    try {
      const answer = await publish.mutateAsync(text.trim());
      setPublished(answer.version);
      form.reset({ text: text.trim() });
      void invalidate(...staleAfter.conductPublished());
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['text']));
    }
  });
  return (
    <section aria-labelledby="conduct-publish">
      <h2 id="conduct-publish">{t('admin.conduct.publishTitle')}</h2>
      <p>{t('admin.conduct.publishExplained')}</p>
      <Form onSubmit={submit} validationBehavior="aria" data-testid="conduct-form">
        <TextInputField control={form.control} name="text" label={t('admin.conduct.text')} description={t('admin.conduct.textHint')} isRequired multiline />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
          {t('admin.conduct.publish')}
        </Button>
      </Form>
      {published ? (
        <p role="status" className="alert alert-ok" data-testid="conduct-published">
          {t('admin.conduct.published', { version: published })}
        </p>
      ) : null}
    </section>
  );
}

/** The code of conduct in force (version, date, text) and the form that publishes the next version. */
function ConductScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const conduct = useQuery(apiQuery<ConductView | null>(queryKeys.conduct(), '/api/conduct'));
  const current = conduct.data;
  return (
    <div className="page admin">
      <h1>{t('admin.conduct.title')}</h1>
      <ProblemAlert error={conduct.error} />
      {current === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : current === null ? (
        <p>{t('admin.conduct.none')}</p>
      ) : (
        <section aria-labelledby="conduct-in-force">
          <h2 id="conduct-in-force">{t('admin.conduct.inForce', { version: current.version })}</h2>
          <p data-testid="conduct-version">{t('admin.conduct.publishedOn', { version: current.version, date: format.dateTime(current.publishedAt) })}</p>
          <div className="conduct-text" tabIndex={0} role="document" aria-label={t('admin.conduct.inForce', { version: current.version })}>
            <ConductText text={current.text} />
          </div>
        </section>
      )}
      {current !== undefined ? <PublishConduct current={current} /> : null}
    </div>
  );
}

export default function ConductScreen() {
  return (
    <AdminStrings>
      <ConductScreenBody />
    </AdminStrings>
  );
}
