import type { AssistanceType, ServiceType } from '@haven/core/codes';
import { useId } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import { useNow } from './clock';
import { isOverdue, obligationActions, obligationName, type Obligation } from './model';
import { useDisplayNames } from './PersonFacts';

const ACTIVE = new Set(['open', 'overdue']);

/** The open obligations with a deadline, the earliest first; standing ones apart (they are protections, not work). */
export function toDo(obligations: readonly Obligation[]): { due: Obligation[]; standing: Obligation[] } {
  const active = obligations.filter((o) => ACTIVE.has(o.status));
  const due = active.filter((o) => o.dueBy !== null && !obligationActions(o.fulfilledBy).standing).sort((a, b) => a.dueBy!.localeCompare(b.dueBy!));
  const standing = active.filter((o) => o.dueBy === null || obligationActions(o.fulfilledBy).standing);
  return { due, standing };
}

/**
 * What the case page opens on: what is to be done, the earliest deadline first, each with the
 * action that fulfils it (the assistance form or the referral form, prefilled, further down the
 * page), or, when it is done elsewhere, where. Standing obligations are the protections in force.
 */
export function ToDoSection({
  obligations,
  error,
  onAssist,
  onRefer,
}: {
  obligations: Obligation[] | undefined;
  error: unknown;
  onAssist: (type: AssistanceType) => void;
  onRefer: (service: ServiceType) => void;
}) {
  const { t } = useTranslation();
  const names = useDisplayNames();
  const { due, standing } = toDo(obligations ?? []);
  return (
    <section aria-labelledby="todo-title" className="case-todo" data-testid="todo">
      <h2 id="todo-title">{t('cases.todo.title')}</h2>
      <ProblemAlert error={error} />
      {obligations === undefined && !error ? <p role="status">{t('cases.loading')}</p> : null}
      {obligations && due.length === 0 ? <p data-testid="todo-none">{t('cases.todo.none')}</p> : null}
      <ol className="case-obligations">
        {due.map((obligation) => (
          <ToDoItem key={obligation.id} obligation={obligation} onAssist={onAssist} onRefer={onRefer} />
        ))}
      </ol>
      {standing.length > 0 ? (
        <p className="case-protections" data-testid="protections">
          <strong>{t('cases.todo.protections')}</strong> {names.list(standing.map((o) => obligationName(t, o.code)))}
        </p>
      ) : null}
    </section>
  );
}

/** One thing to do: its deadline, and a button for each record that would fulfil it. */
function ToDoItem({ obligation, onAssist, onRefer }: { obligation: Obligation; onAssist: (type: AssistanceType) => void; onRefer: (service: ServiceType) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  const permissions = useMe().permissions;
  const overdue = isOverdue(obligation, now);
  const actions = obligationActions(obligation.fulfilledBy);
  // Each button is described by the obligation it fulfils (two to-dos may offer the same action).
  const nameId = useId();
  return (
    <li className={overdue ? 'case-obligation is-overdue' : 'case-obligation'} data-testid="todo-item" data-code={obligation.code} data-overdue={overdue}>
      <p className="case-obligation-name" id={nameId}>
        {obligationName(t, obligation.code)}
      </p>
      <p>
        {overdue ? <strong className="case-overdue">{t('cases.obligations.overdue')}</strong> : null}
        {overdue ? ' · ' : null}
        <time dateTime={obligation.dueBy!}>
          {t(overdue ? 'cases.due.overdueSince' : 'cases.due.dueIn', { when: format.relative(obligation.dueBy!, now) })} ({format.dateTime(obligation.dueBy!)})
        </time>
      </p>
      <p className="case-todo-actions">
        {permissions.includes('assistance:write')
          ? actions.assistance.map((type) => (
              <Button key={type} className="button button-primary" data-testid={`todo-assist-${type}`} onPress={() => onAssist(type as AssistanceType)} aria-describedby={nameId}>
                {t('cases.todo.assist', { what: t(`cases.assistanceTypes.${type}`, { defaultValue: type }) })}
              </Button>
            ))
          : null}
        {permissions.includes('referral:send')
          ? actions.referral.map((service) => (
              <Button key={service} className="button button-primary" data-testid={`todo-refer-${service}`} onPress={() => onRefer(service as ServiceType)} aria-describedby={nameId}>
                {t('cases.todo.refer', { service: t(`cases.services.${service}`, { defaultValue: service }) })}
              </Button>
            ))
          : null}
      </p>
      {actions.elsewhere.map((where) => (
        <p key={where} className="case-basis">
          {t(`cases.todo.elsewhere.${where}`)}
        </p>
      ))}
    </li>
  );
}
