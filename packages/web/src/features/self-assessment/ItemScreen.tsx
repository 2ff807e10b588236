import { useQuery } from '@tanstack/react-query';
import type { SelfAssessmentAnswerView, SelfAssessmentView } from '@haven/core/schemas';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useFormat } from '../../app/format';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import '../../app/ui/desk.css';
import { AnswerForm } from './AnswerForm';
import { selfAssessmentPaths, type SelfAssessmentItemView } from './model';
import { AnswerText, ItemMeasure, Reference, Status } from './parts';
import './self-assessment.css';
import { SelfAssessmentStrings } from './strings';

/** Every version of the answer, newest first: who (by name), when, what. */
function History({ itemId }: { itemId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const history = useQuery(apiQuery<SelfAssessmentAnswerView[]>(queryKeys.selfAssessmentHistory(itemId), `/api/self-assessment/items/${itemId}/answers`));
  return (
    <section aria-labelledby="self-history">
      <h2 id="self-history">{t('selfAssessment.history.title')}</h2>
      <ProblemAlert error={history.error} />
      {history.data?.length === 0 ? <p>{t('selfAssessment.history.empty')}</p> : null}
      <ol className="self-history" aria-labelledby="self-history">
        {history.data?.map((answer) => (
          <li key={answer.version}>
            <p>
              <strong>{t('selfAssessment.item.version', { version: answer.version, name: answer.answeredByName ?? t('selfAssessment.item.unknownUser'), at: format.dateTime(answer.answeredAt) })}</strong>
            </p>
            <AnswerDetails answer={answer} />
          </li>
        ))}
      </ol>
    </section>
  );
}

function AnswerDetails({ answer }: { answer: SelfAssessmentAnswerView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const rows: [string, string, boolean][] = [[t('selfAssessment.form.status'), t(`selfAssessment.statuses.${answer.status}`), false]];
  if (answer.evidence) rows.push([t('selfAssessment.evidenceText'), answer.evidence, true]);
  if (answer.responsibleBody) rows.push([t('selfAssessment.responsibleBody'), answer.responsibleBody, true]);
  if (answer.reviewDate) rows.push([t('selfAssessment.reviewDate'), format.date(answer.reviewDate), false]);
  return (
    <dl className="definitions">
      {rows.map(([label, value, written]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd className={written ? 'reason' : undefined} dir={written ? 'auto' : undefined}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The item: its wording (English, as the gap report), reference, status, answer and measure. */
function ItemFacts({ item, k }: { item: SelfAssessmentItemView; k: number }) {
  const { t } = useTranslation();
  return (
    <>
      <p className="self-item-text" lang="en" dir="ltr">
        {item.text}
      </p>
      <p className="muted">{t(`selfAssessment.areas.${item.area}`)}</p>
      <dl className="definitions">
        <div>
          <dt>{t('selfAssessment.table.reference')}</dt>
          <dd>
            <Reference item={item} />
          </dd>
        </div>
        <div>
          <dt>{t('selfAssessment.item.current')}</dt>
          <dd>
            <Status item={item} />
            {item.answer ? <AnswerText item={item} /> : <p>{t('selfAssessment.item.noAnswer')}</p>}
          </dd>
        </div>
        <div>
          <dt>{t('selfAssessment.table.measured')}</dt>
          <dd>
            <ItemMeasure item={item} k={k} />
          </dd>
        </div>
      </dl>
    </>
  );
}

function ItemBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const { itemId = '' } = useParams();
  const me = useMe();
  const view = useQuery(apiQuery<SelfAssessmentView>(queryKeys.selfAssessment(), selfAssessmentPaths.view));
  const item = view.data?.items.find((entry) => entry.id === itemId);
  return (
    <div className="page desk self-assessment">
      <p>
        <Link to="/self-assessment">{t('selfAssessment.item.back')}</Link>
      </p>
      <h1>{t('selfAssessment.item.title', { id: itemId })}</h1>
      <ProblemAlert error={view.error} />
      {view.data && !item ? <p role="alert">{t('selfAssessment.item.notFound')}</p> : null}
      {!view.data && !view.error ? <p role="status">{t('app.loading')}</p> : null}
      {view.data && item ? (
        <>
          <ItemFacts item={item} k={view.data.threshold} />
          <p className="muted">{t('selfAssessment.period', { at: format.dateTime(view.data.measuredAt) })}</p>
          {me.permissions.includes('self_assessment:answer') ? <AnswerForm item={item} /> : <p className="alert">{t('selfAssessment.readOnly')}</p>}
          <History itemId={item.id} />
        </>
      ) : null}
    </div>
  );
}

export default function ItemScreen() {
  return (
    <SelfAssessmentStrings>
      <ItemBody />
    </SelfAssessmentStrings>
  );
}
