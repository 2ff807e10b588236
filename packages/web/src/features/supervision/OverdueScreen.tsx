import { useQuery } from '@tanstack/react-query';
import type { QueuedObligation } from '@haven/core/schemas';
import { useState } from 'react';
import { Button, Radio, RadioGroup, Label } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { FulfilLink } from '../cases/FulfilLink';
import { CaseStrings } from '../cases/strings';
import { useFormat } from '../../app/format';
import { ProblemAlert } from '../../app/ui/problem';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { caseLabel } from './model';
import { WaiveForm } from './WaiveForm';
import { ObligationName, useObligationName } from './ObligationName';
import '../../app/ui/desk.css';
import { SupervisionStrings } from './strings';

type QueueWindow = 'overdue' | 'due24h';

/** The agency's work past its deadline, or due within a day: what a supervisor chases or, with a reason, waives. */
function OverdueScreenBody() {
  const { t } = useTranslation();
  const nameOf = useObligationName();
  const format = useFormat();
  const [queueWindow, setQueueWindow] = useState<QueueWindow>('overdue');
  const [waiving, setWaiving] = useState<string>();
  const [waived, setWaived] = useState<string>();
  const queue = useQuery(apiQuery<QueuedObligation[]>(queryKeys.agencyObligations(queueWindow), `/api/queues/agency-obligations?window=${queueWindow}&limit=200`));
  return (
    <div className="page desk">
      <h1>{t('supervision.overdue.title')}</h1>
      <RadioGroup className="field choice" value={queueWindow} onChange={(value) => setQueueWindow(value as QueueWindow)} orientation="horizontal">
        <Label>{t('supervision.overdue.show')}</Label>
        <div className="choice-options">
          <Radio value="overdue" className="choice-option">
            {t('supervision.overdue.overdue')}
          </Radio>
          <Radio value="due24h" className="choice-option">
            {t('supervision.overdue.due24h')}
          </Radio>
        </div>
      </RadioGroup>
      {waived ? (
        <p role="status" className="alert alert-ok">
          {t('supervision.overdue.waived', { code: nameOf(waived) })}
        </p>
      ) : null}
      <ProblemAlert error={queue.error} />
      {queue.data === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : queue.data.length === 0 ? (
        <p>{queueWindow === 'overdue' ? t('supervision.overdue.noneOverdue') : t('supervision.overdue.noneDue')}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{queueWindow === 'overdue' ? t('supervision.overdue.overdue') : t('supervision.overdue.due24h')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('supervision.obligation')}</th>
                <th scope="col">{t('supervision.case')}</th>
                <th scope="col">{t('supervision.overdue.dueBy')}</th>
                <th scope="col">{t('supervision.overdue.basis')}</th>
                <th scope="col">{t('supervision.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.data.map((obligation) => (
                <tr key={obligation.id}>
                  <th scope="row">
                    <ObligationName code={obligation.code} />
                  </th>
                  <td>
                    <Link to={`/supervision/persons/${obligation.personId}`} aria-label={t('supervision.openCase', { label: obligation.personName ?? caseLabel(obligation.personId) })}>
                      {obligation.personName ?? caseLabel(obligation.personId)}
                    </Link>
                  </td>
                  <td className={obligation.status === 'overdue' ? 'overdue' : undefined}>
                    {obligation.dueBy ? (
                      <>
                        {format.dateTime(obligation.dueBy)}
                        <div>{obligation.status === 'overdue' ? t('supervision.overdue.late', { when: format.relative(obligation.dueBy) }) : format.relative(obligation.dueBy)}</div>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td lang="en">{obligation.basis.join('; ')}</td>
                  <td>
                    <FulfilLink obligation={obligation} label={obligation.personName ?? caseLabel(obligation.personId)} />{' '}
                    {waiving === obligation.id ? (
                      <WaiveForm
                        obligation={obligation}
                        onCancel={() => setWaiving(undefined)}
                        onDone={() => {
                          setWaiving(undefined);
                          setWaived(obligation.code);
                          void invalidate(...staleAfter.obligationWaived(obligation.personId));
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
    </div>
  );
}

export default function OverdueScreen() {
  return (
    <SupervisionStrings>
      {/* The fulfilling action's words are the case page's. */}
      <CaseStrings>
        <OverdueScreenBody />
      </CaseStrings>
    </SupervisionStrings>
  );
}
