import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { TextInputField } from '../../app/ui/fields';
import { MIN_REASON, type Obligation } from './model';
import { useObligationName } from './ObligationName';

/** Waiving an obligation: a supervisor's written reason, audited and sent to the oversight queue. */
export function WaiveForm({ obligation, onDone, onCancel }: { obligation: Obligation; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const nameOf = useObligationName();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(z.object({ reason: z.string().trim().min(MIN_REASON, t('supervision.reasonTooShort', { count: MIN_REASON })).max(2000) })), defaultValues: { reason: '' } });
  const submit = form.handleSubmit(async ({ reason }) => {
    setError(undefined);
    try {
      await api('POST', `/api/obligations/${obligation.id}/waive`, { version: obligation.version, reason });
      onDone();
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['reason']));
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-label={t('supervision.overdue.waiveOf', { code: nameOf(obligation.code) })} className="inline-form">
      <TextInputField control={form.control} name="reason" label={t('supervision.reason')} description={t('supervision.waiveExplain')} multiline isRequired autoFocus />
      <ProblemAlert error={error} />
      <div className="actions">
        <Button type="submit" className="button button-danger">
          {t('supervision.overdue.waive')}
        </Button>
        <Button className="button" onPress={onCancel}>
          {t('supervision.cancel')}
        </Button>
      </div>
    </Form>
  );
}
