import { useCallback, useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { SelectField } from '../../app/ui/fields';
import { ProblemAlert } from '../../app/ui/problem';
import { CASE_STAGES } from './codes';
import { obligationName, personName, shortId, type CaseListItem, type CaseListPage as Page } from './model';
import { useDisplayNames } from './PersonFacts';
import { useNow } from './clock';
import './cases.css';
import { CaseStrings } from './strings';

const PAGE = 50;

/**
 * The protection officer's cases: the agency's open cases, newest first, each with who the person
 * is and where the case stands against what the State owes them — overdue said in words and in
 * red, the next deadline counted down.
 */
function CasesScreenContent() {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const now = useNow();
  const filters = useForm({ defaultValues: { stage: 'open', assigned: 'all' } });
  const stage = filters.watch('stage');
  const assigned = filters.watch('assigned');
  const [cases, setCases] = useState<CaseListItem[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const query = useCallback(
    (cursor: string | null) => {
      const params = new URLSearchParams({ limit: String(PAGE) });
      if (stage !== 'open') params.set('stage', stage);
      if (assigned !== 'all') params.set('assigned', assigned);
      if (cursor) params.set('cursor', cursor);
      return `/api/cases?${params}`;
    },
    [stage, assigned],
  );

  useEffect(() => {
    const controller = new AbortController();
    setCases(undefined);
    api<Page>('GET', query(null), undefined, { signal: controller.signal }).then(
      (page) => {
        setCases(page.items);
        setNextCursor(page.nextCursor);
        setError(undefined);
      },
      (failure: unknown) => {
        if (!(failure instanceof DOMException && failure.name === 'AbortError')) setError(failure);
      },
    );
    return () => controller.abort();
  }, [query]);

  const more = async () => {
    try {
      const page = await api<Page>('GET', query(nextCursor));
      setCases((shown) => [...(shown ?? []), ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <div className="page case-list-page">
      <h1>{t('cases.list.title')}</h1>
      <form className="case-filters" aria-label={t('cases.list.filters')} onSubmit={(event) => event.preventDefault()}>
        <SelectField
          control={filters.control}
          name="stage"
          label={t('cases.list.stage')}
          options={[{ value: 'open', label: t('cases.list.openStages') }, ...CASE_STAGES.map((value) => ({ value, label: t(`cases.stages.${value}`) }))]}
        />
        <SelectField
          control={filters.control}
          name="assigned"
          label={t('cases.list.assigned')}
          options={['all', 'me', 'nobody'].map((value) => ({ value, label: t(`cases.list.assignedTo.${value}`) }))}
        />
      </form>
      <ProblemAlert error={error} />
      {cases === undefined && !error ? <p role="status">{t('cases.loading')}</p> : null}
      {cases && cases.length === 0 ? <p>{t('cases.list.none')}</p> : null}
      {cases && cases.length > 0 ? (
        <div className="case-table-scroll">
          <table className="case-table" data-testid="case-list">
            <caption className="visually-hidden">{t('cases.list.caption', { count: cases.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases.list.person')}</th>
                <th scope="col">{t('cases.list.who')}</th>
                <th scope="col">{t('cases.fact.nationality')}</th>
                <th scope="col">{t('cases.list.stage')}</th>
                <th scope="col">{t('cases.list.officer')}</th>
                <th scope="col">{t('cases.list.obligations')}</th>
                <th scope="col">{t('cases.list.next')}</th>
              </tr>
            </thead>
            <tbody>
              {cases.map((item) => {
                const { person, obligations } = item;
                const nextLate = obligations.nextDueBy !== null && Date.parse(obligations.nextDueBy) < now.getTime();
                return (
                  <tr key={item.caseId} data-person={item.personId}>
                    <th scope="row">
                      <Link to={`/cases/${item.personId}`} data-testid="case-link">
                        {personName(person) ?? t('cases.unnamed', { id: shortId(item.personId) })}
                      </Link>
                    </th>
                    <td>
                      {[
                        person.ageClaimed !== undefined ? t('cases.list.age', { age: format.number(person.ageClaimed) }) : null,
                        person.sex ? t(`cases.sexes.${person.sex}`) : null,
                        person.accompaniment && person.accompaniment !== 'adult' ? t(`cases.accompaniments.${person.accompaniment}`) : null,
                      ]
                        .filter(Boolean)
                        .join(' · ') || '—'}
                    </td>
                    <td>{person.nationality ? names.nationality(person.nationality) : '—'}</td>
                    <td>{t(`cases.stages.${item.stage}`)}</td>
                    <td>{item.officerName ?? t('cases.list.unassigned')}</td>
                    <td data-testid="case-obligations">
                      {obligations.overdue > 0 ? <strong className="case-overdue">{t('cases.list.overdue', { count: obligations.overdue })}</strong> : null}
                      {obligations.overdue > 0 ? <br /> : null}
                      {t('cases.list.open', { count: obligations.open })}
                    </td>
                    <td>
                      {obligations.nextDueBy && obligations.nextCode ? (
                        <>
                          {obligationName(t, obligations.nextCode)}
                          <br />
                          <time dateTime={obligations.nextDueBy} className={nextLate ? 'case-overdue' : undefined} title={format.dateTime(obligations.nextDueBy)}>
                            {nextLate ? t('cases.due.overdueSince', { when: format.relative(obligations.nextDueBy, now) }) : t('cases.due.dueIn', { when: format.relative(obligations.nextDueBy, now) })}
                          </time>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {nextCursor ? (
        <Button className="button" onPress={() => void more()}>
          {t('cases.list.more')}
        </Button>
      ) : null}
    </div>
  );
}

export default function CasesScreen() {
  return (
    <CaseStrings>
      <CasesScreenContent />
    </CaseStrings>
  );
}
