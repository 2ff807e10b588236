import { useMutation, useQuery } from '@tanstack/react-query';
import { ASSISTANCE_TYPES } from './codes';
import { zodResolver } from '@hookform/resolvers/zod';
import type { AssistanceType } from '@haven/core/codes';
import { useEffect, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert, unlessForbidden } from '../../app/ui/problem';
import { useDisplayNames } from './PersonFacts';
import { caseReads } from './queries';

const formSchema = z.object({
  type: z.enum(ASSISTANCE_TYPES),
  place: z.string().max(200),
  language: z.union([z.literal(''), z.string().trim().regex(/^[a-z]{2,3}$/)]),
  notes: z.string().max(2000),
});
type AssistanceForm = z.infer<typeof formSchema>;

/** Information on rights and interpretation count only in a language the person understands: the language is asked for them. */
const IN_A_LANGUAGE = new Set(['rights_information', 'consular_rights_information', 'interpretation']);

/** What was given, by whom and when; each entry may fulfil obligations (the engine decides which, so `onChange` asks again). */
export function AssistanceSection({
  personId,
  languages,
  asked,
  onChange,
}: {
  personId: string;
  languages: string[];
  /** Asked from the to-do list: the form opens with this type chosen. */
  asked?: { type: AssistanceType; attempt: number } | undefined;
  onChange: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const log = useQuery(caseReads.assistance(personId));
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const form = useForm<AssistanceForm>({ resolver: zodResolver(formSchema), defaultValues: { type: 'rights_information', place: '', language: '', notes: '' } });
  const type = form.watch('type');
  // Her first language as recorded, until the officer says otherwise.
  const firstLanguage = languages[0] ?? '';
  useEffect(() => {
    if (!form.getValues('language')) form.setValue('language', firstLanguage);
  }, [firstLanguage, form]);
  const panel = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (!asked || !panel.current) return;
    form.setValue('type', asked.type);
    setSaved(undefined);
    panel.current.open = true;
    panel.current.scrollIntoView({ block: 'start' });
    panel.current.querySelector<HTMLElement>('form button')?.focus({ preventScroll: true });
  }, [asked, form]);
  const record = useMutation({
    mutationFn: (values: AssistanceForm) =>
      api(
        'POST',
        `/api/persons/${personId}/assistance`,
        {
          type: values.type,
          givenAt: new Date().toISOString(),
          ...(values.place.trim() ? { place: values.place.trim() } : {}),
          ...(values.language && IN_A_LANGUAGE.has(values.type) ? { language: values.language.trim() } : {}),
          ...(values.notes.trim() ? { notes: values.notes.trim() } : {}),
        },
        { idempotencyKey: crypto.randomUUID() },
      ),
    onSuccess: (_answer, values) => {
      setSaved(values.type);
      form.reset({ type: values.type, place: '', language: firstLanguage, notes: '' });
      onChange();
    },
  });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setSaved(undefined);
    try {
      await record.mutateAsync(values);
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['type', 'place', 'language', 'notes']));
    }
  });
  const entries = [...(log.data ?? [])].sort((a, b) => b.givenAt.localeCompare(a.givenAt));
  return (
    <section aria-labelledby="assistance-title">
      <h2 id="assistance-title">{t('cases.assistance.title')}</h2>
      <ProblemAlert error={unlessForbidden(log.error)} />
      {log.data && log.data.length === 0 ? <p>{t('cases.assistance.none')}</p> : null}
      <ul className="case-history" data-testid="assistance-log">
        {entries.map((entry) => (
          <li key={entry.id}>
            <strong>{t(`cases.assistanceTypes.${entry.type}`, { defaultValue: entry.type })}</strong> · <time dateTime={entry.givenAt}>{format.dateTime(entry.givenAt)}</time>
            {entry.language ? ` · ${names.language(entry.language)}` : ''}
            {entry.place ? ` · ${entry.place}` : ''}
            {entry.notes ? <p>{entry.notes}</p> : null}
          </li>
        ))}
      </ul>
      <details className="case-panel" ref={panel} data-testid="assistance-form">
        <summary>{t('cases.assistance.record')}</summary>
        <Form onSubmit={submit} validationBehavior="aria">
          <SelectField control={form.control} name="type" label={t('cases.assistance.type')} options={ASSISTANCE_TYPES.map((value) => ({ value, label: t(`cases.assistanceTypes.${value}`) }))} />
          {IN_A_LANGUAGE.has(type) ? <TextInputField control={form.control} name="language" label={t('cases.assistance.language')} description={t('cases.languageHint')} /> : null}
          <TextInputField control={form.control} name="place" label={t('cases.assistance.place')} />
          <TextInputField control={form.control} name="notes" label={t('cases.assistance.notes')} multiline />
          <ProblemAlert error={error} />
          <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
            {t('cases.assistance.save')}
          </Button>
          {saved ? (
            <p role="status" className="alert alert-ok">
              {t('cases.assistance.saved', { type: t(`cases.assistanceTypes.${saved}`) })}
            </p>
          ) : null}
        </Form>
      </details>
    </section>
  );
}
