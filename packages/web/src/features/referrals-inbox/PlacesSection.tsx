import type { ProviderView } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';

/**
 * The provider's free places, reported from its inbox: the referral form proposes providers with
 * room first, so a shelter that is full says so here rather than by declining referrals one by one.
 */
export function PlacesSection() {
  const { t } = useTranslation();
  const providers = useQuery(apiQuery<ProviderView[]>(queryKeys.myProviders(), '/api/agency/providers'));
  if (!providers.data?.length && !providers.error) return null;
  return (
    <section aria-labelledby="places-title" data-testid="places">
      <h2 id="places-title">{t('referralsInbox.places.title')}</h2>
      <ProblemAlert error={providers.error} />
      <ul className="case-obligations">
        {providers.data?.map((provider) => (
          <PlacesItem key={provider.id} provider={provider} />
        ))}
      </ul>
    </section>
  );
}

function PlacesItem({ provider }: { provider: ProviderView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const capacity = provider.capacity ?? 100_000;
  const schema = z.object({
    available: z
      .string()
      .trim()
      .regex(/^\d{1,6}$/, t('referralsInbox.places.number'))
      .refine((value) => Number(value) <= capacity, t('referralsInbox.places.overCapacity', { capacity })),
  });
  const form = useForm<{ available: string }>({ resolver: zodResolver(schema), defaultValues: { available: provider.available === null ? '' : String(provider.available) } });
  const submit = form.handleSubmit(async ({ available }) => {
    setError(undefined);
    setSaved(false);
    try {
      await api<ProviderView>('PATCH', `/api/directory/providers/${provider.id}/availability`, { version: provider.version, available: Number(available) });
      setSaved(true);
      await invalidate(queryKeys.myProviders());
    } catch (caught) {
      // A stale version: someone of the agency reported meanwhile; the list shows what is stored now.
      setError(applyProblem(caught, form.setError, ['available']));
      void invalidate(queryKeys.myProviders());
    }
  });
  return (
    <li className="case-obligation" data-testid="places-provider">
      <p className="case-obligation-name">{provider.name}</p>
      <p>
        {provider.available === null ? t('referralsInbox.places.unknown') : t('referralsInbox.places.free', { count: provider.available })}
        {provider.capacity !== null ? ` · ${t('referralsInbox.places.capacity', { count: provider.capacity })}` : ''}
        {' · '}
        {t('referralsInbox.places.updated', { when: format.dateTime(provider.updatedAt) })}
      </p>
      <form onSubmit={(event) => void submit(event)} noValidate aria-label={t('referralsInbox.places.formOf', { provider: provider.name })}>
        <TextInputField control={form.control} name="available" label={t('referralsInbox.places.available')} type="number" inputMode="numeric" isRequired />
        <ProblemAlert error={error} />
        {saved ? (
          <p role="status" className="alert alert-ok">
            {t('referralsInbox.places.saved')}
          </p>
        ) : null}
        <Button type="submit" className="button button-primary">
          {t('referralsInbox.places.submit')}
        </Button>
      </form>
    </li>
  );
}
