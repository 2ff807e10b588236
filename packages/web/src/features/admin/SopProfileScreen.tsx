import { useQuery } from '@tanstack/react-query';
import type { SopProfileView as SopProfile } from '@haven/core/schemas';
import { useTranslation } from 'react-i18next';
import { obligationTitle } from '../../app/obligations';
import { ProblemAlert } from '../../app/ui/problem';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import '../../app/ui/desk.css';
import { usePeriod } from './period';
import { AdminStrings } from './strings';

const HOUR = 3_600_000;

/** A deadline in the reader's words: whole days from a week up, else hours, else minutes. */
function useSpan() {
  const { i18n } = useTranslation();
  return (ms: number) => {
    const [value, unit] = ms >= 7 * 24 * HOUR && ms % (24 * HOUR) === 0 ? [ms / (24 * HOUR), 'day'] : ms >= HOUR && ms % HOUR === 0 ? [ms / HOUR, 'hour'] : [Math.round(ms / 60_000), 'minute'];
    return new Intl.NumberFormat(i18n.language, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
  };
}

/**
 * The jurisdiction's SOP profile as the engine runs it: the Protocol floor plus what the profile
 * adds or shortens. Read-only here: the profile is a file checked at start, so a weakened one
 * never runs.
 */
function SopProfileScreenBody() {
  const { t, i18n } = useTranslation();
  const profile = useQuery(apiQuery<SopProfile>(queryKeys.sopProfile(), '/api/admin/sop-profile'));
  const span = useSpan();
  const period = usePeriod();
  const data = profile.data;
  return (
    <div className="page admin">
      <h1>{t('admin.sop.title')}</h1>
      <ProblemAlert error={profile.error} />
      {data ? (
        <>
          <p>
            {t('admin.sop.inForce', { name: data.name, id: data.id })} {t('admin.sop.readOnly')}
          </p>
          <h2 id="sop-obligations">{t('admin.sop.obligations')}</h2>
          <div className="table-scroll">
            <table aria-labelledby="sop-obligations">
              <thead>
                <tr>
                  <th scope="col">{t('admin.sop.code')}</th>
                  <th scope="col">{t('admin.sop.summary')}</th>
                  <th scope="col">{t('admin.sop.deadline')}</th>
                  <th scope="col">{t('admin.sop.basis')}</th>
                  <th scope="col">{t('admin.sop.origin')}</th>
                </tr>
              </thead>
              <tbody>
                {data.obligations.map((obligation) => (
                  <tr key={obligation.code}>
                    <th scope="row">
                      {obligationTitle(t, obligation.code)} <code className="muted">{obligation.code}</code>
                    </th>
                    <td lang="en">{obligation.summary}</td>
                    <td>
                      {obligation.deadlineMs === null ? t('admin.sop.standing') : t(`admin.sop.from.${obligation.base}`, { span: span(obligation.deadlineMs) })}
                      {obligation.baselineDeadlineMs !== null ? <div className="muted">{t('admin.sop.shortenedFrom', { span: span(obligation.baselineDeadlineMs) })}</div> : null}
                    </td>
                    <td lang="en">{obligation.basis.join('; ')}</td>
                    <td>{t(`admin.sop.origins.${obligation.origin}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('admin.sop.guards')}</h2>
          <dl className="definitions">
            {data.guards.map((guard) => (
              <div key={guard.action}>
                <dt>{t(`admin.guardedActions.${guard.action}`)}</dt>
                <dd>
                  {t('admin.sop.refusedWhile')}{' '}
                  {guard.blockedBy.map((code, i) => (
                    <span key={code}>
                      {i > 0 ? ', ' : null}
                      <code>{code}</code>
                    </span>
                  ))}
                </dd>
              </div>
            ))}
          </dl>
          <h2>{t('admin.sop.consular')}</h2>
          <p>{data.mandatoryConsularNotification.length > 0 ? data.mandatoryConsularNotification.map((code) => new Intl.DisplayNames([i18n.language], { type: 'region' }).of(code) ?? code).join(', ') : t('admin.sop.noConsular')}</p>
          <h2>{t('admin.sop.retention')}</h2>
          <dl className="definitions">
            {data.retention.map((entry) => (
              <div key={entry.recordType}>
                <dt>{t(`admin.sop.retentionOf.${entry.recordType}`)}</dt>
                <dd>{period(entry.period)}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : (
        <p role="status">{t('app.loading')}</p>
      )}
    </div>
  );
}

export default function SopProfileScreen() {
  return (
    <AdminStrings>
      <SopProfileScreenBody />
    </AdminStrings>
  );
}
