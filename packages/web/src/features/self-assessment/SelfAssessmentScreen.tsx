import { useQuery } from '@tanstack/react-query';
import type { SelfAssessmentEvidence, SelfAssessmentView } from '@haven/core/schemas';
import { SELF_ASSESSMENT_AREAS, type SelfAssessmentArea } from '@haven/core/self-assessment';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import '../../app/ui/desk.css';
import { itemPath, selfAssessmentPaths } from './model';
import { AnswerText, ItemMeasure, MeasureText, Reference, Status } from './parts';
import './self-assessment.css';
import { SelfAssessmentStrings } from './strings';

/** The gap report for download (PDF) or reading (HTML page): the session cookie goes with a plain link. */
function GapReport() {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="gap-report">
      <h2 id="gap-report">{t('selfAssessment.download.title')}</h2>
      <p>{t('selfAssessment.download.explain')}</p>
      <ul className="link-list self-downloads">
        <li>
          <a className="button button-primary" href={selfAssessmentPaths.pdf} download>
            {t('selfAssessment.download.pdf')}
          </a>
        </li>
        <li>
          <a href={selfAssessmentPaths.html} target="_blank" rel="noopener">
            {t('selfAssessment.download.html')}
          </a>
        </li>
      </ul>
    </section>
  );
}

/** How many items stand where: the answer's status, or else the measure's suggestion. */
function Counts({ counts }: { counts: SelfAssessmentView['counts'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const entries = [['in_place', 'partly', 'absent', 'not_applicable'].map((s) => [t(`selfAssessment.statuses.${s}`), counts[s as keyof typeof counts]] as const), [[t('selfAssessment.unanswered'), counts.unanswered] as const]].flat();
  return (
    <section aria-labelledby="self-counts">
      <h2 id="self-counts">{t('selfAssessment.counts')}</h2>
      <ul className="chips">
        {entries.map(([label, count]) => (
          <li key={label}>
            {label}: {format.number(count)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Every measure Haven takes from its records, with its period and the suppression rule. */
function EvidenceSummary({ evidence }: { evidence: SelfAssessmentEvidence }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section aria-labelledby="self-evidence">
      <h2 id="self-evidence">{t('selfAssessment.evidence.title')}</h2>
      <p className="muted">{t('selfAssessment.suppressionNote', { k: format.number(evidence.threshold) })}</p>
      <div className="table-scroll">
        <table className="self-table">
          <caption>{t('selfAssessment.evidence.caption', { at: format.dateTime(evidence.measuredAt) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('selfAssessment.evidence.indicator')}</th>
              <th scope="col">{t('selfAssessment.evidence.value')}</th>
            </tr>
          </thead>
          <tbody>
            {evidence.measures.map((measure) => (
              <tr key={measure.indicator}>
                <th scope="row">{t(`selfAssessment.indicators.${measure.indicator}`)}</th>
                <td>
                  <MeasureText measure={measure} k={evidence.threshold} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** One of the Framework's four tables: each item with its reference, status, answer and measure. */
function AreaTable({ area, view, mayAnswer }: { area: SelfAssessmentArea; view: SelfAssessmentView; mayAnswer: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const items = view.items.filter((item) => item.area === area);
  return (
    <section aria-labelledby={`area-${area}`}>
      <h2 id={`area-${area}`}>{t(`selfAssessment.areas.${area}`)}</h2>
      <div className="table-scroll">
        <table className="self-table">
          <thead>
            <tr>
              <th scope="col">{t('selfAssessment.table.item')}</th>
              <th scope="col">{t('selfAssessment.table.reference')}</th>
              <th scope="col">{t('selfAssessment.table.status')}</th>
              <th scope="col">{t('selfAssessment.table.answer')}</th>
              <th scope="col">{t('selfAssessment.table.measured')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <th scope="row" className="self-item">
                  <Link to={itemPath(item.id)} aria-label={t(mayAnswer ? 'selfAssessment.table.openAnswer' : 'selfAssessment.table.open', { id: item.id })}>
                    {item.id}
                  </Link>
                  <p lang="en" dir="ltr">
                    {item.text}
                  </p>
                </th>
                <td>
                  <Reference item={item} />
                </td>
                <td>
                  <Status item={item} />
                </td>
                <td>
                  <AnswerText item={item} />
                </td>
                <td>
                  <ItemMeasure item={item} k={view.threshold} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">{t('selfAssessment.period', { at: format.dateTime(view.measuredAt) })}</p>
    </section>
  );
}

function SelfAssessmentBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const mayAnswer = me.permissions.includes('self_assessment:answer');
  const view = useQuery(apiQuery<SelfAssessmentView>(queryKeys.selfAssessment(), selfAssessmentPaths.view));
  const evidence = useQuery(apiQuery<SelfAssessmentEvidence>(queryKeys.selfAssessmentEvidence(), selfAssessmentPaths.evidence));
  return (
    <div className="page desk self-assessment">
      <h1>{t('selfAssessment.title')}</h1>
      <ProblemAlert error={view.error ?? evidence.error} />
      {view.data ? (
        <>
          <p>{t('selfAssessment.intro', { jurisdiction: view.data.jurisdictionName })}</p>
          <p className="muted">
            {t('selfAssessment.period', { at: format.dateTime(view.data.measuredAt) })} {t('selfAssessment.englishItems')}
          </p>
          {mayAnswer ? null : <p className="alert">{t('selfAssessment.readOnly')}</p>}
          <GapReport />
          <Counts counts={view.data.counts} />
          {evidence.data ? <EvidenceSummary evidence={evidence.data} /> : null}
          {SELF_ASSESSMENT_AREAS.map((area) => (
            <AreaTable key={area} area={area} view={view.data} mayAnswer={mayAnswer} />
          ))}
        </>
      ) : view.error ? null : (
        <p role="status">{t('app.loading')}</p>
      )}
    </div>
  );
}

export default function SelfAssessmentScreen() {
  return (
    <SelfAssessmentStrings>
      <SelfAssessmentBody />
    </SelfAssessmentStrings>
  );
}
