import { PROTECTION_MEASURE_TYPES } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { newIdempotencyKey } from '../../app/idempotency';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { shortReference } from '../../app/reference';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import type { JusticeLink, ProtectionMeasure } from './model';
import { nameOf } from './persons';

const measureForm = z.object({ type: z.enum(PROTECTION_MEASURE_TYPES), notes: z.string().trim().max(2000), reviewOn: z.union([z.literal(''), z.iso.date()]) });
const reviewForm = z.object({ reviewOn: z.union([z.literal(''), z.iso.date()]) });
const reachForm = z.object({ reachHow: z.string().trim().max(500) });

/** Today's date (YYYY-MM-DD, UTC), against which a review date is overdue. */
const today = (): string => new Date().toISOString().slice(0, 10);

/** The name of a linked person, as far as the justice link lets this agency see it. */
export function PersonName({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const person = useQuery(apiQuery<{ fields: Record<string, unknown> }>(queryKeys.personRecord(personId), `/api/persons/${personId}`));
  return <>{nameOf(person.data?.fields) ?? t('justice.links.unnamed', { label: shortReference(personId) })}</>;
}

/** When a measure is next reviewed, in words: due on a date, or overdue since it. */
export function ReviewText({ reviewOn }: { reviewOn: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (!reviewOn) return <>{t('justice.measures.noReview')}</>;
  const date = format.date(`${reviewOn}T00:00:00Z`);
  return reviewOn < today() ? <strong className="overdue">{t('justice.measures.reviewOverdue', { date })}</strong> : <>{t('justice.measures.reviewDue', { date })}</>;
}

/** A measure's decision and its next review, by the investigating agency (with the version read). */
function MeasureRow({ measure, onChanged }: { measure: ProtectionMeasure; onChanged: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(reviewForm), defaultValues: { reviewOn: measure.reviewOn ?? '' } });
  const change = async (body: Record<string, unknown>) => {
    setError(undefined);
    try {
      await api('PATCH', `/api/protection-measures/${measure.id}`, { version: measure.version, ...body });
      onChanged();
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['reviewOn']));
    }
  };
  const review = form.handleSubmit((values) => change({ reviewOn: values.reviewOn || null }));
  const type = t(`justice.measures.types.${measure.type}`);
  return (
    <li>
      <strong>{type}</strong> · {t(`justice.measures.statuses.${measure.status}`)} · {format.date(measure.decidedAt ?? measure.requestedAt)} · <ReviewText reviewOn={measure.reviewOn} />
      {measure.notes ? <div className="reason">{measure.notes}</div> : null}
      {measure.status === 'requested' ? (
        <div className="actions">
          <Button className="button" onPress={() => void change({ status: 'granted' })} aria-label={t('justice.measures.grantOf', { type })}>
            {t('justice.measures.grant')}
          </Button>
          <Button className="button" onPress={() => void change({ status: 'refused' })} aria-label={t('justice.measures.refuseOf', { type })}>
            {t('justice.measures.refuse')}
          </Button>
        </div>
      ) : null}
      <Form onSubmit={review} validationBehavior="aria" aria-label={t('justice.measures.reviewOf', { type })} className="inline-form">
        <TextInputField control={form.control} name="reviewOn" type="date" label={t('justice.measures.reviewOn')} />
        <Button type="submit" className="button">
          {t('justice.measures.setReview')}
        </Button>
      </Form>
      <ProblemAlert error={error} />
    </li>
  );
}

/** Whether the person remains reachable, how to reach them and when that was last confirmed. */
function Reachability({ link, onChanged }: { link: JusticeLink; onChanged: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(reachForm), defaultValues: { reachHow: link.reachHow ?? '' } });
  const change = async (body: Record<string, unknown>) => {
    setError(undefined);
    try {
      await api('PATCH', `/api/justice-links/${link.id}`, { version: link.version, ...body });
      onChanged();
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['reachHow']));
    }
  };
  const confirm = form.handleSubmit((values) => change({ reachable: true, reachHow: values.reachHow || null, confirmed: true }));
  return (
    <div data-testid="reachability">
      <p>
        {link.reachable ? t('justice.links.reachable') : t('justice.links.unreachable')}{' '}
        {link.reachConfirmedAt ? t('justice.reach.confirmedAt', { date: format.dateTime(link.reachConfirmedAt) }) : t('justice.reach.never')}{' '}
        <Button className="button" onPress={() => void change({ reachable: !link.reachable })}>
          {link.reachable ? t('justice.links.markUnreachable') : t('justice.links.markReachable')}
        </Button>
      </p>
      <Form onSubmit={confirm} validationBehavior="aria" aria-label={t('justice.reach.title')} className="inline-form">
        <TextInputField control={form.control} name="reachHow" label={t('justice.reach.how')} description={t('justice.reach.howHint')} />
        <Button type="submit" className="button">
          {t('justice.reach.confirm')}
        </Button>
      </Form>
      <ProblemAlert error={error} />
    </div>
  );
}

/** Requests a protection measure, with the date of its first review. */
function MeasureRequest({ link, onChanged }: { link: JusticeLink; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(measureForm), defaultValues: { type: 'safe_shelter' as const, notes: '', reviewOn: '' } });
  const request = form.handleSubmit(async (values) => {
    setError(undefined);
    const body = { type: values.type, ...(values.notes ? { notes: values.notes } : {}), ...(values.reviewOn ? { reviewOn: values.reviewOn } : {}) };
    try {
      await api('POST', `/api/justice-links/${link.id}/measures`, body, { idempotencyKey: newIdempotencyKey() });
      form.reset({ type: values.type, notes: '', reviewOn: '' });
      onChanged();
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['type', 'notes', 'reviewOn']));
    }
  });
  return (
    <Form onSubmit={request} validationBehavior="aria" aria-label={t('justice.measures.requestFor', { role: t(`justice.roles.${link.role}`) })} className="inline-form">
      <div className="row">
        <SelectField control={form.control} name="type" label={t('justice.measures.type')} options={PROTECTION_MEASURE_TYPES.map((value) => ({ value, label: t(`justice.measures.types.${value}`) }))} isRequired />
        <TextInputField control={form.control} name="reviewOn" type="date" label={t('justice.measures.reviewOn')} />
        <TextInputField control={form.control} name="notes" label={t('justice.measures.notes')} />
      </div>
      <ProblemAlert error={error} />
      <Button type="submit" className="button">
        {t('justice.measures.request')}
      </Button>
    </Form>
  );
}

/** A victim or witness in the proceedings: whether they remain reachable, and the measures protecting them. */
export function LinkSection({ link, onChanged }: { link: JusticeLink; onChanged: () => void }) {
  const { t } = useTranslation();
  const headingId = `link-${link.id}`;
  return (
    <section aria-labelledby={headingId} className="panel">
      <h3 id={headingId}>
        <PersonName personId={link.personId} /> · {t(`justice.roles.${link.role}`)}
      </h3>
      <Reachability key={link.version} link={link} onChanged={onChanged} />
      <h4>{t('justice.measures.title')}</h4>
      {link.measures.length === 0 ? (
        <p>{t('justice.measures.none')}</p>
      ) : (
        <ul className="measure-list">
          {link.measures.map((measure) => (
            <MeasureRow key={`${measure.id}:${measure.version}`} measure={measure} onChanged={onChanged} />
          ))}
        </ul>
      )}
      <MeasureRequest link={link} onChanged={onChanged} />
    </section>
  );
}
