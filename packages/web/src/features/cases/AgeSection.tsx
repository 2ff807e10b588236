import type { AgeAssessmentView, AgeChallengeView, PersonFields } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import { AssessmentForm, ChallengeForm, DecisionForm } from './AgeForms';
import { ageUsed, pendingChallenge } from './age-model';
import type { CaseAction, CaseAsk } from './model';
import { caseReads } from './queries';

/**
 * The person's age: claimed, assessed (each assessment with its reviews and appeals and their
 * outcome), and in words which age the engine uses and why, the benefit of the doubt included.
 * An officer records an assessment, a challenge of the latest one, and the decision on it.
 */
export function AgeSection({
  personId,
  fields,
  flags,
  asked,
  onChange,
}: {
  personId: string;
  fields: PersonFields | undefined;
  /** The engine's flags on the current facts (child, age_disputed). */
  flags: readonly string[] | undefined;
  /** Asked from the to-do list: the assessment form opens. */
  asked?: CaseAsk<Extract<CaseAction, { kind: 'record' }>> | undefined;
  onChange: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const mayManage = useMe().permissions.includes('case:manage');
  const assessments = useQuery(caseReads.ageAssessments(personId));
  const list = assessments.data ?? [];
  const latest = list.at(-1);
  const pending = pendingChallenge(list);
  // A decision refused as stale (someone else decided first) stays said after the form is gone.
  const [conflict, setConflict] = useState<unknown>();
  return (
    <section aria-labelledby="age-title" data-testid="age-section">
      <h2 id="age-title">{t('cases.age.title')}</h2>
      <ProblemAlert error={assessments.error} />
      <dl className="case-facts">
        <div>
          <dt>{t('cases.age.claimed')}</dt>
          <dd data-testid="age-claimed">{fields?.ageClaimed !== undefined ? format.number(fields.ageClaimed) : t('cases.age.claimedNone')}</dd>
        </div>
        <div>
          <dt>{t('cases.age.dispute')}</dt>
          <dd>{flags?.includes('age_disputed') ? t('cases.age.disputed') : t('cases.age.notDisputed')}</dd>
        </div>
      </dl>
      {assessments.data ? <AgeUsedText assessments={list} fields={fields} flags={flags} /> : null}
      <h3>{t('cases.age.assessments')}</h3>
      {assessments.data && list.length === 0 ? <p>{t('cases.age.none')}</p> : null}
      <ul className="case-history" data-testid="age-assessments">
        {[...list].reverse().map((assessment) => (
          <AssessmentEntry key={assessment.id} assessment={assessment} />
        ))}
      </ul>
      {mayManage ? (
        <>
          <AssessmentForm personId={personId} asked={asked} onChange={onChange} />
          {latest && !pending ? <ChallengeForm key={`${latest.id}-${latest.challenges.length}`} personId={personId} assessmentId={latest.id} onChange={onChange} /> : null}
          {pending ? <DecisionForm key={pending.id} personId={personId} challenge={pending} onChange={onChange} onConflict={setConflict} /> : null}
          <ProblemAlert error={conflict} />
        </>
      ) : null}
    </section>
  );
}

/** Which age the engine uses and why, in plain words, and whether the person is treated as a child. */
function AgeUsedText({ assessments, fields, flags }: { assessments: readonly AgeAssessmentView[]; fields: PersonFields | undefined; flags: readonly string[] | undefined }) {
  const { t } = useTranslation();
  const used = ageUsed(assessments, fields);
  const challenge = used.challenge ? t(`cases.age.challengeNames.${used.challenge.kind}`) : '';
  return (
    <div className="alert alert-info" data-testid="age-used">
      <p>
        <strong>{t('cases.age.usedTitle')}</strong> {t(`cases.age.used.${used.key}`, { age: used.age, challenge })}
      </p>
      {flags ? <p data-testid="age-treated">{flags.includes('child') ? t('cases.age.treatedChild') : t('cases.age.treatedAdult')}</p> : null}
    </div>
  );
}

/** One assessment: range, method, date, by whom; then each review or appeal and its outcome. */
function AssessmentEntry({ assessment }: { assessment: AgeAssessmentView }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <li data-testid="age-assessment">
      <strong>{t('cases.age.range', { min: assessment.minAge, max: assessment.maxAge })}</strong> · {t(`cases.age.methods.${assessment.method}`, { defaultValue: assessment.method })} ·{' '}
      <time dateTime={assessment.assessedOn}>{format.date(assessment.assessedOn)}</time> · {t('cases.age.by', { name: assessment.assessor })}
      {assessment.challenges.length > 0 ? (
        <ul>
          {assessment.challenges.map((challenge) => (
            <ChallengeEntry key={challenge.id} challenge={challenge} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function ChallengeEntry({ challenge }: { challenge: AgeChallengeView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const outcome = challenge.outcome === 'new_range' ? t('cases.age.outcomes.new_range', { min: challenge.minAge, max: challenge.maxAge }) : challenge.outcome ? t(`cases.age.outcomes.${challenge.outcome}`) : '';
  return (
    <li data-testid="age-challenge" data-outcome={challenge.outcome ?? 'pending'}>
      {t('cases.age.lodged', { challenge: t(`cases.age.challengeKinds.${challenge.kind}`), date: format.date(challenge.lodgedOn), party: t(`cases.age.parties.${challenge.lodgedBy}`) })}
      {' — '}
      {challenge.outcome ? (
        t('cases.age.decided', { outcome, date: format.date(challenge.decidedOn!), body: challenge.decidedBy })
      ) : (
        <strong>{t('cases.age.pending')}</strong>
      )}
    </li>
  );
}
