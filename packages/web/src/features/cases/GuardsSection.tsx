import type { GuardedAction } from '@haven/core/codes';
import { GUARDED_ACTIONS, overrideFor, type OverrideVerdict } from './codes';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, ApiProblem } from '../../app/api';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { obligationName, type Guards } from './model';

const actionSchema = (t: TFunction) =>
  z
  .object({
    action: z.enum(GUARDED_ACTIONS),
    details: z.string().max(2000),
    overrideReason: z.string().max(2000),
    place: z.string().max(200),
    since: z.string(),
    legalBasis: z.string().max(500),
    lastResort: z.object({ alternativesConsidered: z.string().max(2000), plannedEnd: z.string() }),
  })
  .superRefine((values, context) => {
    const reason = values.overrideReason.trim();
    if (reason && reason.length < 10) context.addIssue({ code: 'custom', path: ['overrideReason'], message: t('cases.reasonTooShort') });
    if (values.action !== 'detain') return;
    for (const key of ['place', 'since', 'legalBasis'] as const) if (!values[key].trim()) context.addIssue({ code: 'custom', path: [key], message: t('cases.required') });
  });
type ActionForm = z.infer<ReturnType<typeof actionSchema>>;

/** Who may override a refusal, in words: no one (and which protection forbids it), a supervisor as a last resort, or a supervisor in writing. */
function OverrideRule({ verdict, testId }: { verdict: OverrideVerdict; testId?: string }) {
  const { t } = useTranslation();
  if (verdict.override === 'not_needed') return null;
  const text =
    verdict.override === 'never'
      ? t('cases.guards.override.never', {
          why: verdict.forbiddenBy
            .map((code) => t(`cases.guards.forbiddenBy.${code}`, { defaultValue: t('cases.guards.forbiddenBy.other', { obligation: obligationName(t, code) }) }))
            .join(' '),
        })
      : t(verdict.override === 'last_resort' ? 'cases.guards.override.lastResort' : 'cases.guards.override.reason');
  return (
    <p className="case-override" data-override={verdict.override} {...(testId ? { 'data-testid': testId } : {})}>
      {text}
    </p>
  );
}

/**
 * Return, sharing with the State of origin, detention and a charge for having been smuggled: the
 * engine says whether each is allowed and which obligations hold it back, and the rule is said in
 * words, with who may override a refusal: no one where the law admits no override, a supervisor
 * as a last resort for a child's detention, otherwise a supervisor with a written reason that
 * goes to oversight. The server decides; the form offers only what it can accept.
 */
