import { useId } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import { useNow } from './clock';
import { actionKey, actionLabel, actionsFor, isOverdue, obligationActions, obligationName, RECORD_PERMISSION, type CaseAction, type Obligation } from './model';
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
 * action that fulfils it (the form that records it, prefilled, further down the page), or, for a
 * user who may not make that record, who does. Standing obligations are the protections in force.
 */
export function ToDoSection({
  obligations,
  error,
  ageDisputed = false,
  onAct,
}: {
  obligations: Obligation[] | undefined;
  error: unknown;
  /** The engine's flag age_disputed: the age is not finally determined, an assessment (or its decision) is to be recorded. */
  ageDisputed?: boolean;
  onAct: (action: CaseAction) => void;
}) {
  const { t } = useTranslation();
  const names = useDisplayNames();
  const { due, standing } = toDo(obligations ?? []);
  return (
    <section aria-labelledby="todo-title" className="case-todo" data-testid="todo">
      <h2 id="todo-title">{t('cases.todo.title')}</h2>
      <ProblemAlert error={error} />
      {obligations === undefined && !error ? <p role="status">{t('cases.loading')}</p> : null}
      {obligations && due.length === 0 && !ageDisputed ? <p data-testid="todo-none">{t('cases.todo.none')}</p> : null}
      <ol className="case-obligations">
        {ageDisputed ? <AgeDisputedItem onAct={onAct} /> : null}
        {due.map((obligation) => (
          <ToDoItem key={obligation.id} obligation={obligation} onAct={onAct} />
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

/** The age is disputed and not finally determined: the benefit of the doubt stands until an assessment settles it. */
function AgeDisputedItem({ onAct }: { onAct: (action: CaseAction) => void }) {
  const { t } = useTranslation();
  const mayRecord = useMe().permissions.includes(RECORD_PERMISSION.age_assessment);
  const nameId = useId();
  return (
    <li className="case-obligation" data-testid="todo-item" data-code="age_disputed">
      <p className="case-obligation-name" id={nameId}>
        {t('cases.age.todo')}
      </p>
      <p>{t('cases.age.todoHint')}</p>
      {mayRecord ? (
        <p className="case-todo-actions">
          <Button className="button button-primary" data-testid="todo-record-age_assessment" onPress={() => onAct({ kind: 'record', what: 'age_assessment', obligation: 'age_disputed' })} aria-describedby={nameId}>
            {t('cases.todo.record.age_assessment')}
          </Button>
        </p>
      ) : (
        <p className="case-basis">{t('cases.todo.elsewhere.age_assessment')}</p>
      )}
    </li>
  );
}

/** One thing to do: its deadline, and a button for each record that would fulfil it. */
function ToDoItem({ obligation, onAct }: { obligation: Obligation; onAct: (action: CaseAction) => void }) {
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
        {actionsFor(obligation, permissions).map((action) => (
          <Button
            key={actionKey(action)}
            className="button button-primary"
            data-testid={`todo-${actionKey(action)}`}
            onPress={() => onAct(action)}
            aria-describedby={nameId}
          >
            {actionLabel(t, action)}
          </Button>
        ))}
      </p>
      {actions.record
        .filter((what) => !permissions.includes(RECORD_PERMISSION[what]))
        .map((what) => (
          <p key={what} className="case-basis">
            {t(`cases.todo.elsewhere.${what}`)}
          </p>
        ))}
    </li>
  );
}
