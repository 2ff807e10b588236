import { ASYLUM_CLAIM_STATES, CASE_STAGES } from './codes';
import { zodResolver } from '@hookform/resolvers/zod';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useMe } from '../../app/session';
import { CheckboxField, SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import type { Case } from './model';

/** `none`: not assessed (stored as no risk level). */
const RISK_LEVELS = ['none', 'low', 'medium', 'high'] as const;

const caseSchema = (t: TFunction, current: Case) =>
  z
    .object({
      stage: z.enum(CASE_STAGES),
      reason: z.string().max(2000),
      asylumClaim: z.enum(ASYLUM_CLAIM_STATES),
      bestInterestsDetermined: z.boolean(),
      riskLevel: z.enum(RISK_LEVELS),
      assignToMe: z.boolean(),
    })
    .superRefine((values, context) => {
      const closingOrReopening = values.stage !== current.stage && (values.stage === 'closed' || current.stage === 'closed');
      if (closingOrReopening && !values.reason.trim()) context.addIssue({ code: 'custom', path: ['reason'], message: t('cases.change.reasonRequired') });
    });

/**
 * The facts of the case the officer records: its stage (closing and reopening need a reason), the
 * asylum claim and the best-interests determination (the return guard reads both), the risk, and
 * who works on it. Only what changed is sent, on the version read, so a stale page gets 409.
 */
export function CaseForm({ current, onChanged }: { current: Case; onChanged: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const valuesOf = (kase: Case) => ({
    stage: kase.stage,
    reason: '',
    asylumClaim: kase.asylumClaim as (typeof ASYLUM_CLAIM_STATES)[number],
    bestInterestsDetermined: kase.bestInterestsDetermined,
    riskLevel: (kase.riskLevel ?? 'none') as (typeof RISK_LEVELS)[number],
    assignToMe: kase.officerId === me.userId,
  });
  const form = useForm({ resolver: zodResolver(caseSchema(t, current)), defaultValues: valuesOf(current) });
  // The form follows the case as stored (after a change here, or someone else's).
  useEffect(() => {
    form.reset(valuesOf(current));
  }, [current, form]);
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setSaved(false);
    const change: Record<string, unknown> = {};
    if (values.stage !== current.stage) change.stage = values.stage;
    if (values.reason.trim()) change.reason = values.reason.trim();
    if (values.asylumClaim !== current.asylumClaim) change.asylumClaim = values.asylumClaim;
    if (values.bestInterestsDetermined !== current.bestInterestsDetermined) change.bestInterestsDetermined = values.bestInterestsDetermined;
    if (values.riskLevel !== (current.riskLevel ?? 'none')) change.riskLevel = values.riskLevel === 'none' ? null : values.riskLevel;
    if (values.assignToMe && current.officerId !== me.userId) change.officerId = me.userId;
    if (!values.assignToMe && current.officerId === me.userId) change.officerId = null;
    if (Object.keys(change).length === 0) return;
    try {
      await api('PATCH', `/api/cases/${current.id}`, { version: current.version, ...change });
      setSaved(true);
      onChanged();
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['stage', 'reason', 'asylumClaim', 'bestInterestsDetermined', 'riskLevel']));
      // Someone else changed the case: show what is stored now.
      onChanged();
    }
  });
  return (
    <details className="case-panel" data-testid="case-change">
      <summary>{t('cases.change.title')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <SelectField control={form.control} name="stage" label={t('cases.fact.stage')} options={CASE_STAGES.map((value) => ({ value, label: t(`cases.stages.${value}`) }))} />
        <TextInputField control={form.control} name="reason" label={t('cases.change.reason')} description={t('cases.change.reasonHint')} multiline />
        <SelectField control={form.control} name="asylumClaim" label={t('cases.fact.asylumClaim')} options={ASYLUM_CLAIM_STATES.map((value) => ({ value, label: t(`cases.asylumClaims.${value}`) }))} />
        <CheckboxField control={form.control} name="bestInterestsDetermined" label={t('cases.fact.bestInterests')} />
        <SelectField control={form.control} name="riskLevel" label={t('cases.fact.riskLevel')} options={RISK_LEVELS.map((value) => ({ value, label: value === 'none' ? t('cases.change.noRisk') : t(`cases.riskLevels.${value}`) }))} />
        <CheckboxField control={form.control} name="assignToMe" label={t('cases.change.assignToMe')} />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting} data-testid="save-case">
          {t('cases.change.save')}
        </Button>
        {saved ? (
          <p role="status" className="alert alert-ok">
            {t('cases.change.saved')}
          </p>
        ) : null}
      </Form>
    </details>
  );
}
