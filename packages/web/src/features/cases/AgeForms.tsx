import type { AgeChallengeView } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, ApiProblem } from '../../app/api';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { AGE_ASSESSMENT_METHODS, AGE_CHALLENGE_KINDS, AGE_CHALLENGE_OUTCOMES, AGE_CHALLENGE_PARTIES } from './codes';
import type { CaseAction, CaseAsk } from './model';

// The three records of an age determination: the assessment, its review or appeal, the decision.

const today = () => new Date().toISOString().slice(0, 10);
const years = (t: TFunction) => z.string().trim().regex(/^\d{1,3}$/, t('cases.age.form.wholeYears'));
const date = (t: TFunction) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, t('cases.required'));

const assessmentSchema = (t: TFunction) =>
  z.object({ method: z.enum(AGE_ASSESSMENT_METHODS), assessedOn: date(t), minAge: years(t), maxAge: years(t), assessor: z.string().trim().min(1, t('cases.required')).max(200) });
type AssessmentValues = z.infer<ReturnType<typeof assessmentSchema>>;

/** Records an age assessment; opened (scrolled to, first field focused) on each ask from the to-do list. */
export function AssessmentForm({ personId, asked, onChange }: { personId: string; asked: CaseAsk<Extract<CaseAction, { kind: 'record' }>> | undefined; onChange: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const blank = (): AssessmentValues => ({ method: 'multidisciplinary', assessedOn: today(), minAge: '', maxAge: '', assessor: '' });
  const form = useForm<AssessmentValues>({ resolver: zodResolver(assessmentSchema(t)), defaultValues: blank() });
  const panel = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (!asked || !panel.current) return;
    setSaved(false);
    panel.current.open = true;
    panel.current.scrollIntoView({ block: 'start' });
    panel.current.querySelector<HTMLElement>('form button')?.focus({ preventScroll: true });
  }, [asked]);
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setSaved(false);
    try {
      const body = { method: values.method, assessedOn: values.assessedOn, minAge: Number(values.minAge), maxAge: Number(values.maxAge), assessor: values.assessor.trim() };
      await api('POST', `/api/persons/${personId}/age-assessments`, body, { idempotencyKey: crypto.randomUUID() });
      setSaved(true);
      form.reset(blank());
      onChange();
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['method', 'assessedOn', 'minAge', 'maxAge', 'assessor']));
    }
  });
  return (
    <details className="case-panel" ref={panel} data-testid="age-assessment-form">
      <summary>{t('cases.age.form.record')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <SelectField control={form.control} name="method" label={t('cases.age.form.method')} options={AGE_ASSESSMENT_METHODS.map((value) => ({ value, label: t(`cases.age.methods.${value}`) }))} />
        <TextInputField control={form.control} name="assessedOn" type="date" label={t('cases.age.form.assessedOn')} isRequired />
        <TextInputField control={form.control} name="minAge" inputMode="numeric" label={t('cases.age.form.minAge')} isRequired />
        <TextInputField control={form.control} name="maxAge" inputMode="numeric" label={t('cases.age.form.maxAge')} isRequired />
        <TextInputField control={form.control} name="assessor" label={t('cases.age.form.assessor')} description={t('cases.age.form.assessorHint')} isRequired />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting} data-testid="save-age-assessment">
          {t('cases.age.form.save')}
        </Button>
        {saved ? (
          <p role="status" className="alert alert-ok">
            {t('cases.age.form.saved')}
          </p>
        ) : null}
      </Form>
    </details>
  );
}

const challengeSchema = (t: TFunction) => z.object({ kind: z.enum(AGE_CHALLENGE_KINDS), lodgedOn: date(t), lodgedBy: z.enum(AGE_CHALLENGE_PARTIES) });
type ChallengeValues = z.infer<ReturnType<typeof challengeSchema>>;

