import { ENCOUNTER_TYPES } from '@haven/core/codes';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { ProblemAlert } from '../../app/ui/problem';
import { CaseStrings } from '../cases/strings';
import { ExportPanel } from './ExportPanel';
import { FIGURES, type FigureSpec } from './figures';
import { chartRows, drawnRows, filterQuery, measureRows, type DashboardFilter, type IndicatorReport } from './model';
import { useCodeName } from './names';
import './dashboards.css';

type Loading = { status: 'loading' } | { status: 'ready'; report: IndicatorReport } | { status: 'failed'; error: unknown };

/** Colour-blind-safe series colours (Okabe–Ito), in order. */
const SERIES = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];
const EMPTY: DashboardFilter = { from: '', to: '', area: '', encounterType: '' };

/** What a figure draws: rows with a `label` and one value per series (null: hidden), and how values read. */
interface Drawn {
  rows: Record<string, string | number | null>[];
  series: string[];
  unit: string;
}

/** The rows a figure draws from the report, or undefined when the report does not hold its table or measure. */
function drawnFrom(report: IndicatorReport, spec: FigureSpec): Drawn | undefined {
  if (spec.source === 'table') {
    const found = report.tables.find((table) => table.id === spec.id);
    if (!found) return undefined;
    const table = drawnRows(found);
    return { rows: chartRows(table), series: table.columns, unit: '' };
  }
  const measure = report.measures.find((m) => m.id === spec.id);
  if (!measure) return undefined;
  // A share of nothing due is no figure at all; the rest is drawn (null bars: hidden).
  const rows = measureRows(measure)
    .filter((row) => row.value !== 0 || measure.unit !== 'share')
    .map((row) => ({ label: row.label, [measure.unit]: row.value }));
  return { rows, series: [measure.unit], unit: measure.unit === 'share' ? ' %' : measure.unit === 'hours' ? ' h' : '' };
}

