import { ENCOUNTER_TYPES } from '@haven/core/codes';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { useObligationTitle } from '../../app/obligations';
import { ProblemAlert } from '../../app/ui/problem';
import { ExportPanel } from './ExportPanel';
import { chartRows, drawnRows, filterQuery, measureRows, type DashboardFilter, type IndicatorReport, type IndicatorTable } from './model';
import './dashboards.css';

type Loading = { status: 'loading' } | { status: 'ready'; report: IndicatorReport } | { status: 'failed'; error: unknown };

/** Colour-blind-safe series colours (Okabe–Ito), in order. */
const SERIES = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];
const EMPTY: DashboardFilter = { from: '', to: '', area: '', encounterType: '' };

/** A code as words when nothing better is known (`info.rights` → `info rights`). */
const words = (code: string) => code.replace(/[._]/g, ' ');

interface FigureProps {
  id: string;
  title: string;
  /** Rows with a `label` and one numeric (or null: suppressed) value per series. */
  rows: Record<string, string | number | null>[];
  series: string[];
  stacked?: boolean;
  unit?: string;
  /** The words of a row's label (an obligation's title for the measures by obligation). */
  labelOf?: (label: string) => string;
}

/**
 * A chart and the same numbers as a table. The chart is drawn for the eye and hidden from
 * assistive technology; the table (with suppressed cells said in words) is the alternative.
 */
function ChartFigure({ id, title, rows, series, stacked = false, unit = '', labelOf = words }: FigureProps) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const rtl = i18n.dir() === 'rtl';
  const cell = (value: string | number | null | undefined) =>
    value === null || value === undefined ? (
      <>
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">{t('dashboards.suppressed')}</span>
      </>
    ) : (
      `${format.number(Number(value))}${unit}`
    );
  return (
    <figure className="dashboard-figure" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {rows.length === 0 ? (
        <p>{t('dashboards.nothing')}</p>
      ) : (
        <>
          <div className="dashboard-chart" aria-hidden="true">
            <ResponsiveContainer width="100%" height={Math.max(220, Math.min(480, rows.length * 28 + 80))}>
              <BarChart data={rows} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 16 }} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" reversed={rtl} tickFormatter={(v: number) => format.number(v)} />
                <YAxis type="category" dataKey="label" width={150} orientation={rtl ? 'right' : 'left'} tickFormatter={labelOf} />
                <Tooltip formatter={(v) => `${format.number(Number(v))}${unit}`} labelFormatter={(l) => labelOf(String(l))} />
                {series.length > 1 ? <Legend formatter={(v: string) => words(v)} /> : null}
                {series.map((key, i) => (
                  <Bar key={key} dataKey={key} name={key} fill={SERIES[i % SERIES.length]} isAnimationActive={false} {...(stacked ? { stackId: 'all' } : {})} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <details className="dashboard-table">
            <summary>{t('dashboards.showTable')}</summary>
            <table>
              <caption>{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dashboards.category')}</th>
                  {series.map((key) => (
                    <th scope="col" key={key}>
                      {words(key)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={String(row.label)}>
                    <th scope="row">{labelOf(String(row.label))}</th>
                    {series.map((key) => (
                      <td key={key}>{cell(row[key])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </figure>
  );
}

function tableFigure(report: IndicatorReport, id: string, title: string, stacked = true, labelOf?: (label: string) => string) {
  const found = report.tables.find((table) => table.id === id);
  if (!found) return null;
  const table: IndicatorTable = drawnRows(found);
  return <ChartFigure key={id} id={id} title={title} rows={chartRows(table)} series={table.columns} stacked={stacked} labelOf={labelOf} />;
}

function measureFigure(report: IndicatorReport, id: string, title: string, labelOf?: (label: string) => string) {
  const measure = report.measures.find((m) => m.id === id);
  if (!measure) return null;
  const rows = measureRows(measure).filter((row) => row.value !== 0 || measure.unit !== 'share');
  return <ChartFigure key={id} id={id} title={title} rows={rows} series={['value']} unit={measure.unit === 'share' ? ' %' : measure.unit === 'hours' ? ' h' : ''} labelOf={labelOf} />;
}

/**
 * Indicators for coordinators, supervisors and the oversight body: every number was suppressed
 * on the server (cells below k, and those that would give them away); this screen only draws them.
 */
export default function DashboardsScreen() {
  const { t } = useTranslation();
  const titleOf = useObligationTitle();
  const format = useFormat();
  const [draft, setDraft] = useState<DashboardFilter>(EMPTY);
  const [filter, setFilter] = useState<DashboardFilter>(EMPTY);
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

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
  };
  const field = (name: keyof DashboardFilter) => ({
    id: `dashboard-${name}`,
    name,
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }),
  });

  return (
    <div className="page dashboards">
      <h1>{t('dashboards.title')}</h1>
      <form className="dashboard-filter" onSubmit={apply} aria-label={t('dashboards.filter')}>
        <div>
          <label htmlFor="dashboard-from">{t('dashboards.from')}</label>
          <input type="date" {...field('from')} />
        </div>
        <div>
          <label htmlFor="dashboard-to">{t('dashboards.to')}</label>
          <input type="date" {...field('to')} />
        </div>
        <div>
          <label htmlFor="dashboard-area">{t('dashboards.area')}</label>
          <input type="text" {...field('area')} />
        </div>
        <div>
          <label htmlFor="dashboard-encounterType">{t('dashboards.encounterType')}</label>
          <select {...field('encounterType')}>
            <option value="">{t('dashboards.allTypes')}</option>
            {ENCOUNTER_TYPES.map((type) => (
              <option key={type} value={type}>
                {words(type)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button-primary">
          {t('dashboards.apply')}
        </button>
      </form>
      {loading.status === 'loading' ? <p role="status">{t('app.loading')}</p> : null}
      {loading.status === 'failed' ? <ProblemAlert error={loading.error} /> : null}
      {loading.status === 'ready' ? (
        <>
          <p className="dashboard-note">
            {t('dashboards.suppressionNote', { k: loading.report.k })} {t('dashboards.generated', { at: format.dateTime(loading.report.generatedAt) })}
          </p>
          <ExportPanel filter={filter} />
          {tableFigure(loading.report, 'arrivals_by_month_and_encounter_type', t('dashboards.arrivalsByMonth'))}
          {tableFigure(loading.report, 'arrivals_by_age_band_and_sex', t('dashboards.arrivalsByAge'))}
          {tableFigure(loading.report, 'dead_and_missing_by_encounter_type', t('dashboards.deadMissing'), false)}
          {measureFigure(loading.report, 'protection_in_time', t('dashboards.protectionInTime'), titleOf)}
          {measureFigure(loading.report, 'obligations_share_fulfilled_in_time', t('dashboards.obligationsInTime'), titleOf)}
          {measureFigure(loading.report, 'obligations_median_hours_to_fulfil', t('dashboards.obligationsMedian'), titleOf)}
          {tableFigure(loading.report, 'obligations_missed_by_code', t('dashboards.missed'), false, titleOf)}
          {measureFigure(loading.report, 'referrals_acceptance_rate', t('dashboards.referralsAccepted'))}
          {tableFigure(loading.report, 'detentions_by_age_group', t('dashboards.detentions'))}
          {tableFigure(loading.report, 'guard_overrides_by_action', t('dashboards.overrides'), false)}
          {tableFigure(loading.report, 'allegations_by_status', t('dashboards.allegations'), false)}
          {tableFigure(loading.report, 'service_gaps_by_service_and_area', t('dashboards.serviceGaps'))}
        </>
      ) : null}
    </div>
  );
}