/** Records that the person (or someone on their behalf) contests the latest assessment. */
export function ChallengeForm({ personId, assessmentId, onChange }: { personId: string; assessmentId: string; onChange: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm<ChallengeValues>({ resolver: zodResolver(challengeSchema(t)), defaultValues: { kind: 'appeal', lodgedOn: today(), lodgedBy: 'person' } });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      await api('POST', `/api/persons/${personId}/age-assessments/${assessmentId}/challenges`, values, { idempotencyKey: crypto.randomUUID() });
      onChange();
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['kind', 'lodgedOn', 'lodgedBy']));
    }
  });
  return (
    <details className="case-panel" data-testid="age-challenge-form">
      <summary>{t('cases.age.challengeForm.record')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <SelectField control={form.control} name="kind" label={t('cases.age.challengeForm.kind')} options={AGE_CHALLENGE_KINDS.map((value) => ({ value, label: t(`cases.age.challengeKinds.${value}`) }))} />
        <TextInputField control={form.control} name="lodgedOn" type="date" label={t('cases.age.challengeForm.lodgedOn')} isRequired />
        <SelectField control={form.control} name="lodgedBy" label={t('cases.age.challengeForm.lodgedBy')} options={AGE_CHALLENGE_PARTIES.map((value) => ({ value, label: t(`cases.age.parties.${value}`) }))} />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting} data-testid="save-age-challenge">
          {t('cases.age.challengeForm.save')}
        </Button>
      </Form>
    </details>
  );
}

const decisionSchema = (t: TFunction) =>
  z
    .object({ outcome: z.enum(AGE_CHALLENGE_OUTCOMES), decidedOn: date(t), decidedBy: z.string().trim().min(1, t('cases.required')).max(200), minAge: z.string().trim(), maxAge: z.string().trim() })
    .superRefine((values, context) => {
      if (values.outcome !== 'new_range') return;
      for (const name of ['minAge', 'maxAge'] as const) {
        if (!/^\d{1,3}$/.test(values[name])) context.addIssue({ code: 'custom', path: [name], message: t('cases.age.form.wholeYears') });
      }
    });
type DecisionValues = z.infer<ReturnType<typeof decisionSchema>>;

/**
 * Records the body's decision on the pending challenge, on the version read: a stale page gets 409,
 * shown by the section (`onConflict`, the form may be gone once what is stored is read again).
 */
export function DecisionForm({ personId, challenge, onChange, onConflict }: { personId: string; challenge: AgeChallengeView; onChange: () => void; onConflict: (problem: ApiProblem | undefined) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm<DecisionValues>({ resolver: zodResolver(decisionSchema(t)), defaultValues: { outcome: 'upheld', decidedOn: today(), decidedBy: '', minAge: '', maxAge: '' } });
  const outcome = form.watch('outcome');
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    onConflict(undefined);
    const range = values.outcome === 'new_range' ? { minAge: Number(values.minAge), maxAge: Number(values.maxAge) } : {};
    try {
      await api('POST', `/api/persons/${personId}/age-challenges/${challenge.id}/decision`, { version: challenge.version, outcome: values.outcome, decidedOn: values.decidedOn, decidedBy: values.decidedBy.trim(), ...range });
      onChange();
    } catch (failure) {
      if (failure instanceof ApiProblem && failure.status === 409) {
        // Someone else decided it meanwhile: say so, and show what is stored now.
        onConflict(failure);
        onChange();
        return;
      }
      setError(applyProblem(failure, form.setError, ['outcome', 'decidedOn', 'decidedBy', 'minAge', 'maxAge']));
    }
  });
  return (
    <details className="case-panel" data-testid="age-decision-form" open>
      <summary>{t('cases.age.decisionForm.record', { challenge: t(`cases.age.challengeNames.${challenge.kind}`) })}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <SelectField control={form.control} name="outcome" label={t('cases.age.decisionForm.outcome')} options={AGE_CHALLENGE_OUTCOMES.map((value) => ({ value, label: t(`cases.age.decisionForm.outcomes.${value}`) }))} />
        {outcome === 'new_range' ? <TextInputField control={form.control} name="minAge" inputMode="numeric" label={t('cases.age.form.minAge')} isRequired /> : null}
        {outcome === 'new_range' ? <TextInputField control={form.control} name="maxAge" inputMode="numeric" label={t('cases.age.form.maxAge')} isRequired /> : null}
        <TextInputField control={form.control} name="decidedOn" type="date" label={t('cases.age.decisionForm.decidedOn')} isRequired />
        <TextInputField control={form.control} name="decidedBy" label={t('cases.age.decisionForm.decidedBy')} description={t('cases.age.decisionForm.decidedByHint')} isRequired />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting} data-testid="save-age-decision">
          {t('cases.age.decisionForm.save')}
        </Button>
      </Form>
    </details>
  );
}
