import { useQuery } from '@tanstack/react-query';
import { GUARDED_ACTIONS, type GuardedAction } from '@haven/core/codes';
import { overrideFor, type OverrideVerdict } from '@haven/core/engine/overrides';
import { mayBeWaived, type GuardedActionResult, type Guards, type PersonView as Person } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { z } from 'zod';
import { api, ApiProblem } from '../../app/api';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { newIdempotencyKey } from '../../app/idempotency';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { useFormat } from '../../app/format';
import { caseLabel, MIN_REASON, type Obligation } from './model';
import { WaiveForm } from './WaiveForm';
import { ObligationName, useObligationName } from './ObligationName';
import '../../app/ui/desk.css';
import { SupervisionStrings } from './strings';

/** With the planned end of a child's detention overridden as a last resort, as it was asked. */
type ActionDone = GuardedActionResult & { plannedEnd?: string };

const actionForm = z.object({
  action: z.enum(GUARDED_ACTIONS),
  details: z.string().trim().max(2000),
  overrideReason: z.string().trim().max(2000),
  place: z.string().trim().max(200),
  since: z.string(),
  legalBasis: z.string().trim().max(500),
  lastResort: z.object({ alternativesConsidered: z.string().trim().max(2000), plannedEnd: z.string() }),
});

/** Who may override a refusal, in words; null when nothing refuses the action. */
function useOverrideWords(): (verdict: OverrideVerdict) => string | null {
  const { t } = useTranslation();
  const nameOf = useObligationName();
  return (verdict) => {
    if (verdict.override === 'not_needed') return null;
    if (verdict.override === 'reason') return t('supervision.person.overrideExplain');
    if (verdict.override === 'last_resort') return t('supervision.person.lastResortExplain');
    const why = verdict.forbiddenBy.map((code) =>
      t(`supervision.person.forbiddenBy.${code}`, { defaultValue: t('supervision.person.forbiddenBy.other', { obligation: nameOf(code) }) }),
    );
    return t('supervision.person.noOverride', { why: why.join(' ') });
  };
}

function personName(person: Person | undefined): string | undefined {
  if (!person) return undefined;
  const name = [person.fields.givenName, person.fields.familyName].filter((part) => typeof part === 'string' && part).join(' ');
  return name || undefined;
}

