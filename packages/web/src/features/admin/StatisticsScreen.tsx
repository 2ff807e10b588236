import type { SuppressionThreshold } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import '../../app/ui/desk.css';
import { AdminStrings } from './strings';

/**
 * The suppression threshold k of every statistic: a count below it is hidden, with whatever would
 * let it be recovered from the totals. Raising it hides more; it never goes below the minimum.
 */
function StatisticsScreenBody() {
  const { t } = useTranslation();
  const threshold = useQuery(apiQuery<SuppressionThreshold>(queryKeys.threshold(), '/api/stats/threshold'));
  // Said above the form, which starts afresh on each version stored.
  const [saved, setSaved] = useState<number>();
  return (
    <div className="page admin">
      <h1>{t('admin.statistics.title')}</h1>
      <p>{t('admin.statistics.explain')}</p>
      <ProblemAlert error={threshold.error} />
      {saved !== undefined ? (
        <p role="status" className="alert alert-ok">
          {t('admin.statistics.saved', { k: saved })}
        </p>
      ) : null}
      {threshold.data ? <ThresholdForm key={threshold.data.version} current={threshold.data} onSaved={setSaved} /> : null}
    </div>
  );
}

function ThresholdForm({ current, onSaved }: { current: SuppressionThreshold; onSaved: (k: number) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const schema = z.object({
    k: z
      .string()
      .trim()
      .regex(/^\d{1,4}$/, t('admin.statistics.whole'))
      .refine((value) => Number(value) >= current.minimum, t('admin.statistics.atLeast', { minimum: current.minimum })),
  });
  const form = useForm<{ k: string }>({ resolver: zodResolver(schema), defaultValues: { k: String(current.k) } });
  const submit = form.handleSubmit(async ({ k }) => {
    setError(undefined);
    try {
      const set = await api<SuppressionThreshold>('PUT', '/api/stats/threshold', { k: Number(k), version: current.version });
      onSaved(set.k);
    } catch (caught) {
      // A stale version: another administrator set it meanwhile; what is stored now is shown.
      setError(applyProblem(caught, form.setError, ['k']));
    }
    await invalidate(queryKeys.threshold());
  });
  return (
    <section aria-labelledby="threshold-title" className="panel">
      <h2 id="threshold-title">{t('admin.statistics.threshold')}</h2>
      <p data-testid="threshold-current">{t('admin.statistics.current', { k: current.k, minimum: current.minimum, default: current.default })}</p>
      <Form onSubmit={(event) => void submit(event)} aria-labelledby="threshold-title" className="case-inline-form">
        <TextInputField control={form.control} name="k" label={t('admin.statistics.k')} description={t('admin.statistics.kHint', { minimum: current.minimum })} type="number" inputMode="numeric" isRequired />
        <Button type="submit" className="button button-primary">
          {t('admin.statistics.save')}
        </Button>
      </Form>
      <ProblemAlert error={error} />
    </section>
  );
}

export default function StatisticsScreen() {
  return (
    <AdminStrings>
      <StatisticsScreenBody />
    </AdminStrings>
  );
}
