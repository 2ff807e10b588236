import type { CaseHistoryEntry } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import { ProblemAlert } from '../../app/ui/problem';
import { caseReads } from './queries';

/** One line of the history, in names: who did what to the case. */
function HistoryLine({ entry }: { entry: CaseHistoryEntry }) {
  const { t } = useTranslation();
  const format = useFormat();
  const who = { user: entry.user ?? t('cases.history.someone'), agency: entry.agency ?? '' };
  switch (entry.kind) {
    case 'handed_over':
      return (
        <>
          {t('cases.history.handed_over', { agency: entry.agency, toAgency: entry.toAgency, rule: (entry.rule ?? 0) + 1 })}
          {entry.takeUpBy ? <p>{t('cases.history.takeUpBy', { when: format.dateTime(entry.takeUpBy) })}</p> : null}
          {entry.accessUntil ? <p>{t('cases.history.accessUntil', { agency: entry.agency, when: format.dateTime(entry.accessUntil) })}</p> : null}
        </>
      );
    case 'taken_up':
      return (
        <>
          {t('cases.history.taken_up', who)} · {entry.onTime ? t('cases.history.inTime') : t('cases.history.late')}
        </>
      );
    case 'case_changed':
      return <>{t('cases.history.case_changed', { ...who, fields: (entry.fields ?? []).map((field) => t(`cases.history.fields.${field}`, { defaultValue: field })).join(', ') })}</>;
    default:
      return <>{t(`cases.history.${entry.kind}`, who)}</>;
  }
}

/** What happened to the case, oldest first: registered, handed over by rule, taken up, screened, changed. */
export function HistorySection({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const history = useQuery(caseReads.history(personId));
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t('cases.history.title')}</h2>
      <ProblemAlert error={history.error} />
      {history.data && history.data.length === 0 ? <p>{t('cases.history.none')}</p> : null}
      <ol className="case-history" data-testid="case-history">
        {(history.data ?? []).map((entry, index) => (
          <li key={`${entry.at}-${entry.kind}-${index}`} data-kind={entry.kind}>
            <time dateTime={entry.at}>{format.dateTime(entry.at)}</time> · <HistoryLine entry={entry} />
          </li>
        ))}
      </ol>
    </section>
  );
}