/** The case's open obligations, each waivable with a written reason (the oversight body reads it). */
function OpenObligations({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const nameOf = useObligationName();
  const format = useFormat();
  const obligations = useQuery(apiQuery<Obligation[]>(queryKeys.obligations(personId), `/api/persons/${personId}/obligations`));
  const [waiving, setWaiving] = useState<string>();
  const [waived, setWaived] = useState<string>();
  const open = (obligations.data ?? []).filter((obligation) => obligation.status === 'open' || obligation.status === 'overdue');
  return (
    <section aria-labelledby="open-obligations">
      <h2 id="open-obligations">{t('supervision.person.obligations')}</h2>
      <ProblemAlert error={obligations.error} />
      {waived ? (
        <p role="status" className="alert alert-ok">
          {t('supervision.overdue.waived', { code: nameOf(waived) })}
        </p>
      ) : null}
      {obligations.data === undefined ? null : open.length === 0 ? (
        <p>{t('supervision.person.noObligations')}</p>
      ) : (
        <div className="table-scroll">
          <table aria-labelledby="open-obligations">
            <thead>
              <tr>
                <th scope="col">{t('supervision.obligation')}</th>
                <th scope="col">{t('supervision.overdue.dueBy')}</th>
                <th scope="col">{t('supervision.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {open.map((obligation) => (
                <tr key={obligation.id}>
                  <th scope="row">
                    <ObligationName code={obligation.code} />
                  </th>
                  <td className={obligation.status === 'overdue' ? 'overdue' : undefined}>
                    {obligation.dueBy ? format.dateTime(obligation.dueBy) : t('supervision.person.standing')}
                    {obligation.status === 'overdue' ? <div>{t('supervision.person.overdue')}</div> : null}
                  </td>
                  <td>
                    {!mayBeWaived(obligation) ? (
                      <span className="muted">{t('supervision.person.neverWaived')}</span>
                    ) : waiving === obligation.id ? (
                      <WaiveForm
                        obligation={obligation}
                        onCancel={() => setWaiving(undefined)}
                        onDone={() => {
                          setWaiving(undefined);
                          setWaived(obligation.code);
                          void invalidate(...staleAfter.obligationWaived(personId));
                        }}
                      />
                    ) : (
                      <Button className="button" onPress={() => setWaiving(obligation.id)} aria-label={t('supervision.overdue.waiveOf', { code: nameOf(obligation.code) })}>
                        {t('supervision.overdue.waive')}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * The guarded actions on one case. The engine allows or refuses each on the current facts; a
 * refused one goes ahead only with a supervisor's written reason, which is stored, audited and
 * put in front of the oversight body.
 */
function PersonGuardsScreenBody() {
  const { t } = useTranslation();
  const { personId = '' } = useParams();
  const person = useQuery(apiQuery<Person>(queryKeys.personRecord(personId), `/api/persons/${personId}`));
  const guards = useQuery(apiQuery<Guards>(queryKeys.guards(personId), `/api/persons/${personId}/guards`));
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<ActionDone>();
  const format = useFormat();
  const overrideWords = useOverrideWords();
  const form = useForm({
    resolver: zodResolver(actionForm),
    defaultValues: { action: 'return' as GuardedAction, details: '', overrideReason: '', place: '', since: '', legalBasis: '', lastResort: { alternativesConsidered: '', plannedEnd: '' } },
  });
  const action = useWatch({ control: form.control, name: 'action' });
  const guard = guards.data?.[action];
  const verdict = guard ? overrideFor(action, guard) : undefined;
  const refused = guard !== undefined && !guard.allowed;
  // The law admits no override here: the form does not offer one, and has nothing to record.
  const forbidden = verdict?.override === 'never';
  const lastResort = verdict?.override === 'last_resort' && action === 'detain';
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setDone(undefined);
    if (forbidden) return;
    if (refused && values.overrideReason.length < MIN_REASON) {
      form.setError('overrideReason', { type: 'required', message: t('supervision.reasonTooShort', { count: MIN_REASON }) });
      return;
    }
    if (lastResort && values.lastResort.alternativesConsidered.length < MIN_REASON) {
      form.setError('lastResort.alternativesConsidered', { type: 'required', message: t('supervision.reasonTooShort', { count: MIN_REASON }) });
      return;
    }
    if (lastResort && !values.lastResort.plannedEnd) {
      form.setError('lastResort.plannedEnd', { type: 'required', message: t('supervision.required') });
      return;
    }
    const plannedEnd = lastResort ? new Date(values.lastResort.plannedEnd).toISOString() : undefined;
    const body = {
      ...(values.details ? { details: values.details } : {}),
      ...(refused ? { overrideReason: values.overrideReason } : {}),
      ...(values.action === 'detain' ? { detention: { place: values.place, since: values.since ? new Date(values.since).toISOString() : '', legalBasis: values.legalBasis } } : {}),
      ...(plannedEnd ? { lastResort: { alternativesConsidered: values.lastResort.alternativesConsidered, plannedEnd } } : {}),
    };
    try {
      const result = await api<ActionDone>('POST', `/api/persons/${personId}/actions/${values.action}`, body, { idempotencyKey: newIdempotencyKey() });
      setDone({ ...result, ...(result.overridden && plannedEnd ? { plannedEnd } : {}) });
      form.reset({ ...values, details: '', overrideReason: '', lastResort: { alternativesConsidered: '', plannedEnd: '' } });
      void invalidate(...staleAfter.guardedActionRecorded(personId));
    } catch (caught) {
      // The facts changed since the page was read: show the guards as they are now.
      if (caught instanceof ApiProblem && (caught.code === 'guard-refused' || caught.code === 'override-not-permitted')) void invalidate(queryKeys.guards(personId));
      setError(applyProblem(caught, form.setError, ['details', 'overrideReason', 'place', 'since', 'legalBasis', 'lastResort.alternativesConsidered', 'lastResort.plannedEnd']));
    }
  });
  const name = personName(person.data);
  const actionOptions = GUARDED_ACTIONS.map((value) => ({ value, label: t(`supervision.guardedActions.${value}`) }));
  return (
    <div className="page desk">
      <p>
        <Link to="/supervision/guards">{t('supervision.person.back')}</Link>
      </p>
      <h1>{name ? t('supervision.person.title', { name }) : t('supervision.person.titleNoName', { label: caseLabel(personId) })}</h1>
      <ProblemAlert error={person.error ?? guards.error} />
      <h2 id="guards-now">{t('supervision.person.guards')}</h2>
      {guards.data ? (
        <ul className="guard-list" aria-labelledby="guards-now">
          {GUARDED_ACTIONS.map((value) => {
            const entry = guards.data![value];
            return (
              <li key={value} className={entry.allowed ? 'guard-allowed' : 'guard-refused'}>
                <strong>{t(`supervision.guardedActions.${value}`)}</strong>
                {': '}
                {entry.allowed ? (
                  t('supervision.person.allowed')
                ) : (
                  <>
                    {t('supervision.person.refusedWhile')}{' '}
                    {entry.blockedBy.map((code, i) => (
                      <span key={code}>
                        {i > 0 ? ', ' : null}
                        <ObligationName code={code} />
                      </span>
                    ))}
                    <div className="guard-override" data-override={overrideFor(value, entry).override}>
                      {overrideWords(overrideFor(value, entry))}
                    </div>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      ) : (
        <p role="status">{t('app.loading')}</p>
      )}
      <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="perform-action" className="panel">
        <h2 id="perform-action">{t('supervision.person.perform')}</h2>
        <SelectField control={form.control} name="action" label={t('supervision.person.action')} options={actionOptions} isRequired />
        <TextInputField control={form.control} name="details" label={t('supervision.person.details')} description={t('supervision.person.detailsHint')} multiline />
        {action === 'detain' ? (
          <div className="row">
            <TextInputField control={form.control} name="place" label={t('supervision.person.place')} isRequired />
            <TextInputField control={form.control} name="since" type="datetime-local" label={t('supervision.person.since')} isRequired />
            <TextInputField control={form.control} name="legalBasis" label={t('supervision.person.legalBasis')} isRequired />
          </div>
        ) : null}
        {refused && verdict ? (
          <>
            <div role="note" className={forbidden ? 'alert alert-error' : 'alert alert-warning'} data-testid="override-rule" data-override={verdict.override}>
              <p className="alert-title">{t('supervision.person.refusedTitle', { action: t(`supervision.guardedActions.${action}`) })}</p>
              <p>{overrideWords(verdict)}</p>
            </div>
            {forbidden ? null : (
              <TextInputField control={form.control} name="overrideReason" label={t('supervision.person.overrideReason')} description={t('supervision.reasonHint', { count: MIN_REASON })} multiline isRequired />
            )}
            {lastResort ? (
              <fieldset className="last-resort">
                <legend>{t('supervision.person.lastResort.title')}</legend>
                <TextInputField
                  control={form.control}
                  name="lastResort.alternativesConsidered"
                  label={t('supervision.person.lastResort.alternativesConsidered')}
                  description={t('supervision.person.lastResort.alternativesHint', { count: MIN_REASON })}
                  multiline
                  isRequired
                />
                <TextInputField
                  control={form.control}
                  name="lastResort.plannedEnd"
                  type="datetime-local"
                  label={t('supervision.person.lastResort.plannedEnd')}
                  description={t('supervision.person.lastResort.plannedEndHint')}
                  isRequired
                />
              </fieldset>
            ) : null}
          </>
        ) : null}
        <ProblemAlert error={error} />
        {done ? (
          <p role="status" className="alert alert-ok">
            {done.plannedEnd
              ? t('supervision.person.overriddenLastResort', { action: t(`supervision.guardedActions.${done.action}`), end: format.dateTime(done.plannedEnd) })
              : done.overridden
                ? t('supervision.person.overridden', { action: t(`supervision.guardedActions.${done.action}`) })
                : t('supervision.person.performed', { action: t(`supervision.guardedActions.${done.action}`) })}
          </p>
        ) : null}
        {forbidden ? null : (
          <Button type="submit" className={refused ? 'button button-danger' : 'button button-primary'}>
            {refused ? t('supervision.person.override') : t('supervision.person.submit')}
          </Button>
        )}
      </Form>
      <OpenObligations personId={personId} />
    </div>
  );
}

export default function PersonGuardsScreen() {
  return (
    <SupervisionStrings>
      <PersonGuardsScreenBody />
    </SupervisionStrings>
  );
}