export function GuardsSection({ personId, guards, error, onChange }: { personId: string; guards: Guards | undefined; error: unknown; onChange: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const mayOverride = me.permissions.includes('guard:override');
  const mayAct = me.permissions.includes('case:manage');
  const [refusal, setRefusal] = useState<{ action: GuardedAction; blockedBy: string[] }>();
  const [problem, setProblem] = useState<unknown>();
  const [done, setDone] = useState<{ action: GuardedAction; overridden: boolean; plannedEnd?: string }>();
  const format = useFormat();
  const form = useForm<ActionForm>({
    resolver: zodResolver(actionSchema(t)),
    defaultValues: { action: 'return', details: '', overrideReason: '', place: '', since: '', legalBasis: '', lastResort: { alternativesConsidered: '', plannedEnd: '' } },
  });
  const action = form.watch('action');
  const verdict = guards ? overrideFor(action, guards[action]) : undefined;
  // No field for an override the law does not admit; the last-resort statement only where it does.
  const offersOverride = mayOverride && verdict?.override !== 'never';
  const lastResort = mayOverride && verdict?.override === 'last_resort';
  const refusalVerdict = refusal ? overrideFor(refusal.action, { allowed: false, blockedBy: refusal.blockedBy }) : undefined;

  const submit = form.handleSubmit(async (values) => {
    setRefusal(undefined);
    setProblem(undefined);
    setDone(undefined);
    const overriding = offersOverride && values.overrideReason.trim() !== '';
    // Overriding the refusal to detain a child: the last-resort statement and the planned end go with the reason.
    const asLastResort = overriding && lastResort && values.action === 'detain';
    if (asLastResort && values.lastResort.alternativesConsidered.trim().length < 10) {
      form.setError('lastResort.alternativesConsidered', { type: 'required', message: t('cases.reasonTooShort') });
      return;
    }
    if (asLastResort && !values.lastResort.plannedEnd) {
      form.setError('lastResort.plannedEnd', { type: 'required', message: t('cases.required') });
      return;
    }
    const plannedEnd = asLastResort ? new Date(values.lastResort.plannedEnd).toISOString() : undefined;
    try {
      const result = await api<{ action: GuardedAction; overridden: boolean }>(
        'POST',
        `/api/persons/${personId}/actions/${values.action}`,
        {
          ...(values.details.trim() ? { details: values.details.trim() } : {}),
          ...(overriding ? { overrideReason: values.overrideReason.trim() } : {}),
          ...(values.action === 'detain' ? { detention: { place: values.place.trim(), since: new Date(values.since).toISOString(), legalBasis: values.legalBasis.trim() } } : {}),
          ...(plannedEnd ? { lastResort: { alternativesConsidered: values.lastResort.alternativesConsidered.trim(), plannedEnd } } : {}),
        },
        { idempotencyKey: crypto.randomUUID() },
      );
      setDone({ ...result, ...(result.overridden && plannedEnd ? { plannedEnd } : {}) });
      onChange();
    } catch (failure) {
      if (failure instanceof ApiProblem && (failure.code === 'guard-refused' || failure.code === 'override-not-permitted')) {
        setRefusal({ action: values.action, blockedBy: Array.isArray(failure.body.blockedBy) ? (failure.body.blockedBy as string[]) : [] });
        // The facts may have changed since the page was read: show the guards as they are now.
        onChange();
      } else setProblem(applyProblem(failure, form.setError, ['details', 'overrideReason', 'lastResort.alternativesConsidered', 'lastResort.plannedEnd', 'place', 'since', 'legalBasis']));
    }
  });

  return (
    <section aria-labelledby="guards-title">
      <h2 id="guards-title">{t('cases.guards.title')}</h2>
      <ProblemAlert error={error} />
      {guards ? (
        <ul className="case-guards" data-testid="guards">
          {GUARDED_ACTIONS.map((name) => {
            const guard = guards[name];
            return (
              <li key={name} className={guard.allowed ? 'case-guard is-allowed' : 'case-guard is-refused'} data-testid={`guard-${name}`} data-allowed={guard.allowed}>
                <p className="case-guard-head">
                  <strong>{t(`cases.actions.${name}`)}</strong>: <strong>{guard.allowed ? t('cases.guards.allowed') : t('cases.guards.refused')}</strong>
                </p>
                <p className="case-basis">{t(`cases.guards.rules.${name}`)}</p>
                {guard.blockedBy.length ? (
                  <>
                    <p>{t('cases.guards.blockedBy')}</p>
                    <ul>
                      {guard.blockedBy.map((code) => (
                        <li key={code} data-code={code}>
                          {obligationName(t, code)}
                        </li>
                      ))}
                    </ul>
                    <OverrideRule verdict={overrideFor(name, guard)} />
                  </>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {mayAct ? (
        <details className="case-panel">
          <summary>{t('cases.guards.record')}</summary>
          <Form onSubmit={submit} validationBehavior="aria" data-testid="action-form">
            <SelectField control={form.control} name="action" label={t('cases.guards.action')} options={GUARDED_ACTIONS.map((value) => ({ value, label: t(`cases.actions.${value}`) }))} />
            <TextInputField control={form.control} name="details" label={t('cases.guards.details')} description={t('cases.guards.detailsHint')} multiline />
            {action === 'detain' ? (
              <>
                <TextInputField control={form.control} name="place" label={t('cases.guards.place')} isRequired />
                <TextInputField control={form.control} name="since" type="datetime-local" label={t('cases.guards.since')} isRequired />
                <TextInputField control={form.control} name="legalBasis" label={t('cases.guards.legalBasis')} isRequired />
              </>
            ) : null}
            {verdict && verdict.override !== 'not_needed' ? (
              <div role="note" className={verdict.override === 'never' ? 'alert alert-error' : 'alert alert-warning'} data-testid="override-rule">
                <p className="alert-title">{t('cases.guards.refusedTitle', { action: t(`cases.actions.${action}`) })}</p>
                <OverrideRule verdict={verdict} />
              </div>
            ) : null}
            {offersOverride ? <TextInputField control={form.control} name="overrideReason" label={t('cases.guards.overrideReason')} description={t('cases.guards.overrideHint')} multiline /> : null}
            {lastResort && action === 'detain' ? (
              <fieldset className="case-last-resort" data-testid="last-resort">
                <legend>{t('cases.guards.lastResort.title')}</legend>
                <TextInputField
                  control={form.control}
                  name="lastResort.alternativesConsidered"
                  label={t('cases.guards.lastResort.alternativesConsidered')}
                  description={t('cases.guards.lastResort.alternativesHint')}
                  multiline
                />
                <TextInputField control={form.control} name="lastResort.plannedEnd" type="datetime-local" label={t('cases.guards.lastResort.plannedEnd')} description={t('cases.guards.lastResort.plannedEndHint')} />
              </fieldset>
            ) : null}
            {refusal ? (
              <div role="alert" className="alert alert-error" data-testid="guard-refusal">
                <p className="alert-title">{t('cases.guards.refusedTitle', { action: t(`cases.actions.${refusal.action}`) })}</p>
                <p>{t('cases.guards.blockedBy')}</p>
                <ul>
                  {refusal.blockedBy.map((code) => (
                    <li key={code}>{obligationName(t, code)}</li>
                  ))}
                </ul>
                {refusalVerdict?.override === 'never' ? (
                  <OverrideRule verdict={refusalVerdict} />
                ) : (
                  <p>
                    {mayOverride
                      ? t('cases.guards.overrideHint')
                      : t(refusalVerdict?.override === 'last_resort' ? 'cases.guards.askSupervisorLastResort' : 'cases.guards.askSupervisor')}
                  </p>
                )}
              </div>
            ) : null}
            {done ? (
              <p role="status" className="alert alert-ok" data-testid="action-done">
                {done.plannedEnd
                  ? t('cases.guards.doneLastResort', { action: t(`cases.actions.${done.action}`), end: format.dateTime(done.plannedEnd) })
                  : t(done.overridden ? 'cases.guards.doneOverridden' : 'cases.guards.done', { action: t(`cases.actions.${done.action}`) })}
              </p>
            ) : null}
            <ProblemAlert error={problem} />
            <Button type="submit" className="button button-danger" isDisabled={form.formState.isSubmitting} data-testid="record-action">
              {t('cases.guards.submit')}
            </Button>
          </Form>
        </details>
      ) : null}
    </section>
  );
}
