import { zodResolver } from '@hookform/resolvers/zod';
import type { IdentityDocumentView } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { COUNTRIES, DOCUMENT_TYPES } from './person-codes';
import { useDisplayNames } from './PersonFacts';

const documentForm = z.object({ type: z.enum(DOCUMENT_TYPES), number: z.string().max(100), issuingCountry: z.string(), expiresOn: z.string() });
type DocumentForm = z.infer<typeof documentForm>;

/** Records an identity document: its type, and what of its number, issuer and expiry is known. */
function DocumentAddForm({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const names = useDisplayNames();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const form = useForm<DocumentForm>({ resolver: zodResolver(documentForm), defaultValues: { type: 'passport', number: '', issuingCountry: '', expiresOn: '' } });
  const countries = COUNTRIES.map((value) => ({ value, label: names.nationality(value) })).sort((a, b) => a.label.localeCompare(b.label));
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setSaved(false);
    const body = {
      type: values.type,
      ...(values.number.trim() ? { number: values.number.trim() } : {}),
      ...(values.issuingCountry ? { issuingCountry: values.issuingCountry } : {}),
      ...(values.expiresOn ? { expiresOn: values.expiresOn } : {}),
    };
    try {
      await api('POST', `/api/persons/${personId}/documents`, body, { idempotencyKey: crypto.randomUUID() });
      setSaved(true);
      form.reset({ type: values.type, number: '', issuingCountry: '', expiresOn: '' });
      void invalidate(...staleAfter.documentAdded(personId));
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['type', 'number', 'issuingCountry', 'expiresOn']));
    }
  });
  return (
    <details className="case-panel" data-testid="document-form">
      <summary>{t('cases.documents.add')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <SelectField control={form.control} placeholder={t('cases.person.choose')} name="type" label={t('cases.documents.type')} options={DOCUMENT_TYPES.map((value) => ({ value, label: t(`cases.documentTypes.${value}`) }))} />
        <TextInputField control={form.control} name="number" label={t('cases.documents.number')} />
        <SelectField control={form.control} placeholder={t('cases.person.choose')} name="issuingCountry" label={t('cases.documents.issuingCountry')} options={countries} />
        <TextInputField control={form.control} name="expiresOn" type="date" label={t('cases.documents.expiresOn')} />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
          {t('cases.documents.save')}
        </Button>
        {saved ? (
          <p role="status" className="alert alert-ok">
            {t('cases.documents.saved')}
          </p>
        ) : null}
      </Form>
    </details>
  );
}

/**
 * The person's identity documents. The number is personal: the server answers it only to a role
 * reading identity data, and the list says "not recorded" for a document without one.
 */
export function PersonDocuments({ personId, mayAdd }: { personId: string; mayAdd: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const documents = useQuery(apiQuery<IdentityDocumentView[]>(queryKeys.personDocuments(personId), `/api/persons/${personId}/documents`));
  return (
    <div className="person-part" data-testid="person-documents">
      <h3 id="documents-title">{t('cases.documents.title')}</h3>
      <ProblemAlert error={documents.error} />
      {documents.data?.length === 0 ? <p>{t('cases.documents.none')}</p> : null}
      <ul className="case-history" aria-labelledby="documents-title">
        {documents.data?.map((document) => (
          <li key={document.id}>
            <strong>{t(`cases.documentTypes.${document.type}`, { defaultValue: document.type })}</strong>
            {' · '}
            {document.number ? <bdi dir="ltr">{document.number}</bdi> : t('cases.documents.noNumber')}
            {document.issuingCountry ? ` · ${names.nationality(document.issuingCountry)}` : ''}
            {document.expiresOn ? ` · ${t('cases.documents.expires', { date: format.date(document.expiresOn) })}` : ''}
          </li>
        ))}
      </ul>
      {mayAdd ? <DocumentAddForm personId={personId} /> : null}
    </div>
  );
}
