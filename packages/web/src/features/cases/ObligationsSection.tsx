import { mayBeWaived } from '@haven/core/schemas';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import { isOverdue, obligationName, type Obligation } from './model';
import { useNow } from './clock';
import { WaiveForm } from './WaiveForm';

const ACTIVE = new Set(['open', 'overdue']);

/**
 * What the State owes the person, the earliest deadline first. The countdown runs on the screen;
 * an overdue obligation says "overdue" in words as well as in red. Standing obligations have no
 * deadline: they hold back guarded actions for as long as they stand. Fulfilled, waived and lapsed
 * ones stay below as the record of what was done.
 */
export function ObligationsSection({ obligations, error, onChange }: { obligations: Obligation[] | undefined; error: unknown; onChange: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow();
  const me = useMe();
  const mayWaive = me.permissions.includes('obligation:waive');
  const active = (obligations ?? []).filter((o) => ACTIVE.has(o.status) && o.dueBy !== null);
  const standing = (obligations ?? []).filter((o) => ACTIVE.has(o.status) && o.dueBy === null);
  const done = (obligations ?? []).filter((o) => !ACTIVE.has(o.status));
  const overdueCount = active.filter((o) => isOverdue(o, now)).length;
  return (
    <section aria-labelledby="obligations-title">
      <h2 id="obligations-title">{t('cases.obligations.title')}</h2>
      <ProblemAlert error={error} />
      {obligations ? (
        <p data-testid="obligations-summary">
          {t('cases.list.open', { count: active.length })}
          {overdueCount > 0 ? (
            <>
              {' · '}
              <strong className="case-overdue">{t('cases.list.overdue', { count: overdueCount })}</strong>
            </>
          ) : null}
        </p>
      ) : null}
      <ul className="case-obligations" data-testid="obligations">
        {active.map((obligation) => {
          const overdue = isOverdue(obligation, now);
          return (
            <li key={obligation.id} className={overdue ? 'case-obligation is-overdue' : 'case-obligation'} data-testid="obligation" data-code={obligation.code} data-overdue={overdue}>
              <p className="case-obligation-name">{obligationName(t, obligation.code)}</p>
              <p>
                {overdue ? <strong className="case-overdue">{t('cases.obligations.overdue')}</strong> : <span>{t('cases.obligations.status.open')}</span>}
                {' · '}
                <time dateTime={obligation.dueBy!}>
                  {/* The status beside it already says "Overdue": the time says only when it was due. */}
                  {t(overdue ? 'cases.due.wasDue' : 'cases.due.dueIn', { when: format.relative(obligation.dueBy!, now) })} ({format.dateTime(obligation.dueBy!)})
                </time>
              </p>
              <p className="case-basis">{t('cases.obligations.basis', { basis: obligation.basis.join('; ') })}</p>
              {mayWaive && mayBeWaived(obligation) ? <WaiveForm obligation={obligation} onDone={onChange} /> : null}
            </li>
          );
        })}
      </ul>
      {standing.length > 0 ? (
        <>
          <h3>{t('cases.obligations.standing')}</h3>
          <ul className="case-obligations" data-testid="standing-obligations">
            {standing.map((obligation) => (
              <li key={obligation.id} className="case-obligation is-standing" data-code={obligation.code}>
                <p className="case-obligation-name">{obligationName(t, obligation.code)}</p>
                <p className="case-basis">{t('cases.obligations.basis', { basis: obligation.basis.join('; ') })}</p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {done.length > 0 ? (
        <details className="case-panel">
          <summary>{t('cases.obligations.history', { count: done.length })}</summary>
          <ul className="case-obligations">
            {done.map((obligation) => (
              <li key={obligation.id} className="case-obligation is-done" data-code={obligation.code} data-status={obligation.status}>
                <p className="case-obligation-name">{obligationName(t, obligation.code)}</p>
                <p>
                  <strong>{t(`cases.obligations.status.${obligation.status}`)}</strong>
                  {obligation.fulfilment
                    ? ` · ${t('cases.obligations.fulfilledBy', { what: t(`cases.fulfilments.${obligation.fulfilment.type}`, { defaultValue: obligation.fulfilment.type }), date: format.dateTime(obligation.fulfilment.at) })}`
                    : ''}
                </p>
                {obligation.waiver ? <p>{t('cases.obligations.waived', { reason: obligation.waiver.reason, date: format.dateTime(obligation.waiver.at) })}</p> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
