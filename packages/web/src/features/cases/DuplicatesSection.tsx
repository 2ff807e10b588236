import { useQuery } from '@tanstack/react-query';
import type { LikelyDuplicate, LikelyDuplicates, MergedInto, PersonMerge } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { api, ApiProblem } from '../../app/api';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { ChoiceField, TextInputField } from '../../app/ui/fields';
import { MatchesElsewhere } from '../../app/ui/match-elsewhere';
import { MatchReasons } from '../../app/ui/match-reasons';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { caseReads } from './queries';
import { personName, shortId, type Person } from './model';

/** A person as named on this screen: their recorded name, or the case's short reference. */
function labelOf(t: TFunction, personId: string, person: Person | undefined): string {
  const name = personName(person?.fields);
  return name ? t('cases.duplicates.named', { name, id: shortId(personId) }) : t('cases.unnamed', { id: shortId(personId) });
}

/** What a merge moved to the surviving record, table by table. */
function MovedRows({ moved }: { moved: Record<string, number> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const rows = Object.entries(moved).filter(([, count]) => count > 0);
  if (rows.length === 0) return <p>{t('cases.duplicates.movedNothing')}</p>;
  return (
    <>
      <p>{t('cases.duplicates.movedTitle')}</p>
      <ul data-testid="merge-moved">
        {rows.map(([table, count]) => (
          <li key={table} data-table={table}>
            {t('cases.duplicates.movedRow', { what: t(`cases.duplicates.tables.${table}`, { defaultValue: table }), count: format.number(count) })}
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * The last merge or unmerge made from this screen, with the undo: a wrong merge is worse than a
 * missed one, so taking it back is one press away.
 */
function MergeResult({ merge, labels, onUndone }: { merge: PersonMerge; labels: (id: string) => string; onUndone: (merge: PersonMerge) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const undo = async () => {
    setError(undefined);
    setBusy(true);
    try {
      onUndone(await api<PersonMerge>('POST', `/api/person-merges/${merge.id}/unmerge`));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const names = { survivor: labels(merge.survivorId), merged: labels(merge.mergedId) };
  return (
    <div className={`alert ${merge.unmergedAt ? 'alert-ok' : 'alert-warning'}`} data-testid="merge-result" data-merge-id={merge.id} data-state={merge.unmergedAt ? 'unmerged' : 'merged'}>
      <p role="status" className="alert-title">
        {merge.unmergedAt ? t('cases.duplicates.unmerged', names) : t('cases.duplicates.merged', names)}
      </p>
      {merge.unmergedAt ? null : (
        <>
          <MovedRows moved={merge.moved} />
          <Button className="button" onPress={() => void undo()} isDisabled={busy} data-testid="unmerge">
            {t('cases.duplicates.undo')}
          </Button>
        </>
      )}
      <ProblemAlert error={error} />
    </div>
  );
}

const mergeSchema = (t: TFunction) =>
  z.object({
    survivor: z.enum(['this', 'other']),
    reason: z.string().trim().min(10, t('cases.reasonTooShort')).max(1000),
  });
type MergeForm = z.infer<ReturnType<typeof mergeSchema>>;

/**
 * A supervisor merges two records: which one stays, and why, in writing; then a confirmation that
 * names the record that survives and the one that goes into it, before anything is sent.
 */
function MergeForm({ personId, other, labels, onMerged }: { personId: string; other: string; labels: (id: string) => string; onMerged: (merge: PersonMerge) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [confirming, setConfirming] = useState<MergeForm>();
  const [busy, setBusy] = useState(false);
  const form = useForm<MergeForm>({ resolver: zodResolver(mergeSchema(t)), defaultValues: { survivor: 'this', reason: '' } });
  const review = form.handleSubmit((values) => {
    setError(undefined);
    setConfirming(values);
  });
  const survivorId = confirming?.survivor === 'other' ? other : personId;
  const mergedId = survivorId === personId ? other : personId;
  const confirm = async () => {
    if (!confirming) return;
    setBusy(true);
    try {
      onMerged(await api<PersonMerge>('POST', `/api/persons/${survivorId}/merge`, { duplicateId: mergedId, reason: confirming.reason.trim() }));
    } catch (failure) {
      setConfirming(undefined);
      setError(applyProblem(failure, form.setError, ['reason']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="case-panel" data-testid="merge-panel">
      <summary>{t('cases.duplicates.merge')}</summary>
      {confirming ? (
        <div role="group" aria-labelledby={`merge-confirm-${other}`} data-testid="merge-confirm">
          <p id={`merge-confirm-${other}`}>
            <strong>{t('cases.duplicates.confirm', { survivor: labels(survivorId), merged: labels(mergedId) })}</strong>
          </p>
          <p>{t('cases.duplicates.confirmExplain')}</p>
          <div className="case-actions">
            <Button className="button button-primary" onPress={() => void confirm()} isDisabled={busy} data-testid="confirm-merge">
              {t('cases.duplicates.confirmMerge', { survivor: labels(survivorId) })}
            </Button>
            <Button className="button" onPress={() => setConfirming(undefined)} isDisabled={busy}>
              {t('cases.duplicates.back')}
            </Button>
          </div>
        </div>
      ) : (
        <Form onSubmit={review} validationBehavior="aria">
          <ChoiceField
            control={form.control}
            name="survivor"
            label={t('cases.duplicates.survivor')}
            options={[
              { value: 'this', label: labels(personId) },
              { value: 'other', label: labels(other) },
            ]}
          />
          <TextInputField control={form.control} name="reason" label={t('cases.writtenReason')} description={t('cases.reasonHint')} multiline isRequired />
          <ProblemAlert error={error} />
          <Button type="submit" className="button" data-testid="review-merge">
            {t('cases.duplicates.review')}
          </Button>
        </Form>
      )}
    </details>
  );
}

function DuplicateItem({
  personId,
  self,
  duplicate,
  mayMerge,
  onMerged,
}: {
  personId: string;
  self: Person | undefined;
  duplicate: LikelyDuplicate;
  mayMerge: boolean;
  onMerged: (merge: PersonMerge, labels: (id: string) => string) => void;
}) {
  const { t, i18n } = useTranslation();
  const other = useQuery(caseReads.person(duplicate.personId));
  const labels = (id: string) => labelOf(t, id, id === personId ? self : other.data);
  return (
    <li className="case-obligation" data-testid="duplicate" data-person-id={duplicate.personId}>
      <p>
        <Link to={`/cases/${duplicate.personId}`} className="case-obligation-name">
          {labels(duplicate.personId)}
        </Link>{' '}
        · <span data-testid="duplicate-score">{t('cases.duplicates.score', { score: new Intl.NumberFormat(i18n.language, { style: 'percent' }).format(duplicate.score) })}</span>
      </p>
      <MatchReasons duplicate={duplicate} className="case-basis" />
      {mayMerge ? <MergeForm personId={personId} other={duplicate.personId} labels={labels} onMerged={(merge) => onMerged(merge, labels)} /> : null}
    </li>
  );
}

/**
 * "Possible duplicates": records the matcher finds likely to be this person, among those the
 * reader may see, best first and with its reasons. A supervisor (person:merge) merges one with a
 * written reason and can undo it. A role that may not compare identities (403) sees a short note.
 */
export function DuplicatesSection({ personId, person, onChanged }: { personId: string; person: Person | undefined; onChanged: (merge: PersonMerge) => void }) {
  const { t } = useTranslation();
  const mayMerge = useMe().permissions.includes('person:merge');
  const duplicates = useQuery(apiQuery<LikelyDuplicates>(queryKeys.duplicates(personId), `/api/persons/${personId}/duplicates`));
  const [merge, setMerge] = useState<PersonMerge>();
  const [labelsOfMerge, setLabelsOfMerge] = useState<Record<string, string>>({});
  const changed = (next: PersonMerge, labels?: (id: string) => string) => {
    if (labels) setLabelsOfMerge({ [next.survivorId]: labels(next.survivorId), [next.mergedId]: labels(next.mergedId) });
    setMerge(next);
    onChanged(next);
  };
  const forbidden = duplicates.error instanceof ApiProblem && duplicates.error.status === 403;
  // A merged-away record is not matched any more (404): the banner above says where it went.
  const gone = duplicates.error instanceof ApiProblem && duplicates.error.status === 404;
  if (gone && !merge) return null;
  const items = duplicates.data?.items;
  return (
    <section aria-labelledby="duplicates-title" data-testid="duplicates">
      <h2 id="duplicates-title">{t('cases.duplicates.title')}</h2>
      {merge ? <MergeResult merge={merge} labels={(id) => labelsOfMerge[id] ?? t('cases.unnamed', { id: shortId(id) })} onUndone={(undone) => changed(undone)} /> : null}
      {forbidden ? <p data-testid="duplicates-not-allowed">{t('cases.duplicates.notAllowed')}</p> : gone ? null : <ProblemAlert error={duplicates.error} />}
      {items && items.length === 0 ? <p data-testid="duplicates-none">{t('cases.duplicates.none')}</p> : null}
      <MatchesElsewhere personId={personId} matches={duplicates.data?.elsewhere} />
      {items && items.length > 0 ? (
        <ul className="case-obligations" data-testid="duplicate-list">
          {items.map((duplicate) => (
            <DuplicateItem key={duplicate.personId} personId={personId} self={person} duplicate={duplicate} mayMerge={mayMerge} onMerged={changed} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/**
 * On a record merged into another: where it went, and (for a supervisor) the undo. What the screen
 * shows below is the record as it was when merged; its case continues on the surviving record.
 */
export function MergedIntoNotice({ state, onUndone }: { state: MergedInto | undefined; onUndone: () => void }) {
  const { t } = useTranslation();
  const mayMerge = useMe().permissions.includes('person:merge');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (!state?.mergedInto) return null;
  const undo = async () => {
    if (!state.mergeId) return;
    setError(undefined);
    setBusy(true);
    try {
      await api<PersonMerge>('POST', `/api/person-merges/${state.mergeId}/unmerge`);
      onUndone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="alert alert-warning" data-testid="merged-into" data-merged-into={state.mergedInto}>
      <p className="alert-title">{t('cases.duplicates.mergedAway')}</p>
      <p>
        <Link to={`/cases/${state.mergedInto}`} data-testid="merged-into-link">
          {t('cases.duplicates.openSurvivor', { id: shortId(state.mergedInto) })}
        </Link>
      </p>
      {mayMerge && state.mergeId ? (
        <Button className="button" onPress={() => void undo()} isDisabled={busy} data-testid="merged-into-undo">
          {t('cases.duplicates.undo')}
        </Button>
      ) : null}
      <ProblemAlert error={error} />
    </div>
  );
}
