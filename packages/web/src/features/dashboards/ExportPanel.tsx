import type { CsrfToken, ExportJobView as ExportJob } from '@haven/core/schemas';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { ProblemAlert } from '../../app/ui/problem';
import { filterQuery, type DashboardFilter } from './model';

type Format = 'csv' | 'xlsx' | 'pdf';

/** The filter as the export API takes it (the same fields the indicators were read with). */
function exportFilter(filter: DashboardFilter): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(filterQuery(filter).slice(1)));
}

/** Saves the finished file through the browser (a POST, so the CSRF token goes along). */
async function save(job: ExportJob): Promise<void> {
  const { csrfToken } = await api<CsrfToken>('GET', '/api/auth/csrf');
  const response = await fetch(`/api/exports/${encodeURIComponent(job.id)}/download`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: '{}',
  });
  if (!response.ok) throw new Error(`download failed (${response.status})`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = job.fileName ?? 'haven-indicators';
  link.click();
  URL.revokeObjectURL(url);
}

/** Exports of the indicators on screen: queued on the server, progress shown here until the file is ready. */
export function ExportPanel({ filter }: { filter: DashboardFilter }) {
  const { t } = useTranslation();
  const [job, setJob] = useState<ExportJob | undefined>();
  const [error, setError] = useState<unknown>();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const follow = (id: string) => {
    timer.current = setTimeout(() => {
      api<ExportJob>('GET', `/api/exports/${encodeURIComponent(id)}`).then((next) => {
        setJob(next);
        if (next.status === 'done') save(next).catch(setError);
        else if (next.status === 'queued' || next.status === 'running') follow(id);
      }, setError);
    }, 500);
  };

  const start = async (format: Format) => {
    setError(undefined);
    try {
      const queued = await api<ExportJob>('POST', '/api/exports/indicators', { format, filter: exportFilter(filter) });
      setJob(queued);
      follow(queued.id);
    } catch (caught) {
      setError(caught);
    }
  };

  const busy = job !== undefined && (job.status === 'queued' || job.status === 'running');
  return (
    <section className="dashboard-export" aria-labelledby="dashboard-export-title">
      <h2 id="dashboard-export-title">{t('dashboards.export.title')}</h2>
      <div className="dashboard-export-buttons">
        {(['csv', 'xlsx', 'pdf'] as const).map((format) => (
          <button key={format} type="button" className="button" disabled={busy} onClick={() => void start(format)}>
            {t(`dashboards.export.${format}`)}
          </button>
        ))}
      </div>
      {job ? (
        <div className="dashboard-export-progress">
          <label htmlFor="dashboard-export-bar">{t(`dashboards.export.status.${job.status}`)}</label>
          <progress id="dashboard-export-bar" max={100} value={job.progress}>
            {job.progress} %
          </progress>
        </div>
      ) : null}
      <ProblemAlert error={error} />
    </section>
  );
}
