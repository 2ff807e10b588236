import { zodResolver } from '@hookform/resolvers/zod';
import type { AssignableOfficer, IntakeItem } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Checkbox, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { SelectField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import '../../app/ui/desk.css';
import { useNow } from '../cases/clock';
import { caseLabel } from './model';
import { ObligationName } from './ObligationName';
import { SupervisionStrings } from './strings';

/** The person as the queue names them: their name when the role may see it, else the case's short reference. */
function nameOf(item: IntakeItem): string {
  const name = [item.person.givenName, item.person.familyName].filter(Boolean).join(' ');
  return name || caseLabel(item.personId);
}

/** One case waiting for an officer: who, how urgent, where they were met, what falls due first. */
function IntakeRow({ item, selected, onSelect }: { item: IntakeItem; selected: boolean; onSelect: (selected: boolean) => void }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const triage = new Intl.ListFormat(i18n.language, { style: 'narrow', type: 'unit' }).format(item.triage.map((category) => t(`firstResponse.triage.${category}`)));
  const overdue = item.obligations.overdue > 0;
  return (
    <tr>
      <td>
        <Checkbox className="checkbox" isSelected={selected} onChange={onSelect} aria-label={t('supervision.intake.select', { name: nameOf(item) })}>
          <span className="checkbox-box" aria-hidden="true" />
        </Checkbox>
      </td>
      <th scope="row">
        <Link to={`/cases/${item.personId}`}>{nameOf(item)}</Link>
        {item.person.ageClaimed !== undefined ? <div className="muted">{t('supervision.intake.age', { count: item.person.ageClaimed })}</div> : null}
      </th>
      <td>{triage}</td>
      <td>
        {item.encounter ? (
          <>
            {t(`firstResponse.encounterTypes.${item.encounter.type}`)}, {item.encounter.place}
            <div className="muted">{format.dateTime(item.encounter.occurredAt)}</div>
          </>
        ) : (
          format.dateTime(item.arrivedAt)
        )}
      </td>
      <TakeUpCell takeUpBy={item.takeUpBy} />
      <td className={overdue ? 'overdue' : undefined}>
        {item.obligations.nextCode && item.obligations.nextDueBy ? (
          <>
            <ObligationName code={item.obligations.nextCode} />
            <div>{overdue ? t('supervision.overdue.late', { when: format.relative(item.obligations.nextDueBy) }) : format.relative(item.obligations.nextDueBy)}</div>
            <div className="muted">{t('supervision.intake.open', { count: item.obligations.open })}</div>
          </>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
}

/** By when a case handed over to the agency must be taken up (late in words), or that the agency registered it itself. */
function TakeUpCell({ takeUpBy }: { takeUpBy: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  if (takeUpBy === null) return <td className="muted">{t('supervision.intake.ownCase')}</td>;
  const late = Date.parse(takeUpBy) < now.getTime();
  return (
    <td className={late ? 'overdue' : undefined} data-testid="intake-take-up">
      {late ? t('supervision.intake.takeUpLate', { when: format.relative(takeUpBy) }) : t('supervision.intake.takeUpBy', { when: format.relative(takeUpBy) })}
    </td>
  );
}

/** The officer to give the chosen cases to, and the one button that gives them all or none. */
function AssignForm({ officers, chosen, onAssigned }: { officers: AssignableOfficer[]; chosen: IntakeItem[]; onAssigned: (officer: AssignableOfficer, count: number) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(z.object({ officerId: z.string().min(1, t('supervision.required')) })), defaultValues: { officerId: '' } });
  const submit = form.handleSubmit(async ({ officerId }) => {
    setError(undefined);
    try {
      await api('POST', '/api/cases/assignments', { officerId, cases: chosen.map((item) => ({ caseId: item.caseId, version: item.caseVersion })) });
      onAssigned(officers.find((officer) => officer.id === officerId)!, chosen.length);
      void invalidate(...staleAfter.casesAssigned(chosen.map((item) => item.personId)));
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['officerId']));
    }
  });
  const options = officers.map((officer) => ({ value: officer.id, label: t('supervision.intake.officer', { name: officer.displayName, count: officer.openCases }) }));
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-label={t('supervision.intake.assignTitle')} className="inline-form">
      <SelectField control={form.control} name="officerId" label={t('supervision.intake.assignTo')} options={options} isRequired />
      <ProblemAlert error={error} />
      <div className="actions">
        <Button type="submit" className="button button-primary" isDisabled={chosen.length === 0}>
          {t('supervision.intake.assign', { count: chosen.length })}
        </Button>
      </div>
    </Form>
  );
}

/**
 * The agency's intake queue: cases nobody has yet, most urgent first, to give to officers several
 * at a time. Self-contained, so a supervisor's home can show it as it is.
 */
export function IntakeQueue() {
  const { t } = useTranslation();
  const queue = useQuery(apiQuery<IntakeItem[]>(queryKeys.intakeQueue(), '/api/queues/intake?limit=200'));
  const officers = useQuery(apiQuery<AssignableOfficer[]>(queryKeys.assignableOfficers(), '/api/agency/officers'));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [done, setDone] = useState<string>();
  const items = queue.data ?? [];
  const chosen = items.filter((item) => selected.has(item.caseId));
  const select = (caseId: string, on: boolean) => setSelected((before) => new Set(on ? [...before, caseId] : [...before].filter((id) => id !== caseId)));
  return (
    <section aria-labelledby="intake-queue">
      <h2 id="intake-queue">{t('supervision.intake.queue')}</h2>
      <p>{t('supervision.intake.explain')}</p>
      {done ? (
        <p role="status" className="alert alert-ok">
          {done}
        </p>
      ) : null}
      <ProblemAlert error={queue.error ?? officers.error} />
      {queue.data === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('supervision.intake.none')}</p>
      ) : (
        <>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">{t('supervision.intake.queue')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('supervision.intake.chosen')}</th>
                  <th scope="col">{t('supervision.intake.person')}</th>
                  <th scope="col">{t('supervision.intake.triage')}</th>
                  <th scope="col">{t('supervision.intake.encounter')}</th>
                  <th scope="col">{t('supervision.intake.takeUp')}</th>
                  <th scope="col">{t('supervision.intake.dueFirst')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <IntakeRow key={item.caseId} item={item} selected={selected.has(item.caseId)} onSelect={(on) => select(item.caseId, on)} />
                ))}
              </tbody>
            </table>
          </div>
          <AssignForm
            officers={officers.data ?? []}
            chosen={chosen}
            onAssigned={(officer, count) => {
              setSelected(new Set());
              setDone(t('supervision.intake.assigned', { count, name: officer.displayName }));
            }}
          />
        </>
      )}
    </section>
  );
}

/** The screen's own words are read inside SupervisionStrings, so the title shows once they have loaded. */
function IntakeScreenContent() {
  const { t } = useTranslation();
  return (
    <div className="page desk">
      <h1>{t('supervision.intake.title')}</h1>
      <IntakeQueue />
    </div>
  );
}

export default function IntakeScreen() {
  return (
    <SupervisionStrings>
      <IntakeScreenContent />
    </SupervisionStrings>
  );
}
