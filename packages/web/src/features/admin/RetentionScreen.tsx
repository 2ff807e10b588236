import type { RetentionPolicy } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { ProblemAlert } from '../../app/ui/problem';
import '../../app/ui/desk.css';
import { usePeriod } from './period';
import { AdminStrings } from './strings';

/** Each record type: how long it is kept, from when, and what a run would purge now or keep for a hold. */
function DueNow({ report }: { report: RetentionPolicy }) {
  const { t } = useTranslation();
  const format = useFormat();
  const period = usePeriod();
  return (
    <div className="table-scroll">
      <table data-testid="retention-due">
        <caption>{t('admin.retention.dueCaption', { date: format.dateTime(report.due.at) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('admin.retention.recordType')}</th>
            <th scope="col">{t('admin.retention.kept')}</th>
            <th scope="col">{t('admin.retention.closedBefore')}</th>
            <th scope="col">{t('admin.retention.due')}</th>
            <th scope="col">{t('admin.retention.held')}</th>
          </tr>
        </thead>
        <tbody>
          {report.periods.map(({ recordType, period: iso }) => {
            const due = report.due.types[recordType];
            return (
              <tr key={recordType} data-type={recordType}>
                <th scope="row">{t(`admin.sop.retentionOf.${recordType}`)}</th>
                <td>{t(`admin.retention.from.${recordType}`, { period: period(iso) })}</td>
                <td>{format.date(due.cutoff)}</td>
                <td>{format.number(due.due - due.held)}</td>
                <td>{format.number(due.held)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Holds standing, erasure requests by decision, the last destruction: counts, never a person. */
function Totals({ report }: { report: RetentionPolicy }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <dl className="definitions" data-testid="retention-totals">
      <div>
        <dt>{t('admin.retention.standingHolds')}</dt>
        <dd data-testid="standing-holds">{format.number(report.standingHolds)}</dd>
      </div>
      <div>
        <dt>{t('admin.retention.erasureRequests')}</dt>
        <dd data-testid="erasure-counts">{t('admin.retention.requestsCount', { carriedOut: format.number(report.erasureRequests.carriedOut), refused: format.number(report.erasureRequests.refused) })}</dd>
      </div>
      <div>
        <dt>{t('admin.retention.lastPurged')}</dt>
        <dd>{report.lastPurgedAt ? format.dateTime(report.lastPurgedAt) : t('admin.retention.neverPurged')}</dd>
      </div>
    </dl>
  );
}

/**
 * The retention report, in words: the periods of the SOP profile in force, what a run would purge
 * now and what holds keep, the legal holds standing and the erasure requests decided. A dry run:
 * nothing changes here; `haven retention run` on the server purges.
 */
function RetentionScreenBody() {
  const { t } = useTranslation();
  const report = useQuery(apiQuery<RetentionPolicy>(queryKeys.retentionReport(), '/api/retention'));
  const data = report.data;
  return (
    <div className="page admin">
      <h1>{t('admin.retention.title')}</h1>
      <ProblemAlert error={report.error} />
      {data ? (
        <>
          <p>{t('admin.retention.explained', { profile: data.profile })}</p>
          <h2>{t('admin.retention.dueTitle')}</h2>
          <DueNow report={data} />
          <p className="muted">{t('admin.retention.howToRun')}</p>
          <h2>{t('admin.retention.totalsTitle')}</h2>
          <Totals report={data} />
        </>
      ) : (
        <p role="status">{t('app.loading')}</p>
      )}
    </div>
  );
}

export default function RetentionScreen() {
  return (
    <AdminStrings>
      <RetentionScreenBody />
    </AdminStrings>
  );
}
