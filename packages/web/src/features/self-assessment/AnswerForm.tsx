import { SELF_ASSESSMENT_STATUSES } from '@haven/core/self-assessment';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, ApiProblem } from '../../app/api';
import { invalidate } from '../../app/query';
import { staleAfter } from '../../app/query-keys';
import { ChoiceField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import type { SelfAssessmentItemView } from './model';

const answerForm = z.object({
  status: z.enum(SELF_ASSESSMENT_STATUSES),
  evidence: z.string().trim().max(5000),
  responsibleBody: z.string().trim().max(300),
  reviewDate: z.union([z.literal(''), z.iso.date()]),
});
type AnswerValues = z.infer<typeof answerForm>;
const FIELDS = ['status', 'evidence', 'responsibleBody', 'reviewDate'] as const;

/**
 * A new version of the answer to an item, on the version read: when another coordinator answered
 * in between, the server refuses (409), the screen says so and shows their answer in the history,
 * and what was typed stays for a second look.
 */
export function AnswerForm({ item }: { item: SelfAssessmentItemView }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [outcome, setOutcome] = useState<{ saved: number } | { conflict: number }>();
  const answer = item.answer;
  const form = useForm<AnswerValues>({
    resolver: zodResolver(answerForm),
    defaultValues: { status: answer?.status ?? 'absent', evidence: answer?.evidence ?? '', responsibleBody: answer?.responsibleBody ?? '', reviewDate: answer?.reviewDate ?? '' },
  });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setOutcome(undefined);
    const body = { status: values.status, evidence: values.evidence || null, responsibleBody: values.responsibleBody || null, reviewDate: values.reviewDate || null, previousVersion: answer?.version ?? 0 };
    try {
      const saved = await api<SelfAssessmentItemView>('POST', `/api/self-assessment/items/${item.id}/answers`, body);
      setOutcome({ saved: saved.answer?.version ?? 0 });
    } catch (caught) {
      if (caught instanceof ApiProblem && caught.code === 'stale-version') {
        setOutcome({ conflict: Number(caught.body.currentVersion ?? 0) });
      } else {
        setError(applyProblem(caught, form.setError, FIELDS));
      }
    }
    await invalidate(...staleAfter.selfAssessmentAnswered());
  });
  const statuses = SELF_ASSESSMENT_STATUSES.map((value) => ({ value, label: t(`selfAssessment.statuses.${value}`) }));
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="self-answer" className="panel">
      <h2 id="self-answer">{t('selfAssessment.form.title')}</h2>
      <ChoiceField control={form.control} name="status" label={t('selfAssessment.form.status')} options={statuses} />
      <TextInputField control={form.control} name="evidence" label={t('selfAssessment.form.evidence')} description={t('selfAssessment.form.evidenceHint')} multiline />
      <div className="row">
        <TextInputField control={form.control} name="responsibleBody" label={t('selfAssessment.form.responsibleBody')} />
        <TextInputField control={form.control} name="reviewDate" label={t('selfAssessment.form.reviewDate')} type="date" />
      </div>
      <ProblemAlert error={error} />
      {outcome && 'conflict' in outcome ? (
        <p role="alert" className="alert alert-error">
          {t('selfAssessment.form.conflict', { version: outcome.conflict })}
        </p>
      ) : null}
      {outcome && 'saved' in outcome ? (
        <p role="status" className="alert alert-ok">
          {t('selfAssessment.form.saved', { version: outcome.saved })}
        </p>
      ) : null}
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {t('selfAssessment.form.save')}
      </Button>
    </Form>
  );
}
