import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import { basisKey, measureWords, type MeasureView, type SelfAssessmentItemView, type SuggestionView } from './model';

// The pieces both self-assessment screens show: an item's reference, its status and Haven's measure.

/** The Protocol articles or good practices an item rests on, and the UNODC tool for a gap (its English title). */
export function Reference({ item }: { item: SelfAssessmentItemView }) {
  const { t } = useTranslation();
  return (
    <>
      <ul className="plain-list">
        {item.basis.map((basis) => {
          const { key, ref } = basisKey(basis);
          return <li key={basis}>{t(key, { ref })}</li>;
        })}
      </ul>
      <p className="muted">
        {t('selfAssessment.tool')}: <cite lang="en">{item.tool.title}</cite>
      </p>
    </>
  );
}

/** The status, where it comes from, and what needs the coordinator's eye. */
export function Status({ item }: { item: SelfAssessmentItemView }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      <strong className={`self-status self-status-${item.status ?? 'none'}`}>{item.status ? t(`selfAssessment.statuses.${item.status}`) : t('selfAssessment.unanswered')}</strong>
      {item.source !== 'none' ? <span className="muted"> ({t(`selfAssessment.source.${item.source}`)})</span> : null}
      {item.contradicted ? <p className="self-flag">{t('selfAssessment.contradicted')}</p> : null}
      {item.reviewDue && item.answer?.reviewDate ? <p className="self-flag">{t('selfAssessment.reviewDue', { date: format.date(item.answer.reviewDate) })}</p> : null}
    </>
  );
}

/** A measure in words: the share with its parts, or that it is hidden (fewer than k), or nothing yet. */
export function MeasureText({ measure, k }: { measure: MeasureView; k: number }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const words = measureWords(measure, k);
  switch (words.key) {
    case 'selfAssessment.evidence.nothing':
      return <>{t(words.key)}</>;
    case 'selfAssessment.evidence.hiddenSmall':
      return <>{t(words.key, { k: format.number(words.k) })}</>;
    case 'selfAssessment.evidence.hiddenShare':
      return <>{t(words.key, { k: format.number(words.k), denominator: format.number(words.denominator) })}</>;
    case 'selfAssessment.evidence.share': {
      const percent = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(words.share);
      return <>{t(words.key, { numerator: format.number(words.numerator), denominator: format.number(words.denominator), percent })}</>;
    }
  }
}

/** The measure of an item, what it suggests, or that Haven does not measure it. */
export function ItemMeasure({ item, k }: { item: SelfAssessmentItemView; k: number }) {
  const { t } = useTranslation();
  if (!item.measure) return <span className="muted">{t('selfAssessment.evidence.none')}</span>;
  return (
    <>
      <span>
        <MeasureText measure={item.measure} k={k} />
      </span>
      <Suggestion suggestion={item.suggestion} shown={!item.measure.suppressed && (item.measure.denominator ?? 0) > 0} />
    </>
  );
}

function Suggestion({ suggestion, shown }: { suggestion: SuggestionView; shown: boolean }) {
  const { t } = useTranslation();
  if (!shown) return null;
  return <p className="muted">{suggestion?.status ? t('selfAssessment.evidence.suggests', { status: t(`selfAssessment.statuses.${suggestion.status}`) }) : t('selfAssessment.evidence.tooFew')}</p>;
}

/** The coordinator's evidence text and responsible body, as written. */
export function AnswerText({ item }: { item: SelfAssessmentItemView }) {
  const { t } = useTranslation();
  const answer = item.answer;
  if (!answer || (!answer.evidence && !answer.responsibleBody)) return <span className="muted">—</span>;
  return (
    <dl className="definitions">
      {answer.evidence ? (
        <div>
          <dt>{t('selfAssessment.evidenceText')}</dt>
          <dd className="reason" dir="auto">
            {answer.evidence}
          </dd>
        </div>
      ) : null}
      {answer.responsibleBody ? (
        <div>
          <dt>{t('selfAssessment.responsibleBody')}</dt>
          <dd dir="auto">{answer.responsibleBody}</dd>
        </div>
      ) : null}
    </dl>
  );
}
