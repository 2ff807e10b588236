import { useQuery } from '@tanstack/react-query';
import type { AccessChange, OversightDecision, OversightEscalation, OversightItem } from '@haven/core/schemas';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { obligationTitle } from '../../app/obligations';
import { ProblemAlert } from '../../app/ui/problem';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import '../../app/ui/desk.css';
import { OversightStrings } from './strings';
import { shortReference } from '../../app/reference';
import { ObligationName } from '../supervision/ObligationName';
import { SupervisionStrings } from '../supervision/strings';

/** Where each item's own history is kept in the audit trail. */
export const auditPath = (recordType: string, recordId: string) => `/oversight/audit?recordType=${encodeURIComponent(recordType)}&recordId=${encodeURIComponent(recordId)}`;

/** What an access change gives the account, in words. */
function AccessChangeWhat({ change }: { change: AccessChange }) {
  const { t } = useTranslation();
  const role = (code: string) => t(`app.roles.${code}`);
  const lines =
    change.kind === 'create'
      ? [t('oversight.access.newAccount', { role: role(change.roleTo), agency: change.agencyTo.name })]
      : [
          change.roleFrom !== null && change.roleFrom !== change.roleTo ? t('oversight.access.role', { from: role(change.roleFrom), to: role(change.roleTo) }) : null,
          change.agencyFrom !== null && change.agencyFrom.id !== change.agencyTo.id ? t('oversight.access.agency', { from: change.agencyFrom.name, to: change.agencyTo.name }) : null,
          change.setsPassword ? t('oversight.access.password') : null,
          change.resetsSecondFactor ? t('oversight.access.secondFactor') : null,
        ].filter((line): line is string => line !== null);
  return (
    <ul className="plain-list">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

/**
 * Changes of staff access to personal data that one administrator asked for and a second had to
 * approve: who asked, who decided, which account, from what to what, by name.
 */
function AccessChangesTable({ changes }: { changes: { at: string; change: AccessChange }[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="table-scroll">
      <table aria-labelledby="access-changes">
        <thead>
          <tr>
            <th scope="col">{t('oversight.access.account')}</th>
            <th scope="col">{t('oversight.access.change')}</th>
            <th scope="col">{t('oversight.access.requestedBy')}</th>
            <th scope="col">{t('oversight.access.decision')}</th>
            <th scope="col">{t('oversight.queue.at')}</th>
            <th scope="col">{t('oversight.queue.history')}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map(({ at, change }) => (
            <tr key={change.id}>
              <th scope="row">
                {change.account.displayName}
                <div className="muted">{change.account.username}</div>
              </th>
              <td>
                <AccessChangeWhat change={change} />
              </td>
              <td>{change.requestedBy.displayName}</td>
              <td>
                {t(`oversight.access.statuses.${change.status}`, { name: change.decidedBy?.displayName ?? '' })}
                {change.refusalReason ? <div className="reason">{change.refusalReason}</div> : null}
              </td>
              <td>{format.dateTime(at)}</td>
              <td>
                <ul className="link-list">
                  <li>
                    <Link to={auditPath('access_change', change.id)}>{t('oversight.access.trail')}</Link>
                  </li>
                  <li>
                    <Link to={auditPath('user', change.account.id)}>{t('oversight.access.trailOfAccount')}</Link>
                  </li>
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Obligations an agency left overdue beyond its profile's escalation limit: which obligation, of
 * which agency, since when; not whose (the oversight body follows the obligation's audit trail).
 */
function EscalationsTable({ escalations }: { escalations: OversightEscalation[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="table-scroll">
      <table aria-labelledby="escalations">
        <thead>
          <tr>
            <th scope="col">{t('oversight.escalations.obligation')}</th>
            <th scope="col">{t('oversight.escalations.agency')}</th>
            <th scope="col">{t('oversight.escalations.dueBy')}</th>
            <th scope="col">{t('oversight.escalations.at')}</th>
            <th scope="col">{t('oversight.queue.history')}</th>
          </tr>
        </thead>
        <tbody>
          {escalations.map((item) => (
            <tr key={item.id}>
              <th scope="row">
                <ObligationName code={item.subject} />
              </th>
              <td>{item.agencyName}</td>
              <td className="overdue">
                {format.dateTime(item.dueBy)}
                <div>{t('oversight.escalations.late', { when: format.relative(item.dueBy) })}</div>
              </td>
              <td>{format.dateTime(item.at)}</td>
              <td>
                <Link to={auditPath('obligation', item.id)}>{t('oversight.escalations.trail')}</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Every waiver of an obligation and every override of a guard, in every agency, latest first,
 * with the supervisor's written reason: the decisions the oversight body reviews (a child's
 * detention overridden as a last resort says so, with its planned end and the alternatives
 * considered); and every change of staff access to personal data that needed a second administrator.
 */
function QueueScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const queue = useQuery(apiQuery<OversightItem[]>(queryKeys.oversightQueue(200), '/api/oversight/queue?limit=200'));
  const decisions = (queue.data ?? []).filter((item): item is OversightDecision => item.kind === 'waiver' || item.kind === 'override');
  const escalations = (queue.data ?? []).flatMap((item) => (item.kind === 'escalation' ? [item] : []));
  const accessChanges = (queue.data ?? []).flatMap((item) => (item.kind === 'access_change' ? [item] : []));
  return (
    <div className="page desk">
      <h1>{t('oversight.queue.title')}</h1>
      <p>{t('oversight.queue.explain')}</p>
      <ProblemAlert error={queue.error} />
      {queue.data === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : decisions.length === 0 ? (
        <p>{t('oversight.queue.none')}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('oversight.queue.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('oversight.queue.kind')}</th>
                <th scope="col">{t('oversight.queue.subject')}</th>
                <th scope="col">{t('oversight.queue.reason')}</th>
                <th scope="col">{t('oversight.queue.by')}</th>
                <th scope="col">{t('oversight.queue.at')}</th>
                <th scope="col">{t('oversight.queue.history')}</th>
              </tr>
            </thead>
            <tbody>
              {decisions.map((item) => (
                <tr key={`${item.kind}:${item.id}`}>
                  <th scope="row">{t(`oversight.kinds.${item.kind}`)}</th>
                  <td>{item.kind === 'waiver' ? obligationTitle(t, item.obligationCode ?? item.subject) : <code>{item.subject}</code>}</td>
                  <td className="reason">
                    {item.reason}
                    {item.lastResort ? (
                      <p className="last-resort" data-testid="last-resort">
                        {t('oversight.queue.lastResort', { end: format.dateTime(item.lastResort.plannedEnd), alternatives: item.lastResort.alternativesConsidered ?? t('oversight.queue.destroyed') })}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    {item.byName ?? <span className="muted">{t('oversight.queue.user', { id: shortReference(item.by) })}</span>}
                    <div className="muted">{item.agencyName ?? t('oversight.queue.agency', { id: shortReference(item.agencyId) })}</div>
                  </td>
                  <td>{format.dateTime(item.at)}</td>
                  <td>
                    <ul className="link-list">
                      <li>
                        <Link to={auditPath(item.kind === 'waiver' ? 'obligation' : 'guard_override', item.id)}>{t(`oversight.queue.trailOf.${item.kind}`)}</Link>
                      </li>
                      <li>
                        <Link to={auditPath('person', item.personId)}>{t('oversight.queue.trailOfPerson')}</Link>
                      </li>
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 id="escalations">{t('oversight.escalations.title')}</h2>
      <p>{t('oversight.escalations.explain')}</p>
      {queue.data === undefined ? null : escalations.length === 0 ? <p>{t('oversight.escalations.none')}</p> : <EscalationsTable escalations={escalations} />}
      <h2 id="access-changes">{t('oversight.access.title')}</h2>
      <p>{t('oversight.access.explain')}</p>
      {queue.data === undefined ? null : accessChanges.length === 0 ? <p>{t('oversight.access.none')}</p> : <AccessChangesTable changes={accessChanges} />}
    </div>
  );
}

export default function QueueScreen() {
  return (
    <OversightStrings>
      {/* The obligations' names are the supervision feature's. */}
      <SupervisionStrings>
        <QueueScreenBody />
      </SupervisionStrings>
    </OversightStrings>
  );
}
