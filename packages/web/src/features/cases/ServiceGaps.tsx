import type { ServiceType } from '@haven/core/codes';
import type { PathwayView as Pathway, ServiceGapView as ServiceGap } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { obligationName } from './model';
import { useDisplayNames } from './PersonFacts';

const gapSchema = z.object({ note: z.string().trim().max(2000) });

/**
 * No provider for the service in the area: not a dead end. The officer can look in another area
 * that has one (the directory's pathways for the service), or record that no service is available:
 * a service gap, which the supervisors see and the statistics count. The obligation stays open.
 */
export function NoProviderSteps({
  personId,
  service,
  area,
  problem,
  onChooseArea,
}: {
  personId: string;
  service: ServiceType;
  area: string;
  problem: string | null;
  onChooseArea: (area: string) => void;
}) {
  const { t } = useTranslation();
  const pathways = useQuery(apiQuery<Pathway[]>(queryKeys.servicePathways(service), `/api/directory/pathways?service=${service}`));
  const elsewhere = [...new Set((pathways.data ?? []).map((p) => p.area))].filter((a) => a !== area).sort();
  return (
    <div className="case-proposal" data-testid="no-provider">
      <div role="alert" className="alert alert-warning">
        <p className="alert-title">{t('cases.refer.noProvider', { area })}</p>
        {problem ? <p lang="en">{problem}</p> : null}
      </div>
      <h4>{t('cases.gap.whatNow')}</h4>
      <ProblemAlert error={pathways.error} />
      <h5>{t('cases.gap.otherArea')}</h5>
      {pathways.data === undefined ? null : elsewhere.length === 0 ? (
        <p data-testid="no-other-area">{t('cases.gap.noOtherArea')}</p>
      ) : (
        <ul className="case-inline-list" data-testid="other-areas">
          {elsewhere.map((other) => (
            <li key={other}>
              <Button className="button case-inline-button" onPress={() => onChooseArea(other)}>
                {t('cases.gap.lookIn', { area: other })}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <RecordGapForm personId={personId} service={service} area={area} />
    </div>
  );
}

/** Records that no service is available: the gap, with what was tried; the obligation stays open. */
function RecordGapForm({ personId, service, area }: { personId: string; service: ServiceType; area: string }) {
  const { t } = useTranslation();
  const form = useForm({ resolver: zodResolver(gapSchema), defaultValues: { note: '' } });
  const [error, setError] = useState<unknown>();
  const record = useMutation({
    mutationFn: (note: string) => api<ServiceGap>('POST', '/api/service-gaps', { personId, serviceType: service, area, ...(note ? { note } : {}) }, { idempotencyKey: crypto.randomUUID() }),
    onSuccess: () => invalidate(queryKeys.personServiceGaps(personId), queryKeys.serviceGaps()),
  });
  const submit = form.handleSubmit(async ({ note }) => {
    setError(undefined);
    try {
      await record.mutateAsync(note.trim());
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['note']));
    }
  });
  if (record.data) {
    return (
      <p role="status" className="alert alert-ok" data-testid="gap-recorded">
        {t('cases.gap.recorded', { service: t(`cases.services.${service}`), area })}
      </p>
    );
  }
  return (
    <Form onSubmit={submit} validationBehavior="aria" data-testid="gap-form" aria-labelledby="gap-title">
      <h5 id="gap-title">{t('cases.gap.record')}</h5>
      <p>{t('cases.gap.explain')}</p>
      <TextInputField control={form.control} name="note" label={t('cases.gap.note')} description={t('cases.gap.noteHint')} multiline />
      <ProblemAlert error={error} />
      <Button type="submit" className="button" data-testid="record-gap" isDisabled={form.formState.isSubmitting}>
        {t('cases.gap.submit', { service: t(`cases.services.${service}`), area })}
      </Button>
    </Form>
  );
}

/** The service gaps recorded for the person: what was missing where, and the obligations still open for it. */
export function ServiceGapsList({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const gaps = useQuery(apiQuery<ServiceGap[]>(queryKeys.personServiceGaps(personId), `/api/service-gaps?personId=${personId}`));
  if (gaps.error) return <ProblemAlert error={gaps.error} />;
  if (!gaps.data || gaps.data.length === 0) return null;
  return (
    <>
      <h3>{t('cases.gap.title')}</h3>
      <ul className="case-history" data-testid="service-gaps">
        {gaps.data.map((gap) => (
          <li key={gap.id} data-service={gap.serviceType}>
            <strong>{t(`cases.services.${gap.serviceType}`)}</strong> · {gap.area} · {t('cases.gap.recordedBy', { who: gap.recordedBy, when: format.dateTime(gap.recordedAt) })}
            {gap.openObligations.length > 0 ? <p>{t('cases.gap.stillOpen', { obligations: names.list(gap.openObligations.map((code) => obligationName(t, code))) })}</p> : null}
            {gap.note ? <p>{gap.note}</p> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
