import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import type { Obligation } from './model';

/** A supervisor waives an obligation only with a written reason (at least 10 characters); oversight reads it. */
export function WaiveForm({ obligation, onDone }: { obligation: Obligation; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(z.object({ reason: z.string().trim().min(10, t('cases.reasonTooShort')).max(2000) })), defaultValues: { reason: '' } });
  const submit = form.handleSubmit(async ({ reason }) => {
    setError(undefined);
    try {
      await api('POST', `/api/obligations/${obligation.id}/waive`, { version: obligation.version, reason });
      onDone();
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['reason']));
    }
  });
  return (
    <details className="case-panel">
      <summary>{t('cases.obligations.waive')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <TextInputField control={form.control} name="reason" label={t('cases.writtenReason')} description={t('cases.reasonHint')} multiline isRequired />
        <ProblemAlert error={error} />
        <Button type="submit" className="button">
          {t('cases.obligations.waive')}
        </Button>
      </Form>
    </details>
  );
}
