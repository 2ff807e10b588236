import { zodResolver } from '@hookform/resolvers/zod';
import type { FamilyLinkView, PersonSearch } from '@haven/core/schemas';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { ChoiceField, SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { personName } from './model';
import { FAMILY_RELATIONS } from './person-codes';
import { caseReads } from './queries';

/** A link read from the other person's side names the inverse relation: their parent is my child. */
const INVERSE: Record<string, string> = { parent: 'child', child: 'parent' };

/** The other person of each link, the relation as it reads from this person. */
function linkSides(personId: string, links: readonly FamilyLinkView[]) {
  return links.map((link) =>
    link.personId === personId ? { id: link.id, otherId: link.relatedPersonId, relation: link.relation } : { id: link.id, otherId: link.personId, relation: INVERSE[link.relation] ?? link.relation },
  );
}

/**
 * The person's family and travelling companions: each by name, with the relation and a link to
 * their case, when the caller may read them; a person outside the caller's scope is said to be so,
 * never named.
 */
function FamilyLinkList({ personId, links, caseLinks }: { personId: string; links: readonly FamilyLinkView[]; caseLinks: boolean }) {
  const { t } = useTranslation();
  const sides = linkSides(personId, links);
  const others = useQueries({ queries: sides.map((side) => ({ ...caseReads.person(side.otherId), retry: false })) });
  if (sides.length === 0) return <p>{t('cases.family.none')}</p>;
  return (
    <ul className="case-history" data-testid="family-links">
      {sides.map((side, index) => {
        const other = others[index];
        const name = other?.data ? (personName(other.data.fields) ?? t('cases.family.unnamed')) : other?.error ? t('cases.family.outOfScope') : t('cases.loading');
        return (
          <li key={side.id} data-relation={side.relation}>
            <strong>{t(`cases.family.relations.${side.relation}`, { defaultValue: side.relation })}</strong>
            {': '}
            {other?.data && caseLinks ? (
              <Link to={`/cases/${side.otherId}`}>
                <bdi>{name}</bdi>
              </Link>
            ) : (
              <bdi>{name}</bdi>
            )}
          </li>
        );
      })}
    </ul>
  );
}

const searchForm = z.object({ name: z.string().trim().min(1) });
const linkForm = z.object({ relatedPersonId: z.string().min(1), relation: z.enum(FAMILY_RELATIONS) });
type LinkForm = z.infer<typeof linkForm>;

/** Finds persons of the caller's scope by name (any spelling or script), then links the one chosen. */
function FamilyLinkForm({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const [searched, setSearched] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [linked, setLinked] = useState<string>();
  const search = useForm({ resolver: zodResolver(searchForm), defaultValues: { name: '' } });
  const form = useForm<LinkForm>({ resolver: zodResolver(linkForm), defaultValues: { relatedPersonId: '', relation: 'sibling' } });
  const found = useQuery({ ...apiQuery<PersonSearch>(queryKeys.personSearch(searched ?? ''), `/api/persons/search?name=${encodeURIComponent(searched ?? '')}`), enabled: searched !== undefined, retry: false });
  const candidates = (found.data?.items ?? []).filter((item) => item.personId !== personId);
  const label = (item: PersonSearch['items'][number]) =>
    [[item.givenName, item.familyName].filter(Boolean).join(' ') || t('cases.family.unnamed'), item.birthYear ? String(item.birthYear) : '', item.sex ? t(`cases.sexes.${item.sex}`) : ''].filter(Boolean).join(', ');
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      await api('POST', `/api/persons/${personId}/family-links`, values, { idempotencyKey: crypto.randomUUID() });
      setLinked(label(candidates.find((c) => c.personId === values.relatedPersonId)!));
      void invalidate(...staleAfter.familyLinked(personId, values.relatedPersonId));
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['relatedPersonId', 'relation']));
    }
  });
  return (
    <details className="case-panel" data-testid="family-link-form">
      <summary>{t('cases.family.add')}</summary>
      <Form onSubmit={search.handleSubmit((values) => setSearched(values.name))} validationBehavior="aria" role="search" aria-label={t('cases.family.search')}>
        <TextInputField control={search.control} name="name" type="search" label={t('cases.family.searchName')} description={t('cases.family.searchHint')} />
        <Button type="submit" className="button">
          {t('cases.family.search')}
        </Button>
      </Form>
      <ProblemAlert error={found.error} />
      {found.data && candidates.length === 0 ? <p role="status">{t('cases.family.noneFound')}</p> : null}
      {candidates.length > 0 ? (
        <Form onSubmit={submit} validationBehavior="aria" aria-label={t('cases.family.add')}>
          <ChoiceField control={form.control} name="relatedPersonId" label={t('cases.family.found')} options={candidates.map((item) => ({ value: item.personId, label: label(item) }))} />
          <SelectField control={form.control} placeholder={t('cases.person.choose')} name="relation" label={t('cases.family.relation')} options={FAMILY_RELATIONS.map((value) => ({ value, label: t(`cases.family.relations.${value}`) }))} />
          <ProblemAlert error={error} />
          <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
            {t('cases.family.link')}
          </Button>
        </Form>
      ) : null}
      {linked ? (
        <p role="status" className="alert alert-ok">
          {t('cases.family.linked', { name: linked })}
        </p>
      ) : null}
    </details>
  );
}

export function FamilyLinks({ personId, mayAdd, caseLinks }: { personId: string; mayAdd: boolean; caseLinks: boolean }) {
  const { t } = useTranslation();
  const links = useQuery(apiQuery<FamilyLinkView[]>(queryKeys.familyLinks(personId), `/api/persons/${personId}/family-links`));
  return (
    <div className="person-part">
      <h3>{t('cases.family.title')}</h3>
      <ProblemAlert error={links.error} />
      {links.data ? <FamilyLinkList personId={personId} links={links.data} caseLinks={caseLinks} /> : null}
      {mayAdd ? <FamilyLinkForm personId={personId} /> : null}
    </div>
  );
}
