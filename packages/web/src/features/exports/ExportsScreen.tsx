import type { CsrfToken, ExportJobView as ExportJob } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { useMe } from '../../app/session';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { ExportStrings } from './strings';

/** The server's rule for a personal-data export's password (never stored; the ZIP is AES-256). */
const MIN_PASSWORD = 12;
const RUNNING = new Set(['queued', 'running']);

/** Saves a finished file through the browser (a POST: the CSRF token, and the password when personal). */
async function download(job: ExportJob, password?: string): Promise<void> {
  const { csrfToken } = await api<CsrfToken>('GET', '/api/auth/csrf');
  const response = await fetch(`/api/exports/${job.id}/download`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify(password ? { password } : {}),
  });
  if (!response.ok) {
    // The problem's own words, as every other call shows them.
    await api('POST', `/api/exports/${job.id}/download`, password ? { password } : {});
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  // The server names the file it sends (a personal export arrives as a ZIP, not as the CSV inside it).
  link.download = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? job.fileName ?? 'haven-export';
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * My exports: the case list and the trafficking referrals (HTCDS) of my agency for those who may
 * export personal data, and every export I asked for (the dashboards' indicators included) with its
 * progress, each downloaded here — a personal one only as a ZIP under a password given now.
 */
function ExportsContent() {
  const { t } = useTranslation();
  const mayExportCases = useMe().permissions.includes('case:export');
  const jobs = useQuery({ ...apiQuery<ExportJob[]>(queryKeys.exports(), '/api/exports'), refetchInterval: (query) => (query.state.data?.some((job) => RUNNING.has(job.status)) ? 1_000 : false) });
  const [error, setError] = useState<unknown>();
  const request = async (kind: 'case_list' | 'htcds') => {
    setError(undefined);
    try {
      await api<ExportJob>('POST', '/api/exports/cases', { kind });
    } catch (caught) {
      setError(caught);
    }
    await invalidate(queryKeys.exports());
  };
  return (
    <div className="page">
      <h1>{t('exports.title')}</h1>
      {mayExportCases ? (
        <section aria-labelledby="exports-cases-title">
          <h2 id="exports-cases-title">{t('exports.cases.title')}</h2>
          <p>{t('exports.cases.explain')}</p>
          <p className="case-todo-actions">
            <Button className="button" onPress={() => void request('case_list')} data-testid="export-case_list">
              {t('exports.kinds.case_list')}
            </Button>
            <Button className="button" onPress={() => void request('htcds')} data-testid="export-htcds">
              {t('exports.kinds.htcds')}
            </Button>
          </p>
          <ProblemAlert error={error} />
        </section>
      ) : null}
      <section aria-labelledby="exports-mine-title">
        <h2 id="exports-mine-title">{t('exports.mine.title')}</h2>
        <ProblemAlert error={jobs.error} />
        {jobs.data?.length === 0 ? <p>{t('exports.mine.none')}</p> : null}
        <ul className="case-obligations" data-testid="exports">
          {jobs.data?.map((job) => (
            <ExportItem key={job.id} job={job} />
          ))}
        </ul>
      </section>
    </div>
  );
}

function ExportItem({ job }: { job: ExportJob }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [error, setError] = useState<unknown>();
  const form = useForm<{ password: string }>({
    resolver: zodResolver(z.object({ password: z.string().min(MIN_PASSWORD, t('exports.mine.passwordRule', { count: MIN_PASSWORD })) })),
    defaultValues: { password: '' },
  });
  const save = async (password?: string) => {
    setError(undefined);
    try {
      await download(job, password);
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['password']));
    }
  };
  return (
    <li className="case-obligation" data-testid="export" data-status={job.status}>
      <p className="case-obligation-name">
        {t(`exports.kinds.${job.kind}`)} · {job.format.toUpperCase()} · {format.dateTime(job.createdAt)}
      </p>
      <p>
        {t(`exports.statuses.${job.status}`)}
        {job.records !== null ? ` · ${t('exports.mine.records', { count: job.records })}` : ''}
      </p>
      {RUNNING.has(job.status) ? (
        <progress max={100} value={job.progress} aria-label={t('exports.mine.progressOf', { what: t(`exports.kinds.${job.kind}`) })}>
          {job.progress} %
        </progress>
      ) : null}
      {job.error ? <p role="alert">{job.error}</p> : null}
      {job.status === 'done' && job.personal ? (
        <Form onSubmit={form.handleSubmit(({ password }) => save(password))} className="case-inline-form" aria-label={t('exports.mine.downloadOf', { what: t(`exports.kinds.${job.kind}`) })}>
          <TextInputField control={form.control} name="password" type="password" autoComplete="new-password" label={t('exports.mine.password')} description={t('exports.mine.passwordHint', { count: MIN_PASSWORD })} isRequired />
          <Button type="submit" className="button button-primary">
            {t('exports.mine.downloadZip')}
          </Button>
        </Form>
      ) : null}
      {job.status === 'done' && !job.personal ? (
        <Button className="button button-primary" onPress={() => void save()}>
          {t('exports.mine.download')}
        </Button>
      ) : null}
      <ProblemAlert error={error} />
    </li>
  );
}

export default function ExportsScreen() {
  return (
    <ExportStrings>
      <ExportsContent />
    </ExportStrings>
  );
}
