import type { OpenGuard } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { ProblemAlert } from '../../app/ui/problem';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { caseLabel, type OversightDecision, type OversightItem } from './model';
import { ObligationName } from './ObligationName';
import '../../app/ui/desk.css';
import { SupervisionStrings } from './strings';

/**
 * Cases of the agency where a guarded action (return, sharing with the State of origin,
 * detention, a charge for being smuggled) is held back, and the waivers and overrides the
 * agency has already made — which the oversight body sees too.
 */
function GuardsScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const guarded = useQuery(apiQuery<OpenGuard[]>(queryKeys.openGuards(), '/api/queues/open-guards?limit=200'));
  const decisions = useQuery(apiQuery<OversightItem[]>(queryKeys.oversightQueue(100), '/api/oversight/queue?limit=100'));
  // The queue also carries changes of staff access, for the oversight body only.
  const agencyDecisions = (decisions.data ?? []).filter((item): item is OversightDecision => item.kind === 'waiver' || item.kind === 'override');
  return (
    <div className="page desk">
      <h1>{t('supervision.guards.title')}</h1>
      <p>{t('supervision.guards.explain')}</p>
      <h2 id="guarded-cases">{t('supervision.guards.cases')}</h2>
      <ProblemAlert error={guarded.error} />
      {guarded.data === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : guarded.data.length === 0 ? (
        <p>{t('supervision.guards.none')}</p>
      ) : (
        <div className="table-scroll">
          <table aria-labelledby="guarded-cases">
            <thead>
              <tr>
                <th scope="col">{t('supervision.case')}</th>
                <th scope="col">{t('supervision.guards.blocking')}</th>
              </tr>
            </thead>
            <tbody>
              {guarded.data.map((entry) => (
                <tr key={entry.personId}>
                  <th scope="row">
                    <Link to={`/supervision/persons/${entry.personId}`} aria-label={t('supervision.openCase', { label: entry.personName ?? caseLabel(entry.personId) })}>
                      {entry.personName ?? caseLabel(entry.personId)}
                    </Link>
                  </th>
                  <td>
                    {entry.blockingObligations.map((code, i) => (
                      <span key={code}>
                        {i > 0 ? ', ' : null}
                        <ObligationName code={code} />
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 id="agency-decisions">{t('supervision.guards.decisions')}</h2>
      <ProblemAlert error={decisions.error} />
      {decisions.data === undefined ? null : agencyDecisions.length === 0 ? (
        <p>{t('supervision.guards.noDecisions')}</p>
      ) : (
        <div className="table-scroll">
          <table aria-labelledby="agency-decisions">
            <thead>
              <tr>
                <th scope="col">{t('supervision.guards.kind')}</th>
                <th scope="col">{t('supervision.guards.subject')}</th>
                <th scope="col">{t('supervision.reason')}</th>
                <th scope="col">{t('supervision.case')}</th>
                <th scope="col">{t('supervision.guards.at')}</th>
              </tr>
            </thead>
            <tbody>
              {agencyDecisions.map((item) => (
                <tr key={item.id}>
                  <th scope="row">{t(`supervision.kinds.${item.kind}`)}</th>
                  <td>
                    <code>{item.subject}</code>
                  </td>
                  <td>
                    {item.reason}
                    {item.lastResort ? (
                      <p className="last-resort">
                        {t('supervision.guards.lastResort', { end: format.dateTime(item.lastResort.plannedEnd), alternatives: item.lastResort.alternativesConsidered ?? t('supervision.guards.destroyed') })}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    <Link to={`/supervision/persons/${item.personId}`} aria-label={t('supervision.openCase', { label: caseLabel(item.personId) })}>
                      {caseLabel(item.personId)}
                    </Link>
                  </td>
                  <td>{format.dateTime(item.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export default function GuardsScreen() {
  return (
    <SupervisionStrings>
      <GuardsScreenBody />
    </SupervisionStrings>
  );
}