/** The chart, drawn for the eye and hidden from assistive technology (the table is the alternative). */
function Chart({ spec, drawn }: { spec: FigureSpec; drawn: Drawn }) {
  const { i18n } = useTranslation();
  const format = useFormat();
  const nameOf = useCodeName();
  const rtl = i18n.dir() === 'rtl';
  const rowName = (label: string) => nameOf(spec.rows, label);
  return (
    <div className="dashboard-chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={Math.max(220, Math.min(520, drawn.rows.length * 32 + 80))}>
        <BarChart data={drawn.rows} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 16 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" reversed={rtl} tickFormatter={(v: number) => format.number(v)} />
          <YAxis type="category" dataKey="label" width={190} orientation={rtl ? 'right' : 'left'} tickFormatter={rowName} />
          <Tooltip formatter={(v) => `${format.number(Number(v))}${drawn.unit}`} labelFormatter={(l) => rowName(String(l))} />
          {drawn.series.length > 1 ? <Legend formatter={(v: string) => nameOf(spec.columns, v)} /> : null}
          {drawn.series.map((key, i) => (
            <Bar key={key} dataKey={key} name={key} fill={SERIES[i % SERIES.length]} isAnimationActive={false} {...(spec.stacked ? { stackId: 'all' } : {})} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** The same numbers as a table, hidden cells said in words. */
function NumbersTable({ spec, drawn, title }: { spec: FigureSpec; drawn: Drawn; title: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const nameOf = useCodeName();
  const cell = (value: string | number | null | undefined) =>
    value === null || value === undefined ? (
      <>
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">{t('dashboards.suppressed')}</span>
      </>
    ) : (
      `${format.number(Number(value))}${drawn.unit}`
    );
  return (
    <details className="dashboard-table">
      <summary>{t('dashboards.showTable')}</summary>
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dashboards.category')}</th>
            {drawn.series.map((key) => (
              <th scope="col" key={key}>
                {nameOf(spec.columns, key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {drawn.rows.map((row) => (
            <tr key={String(row.label)}>
              <th scope="row">{nameOf(spec.rows, String(row.label))}</th>
              {drawn.series.map((key) => (
                <td key={key}>{cell(row[key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** One chart: its title, a sentence saying what it shows (and that some values are hidden, when they are), the chart and its table. */
function ChartFigure({ spec, report }: { spec: FigureSpec; report: IndicatorReport }) {
  const { t } = useTranslation();
  const drawn = drawnFrom(report, spec);
  if (!drawn) return null;
  const title = t(`dashboards.figures.${spec.id}`);
  const hidden = drawn.rows.some((row) => drawn.series.some((key) => row[key] === null));
  return (
    <figure className="dashboard-figure" aria-labelledby={`${spec.id}-title`} aria-describedby={`${spec.id}-about`} data-figure={spec.id}>
      <h2 id={`${spec.id}-title`}>{title}</h2>
      <p id={`${spec.id}-about`} className="dashboard-about">
        {t(`dashboards.about.${spec.id}`)}
        {hidden ? ` ${t('dashboards.someHidden', { k: report.k })}` : ''}
      </p>
      {drawn.rows.length === 0 ? (
        <p>{t('dashboards.nothing')}</p>
      ) : (
        <>
          <Chart spec={spec} drawn={drawn} />
          <NumbersTable spec={spec} drawn={drawn} title={title} />
        </>
      )}
    </figure>
  );
}

/** Which arrivals the indicators count: a row of labelled fields in the page's layout. */
function FilterForm({ onApply }: { onApply: (filter: DashboardFilter) => void }) {
  const { t } = useTranslation();
  const nameOf = useCodeName();
  const [draft, setDraft] = useState<DashboardFilter>(EMPTY);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  const field = (name: keyof DashboardFilter) => ({
    id: `dashboard-${name}`,
    name,
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }),
  });
  return (
    <form className="dashboard-filter" onSubmit={apply} aria-label={t('dashboards.filter')}>
      <div className="field">
        <label htmlFor="dashboard-from">{t('dashboards.from')}</label>
        <input type="date" {...field('from')} />
      </div>
      <div className="field">
        <label htmlFor="dashboard-to">{t('dashboards.to')}</label>
        <input type="date" {...field('to')} />
      </div>
      <div className="field">
        <label htmlFor="dashboard-area">{t('dashboards.area')}</label>
        <input type="text" {...field('area')} />
      </div>
      <div className="field">
        <label htmlFor="dashboard-encounterType">{t('dashboards.encounterType')}</label>
        <select {...field('encounterType')}>
          <option value="">{t('dashboards.allTypes')}</option>
          {ENCOUNTER_TYPES.map((type) => (
            <option key={type} value={type}>
              {nameOf('encounterType', type)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button button-primary">
        {t('dashboards.apply')}
      </button>
    </form>
  );
}

/** The indicator report for a filter, fetched again when the filter changes. */
function useIndicators(filter: DashboardFilter): Loading {
  const [loading, setLoading] = useState<Loading>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setLoading({ status: 'loading' });
    api<IndicatorReport>('GET', `/api/stats/indicators${filterQuery(filter)}`, undefined, { signal: controller.signal }).then(
      (report) => setLoading({ status: 'ready', report }),
      (error: unknown) => {
        if (!controller.signal.aborted) setLoading({ status: 'failed', error });
      },
    );
    return () => controller.abort();
  }, [filter]);
  return loading;
}

/**
 * Indicators for coordinators, supervisors and the oversight body: every number was suppressed
 * on the server (cells below k, and those that would give them away); this screen only draws them.
 */
function Dashboards() {
  const { t } = useTranslation();
  const format = useFormat();
  const [filter, setFilter] = useState<DashboardFilter>(EMPTY);
  const loading = useIndicators(filter);
  return (
    <div className="page dashboards">
      <h1>{t('dashboards.title')}</h1>
      <FilterForm onApply={setFilter} />
      {loading.status === 'loading' ? <p role="status">{t('app.loading')}</p> : null}
      {loading.status === 'failed' ? <ProblemAlert error={loading.error} /> : null}
      {loading.status === 'ready' ? (
        <>
          <p className="dashboard-note">
            {t('dashboards.suppressionNote', { k: loading.report.k })} {t('dashboards.generated', { at: format.dateTime(loading.report.generatedAt) })}
          </p>
          <ExportPanel filter={filter} />
          {FIGURES.map((spec) => (
            <ChartFigure key={spec.id} spec={spec} report={loading.report} />
          ))}
        </>
      ) : null}
    </div>
  );
}

export default function DashboardsScreen() {
  return (
    <CaseStrings>
      <Dashboards />
    </CaseStrings>
  );
}
