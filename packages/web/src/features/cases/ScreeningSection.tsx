import { useQuery } from '@tanstack/react-query';
import { OBSERVED_INDICATORS, screeningInputSchema } from './codes';
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useState } from 'react';
import { Button, Checkbox, CheckboxGroup, FieldError, Form, Label, Text } from 'react-aria-components';
import { Controller, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import type { Screening } from './model';
import { useDisplayNames } from './PersonFacts';
import { caseReads } from './queries';

const formSchema = z.object({
  indicators: screeningInputSchema.shape.indicators,
  statement: z.string().max(20_000),
  statementLanguage: z.union([z.literal(''), z.string().trim().regex(/^[a-z]{2,3}$/)]),
});
type ScreeningForm = z.infer<typeof formSchema>;

/**
 * Screenings are versions: a new one is the whole picture at that moment (the engine reads the
 * latest), added beside the earlier ones and never over them. The form starts from the current
 * indicators so that re-screening does not drop one by accident.
 */
export function ScreeningSection({ personId, onChange }: { personId: string; onChange: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const history = useQuery(caseReads.screenings(personId));
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<number>();
  const form = useForm<ScreeningForm>({ resolver: zodResolver(formSchema), defaultValues: { indicators: [], statement: '', statementLanguage: '' } });
  const latest = history.data?.at(-1);
  useEffect(() => {
    if (latest) form.reset({ indicators: latest.indicators.filter((code) => (OBSERVED_INDICATORS as readonly string[]).includes(code)) as ScreeningForm['indicators'], statement: '', statementLanguage: '' });
  }, [latest, form]);

  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setSaved(undefined);
    try {
      const screening = await api<Screening>(
        'POST',
        `/api/persons/${personId}/screenings`,
        {
          indicators: values.indicators,
          ...(values.statement.trim() ? { statement: values.statement } : {}),
          ...(values.statementLanguage ? { statementLanguage: values.statementLanguage.trim() } : {}),
        },
        { idempotencyKey: crypto.randomUUID() },
      );
      setSaved(screening.version);
      onChange();
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['indicators', 'statement', 'statementLanguage']));
    }
  });

  return (
    <section aria-labelledby="screening-title">
      <h2 id="screening-title">{t('cases.screening.title')}</h2>
      <ProblemAlert error={history.error} />
      {history.data && history.data.length === 0 ? <p>{t('cases.screening.none')}</p> : null}
      <ol className="case-history" reversed data-testid="screening-history">
        {[...(history.data ?? [])].reverse().map((screening) => (
          <li key={screening.id} data-version={screening.version}>
            <p className="case-history-head">
              <strong>{t('cases.screening.version', { version: format.number(screening.version) })}</strong> · <time dateTime={screening.screenedAt}>{format.dateTime(screening.screenedAt)}</time>
              {screening.id === latest?.id ? ` · ${t('cases.screening.current')}` : ''}
            </p>
            <p>{screening.indicators.length ? names.list(screening.indicators.map((code) => t(`cases.indicators.${code}`, { defaultValue: code }))) : t('cases.screening.noIndicators')}</p>
            {screening.statement ? (
              <figure className="case-statement">
                <blockquote dir="auto" {...(screening.statementLanguage ? { lang: screening.statementLanguage } : {})}>{screening.statement}</blockquote>
                <figcaption>{screening.statementLanguage ? t('cases.screening.inTheirWordsIn', { language: names.language(screening.statementLanguage) }) : t('cases.screening.inTheirWords')}</figcaption>
              </figure>
            ) : null}
          </li>
        ))}
      </ol>
      <details className="case-panel" data-testid="screening-panel">
        <summary>{latest ? t('cases.screening.rescreen') : t('cases.screening.new')}</summary>
        <Form onSubmit={submit} validationBehavior="aria" data-testid="screening-form">
          <Controller
            control={form.control}
            name="indicators"
            render={({ field, fieldState }) => (
              <CheckboxGroup className="field" value={field.value} onChange={field.onChange} isInvalid={fieldState.invalid} name="indicators" validationBehavior="aria">
                <Label>{t('cases.screening.indicators')}</Label>
                <Text slot="description">{t('cases.screening.indicatorsHint')}</Text>
                <div className="case-indicators">
                  {OBSERVED_INDICATORS.map((code) => (
                    <Checkbox key={code} value={code} className="checkbox" data-testid={`indicator-${code}`}>
                      <span className="checkbox-box" aria-hidden="true" />
                      {t(`cases.indicators.${code}`)}
                    </Checkbox>
                  ))}
                </div>
                <FieldError>{fieldState.error?.message}</FieldError>
              </CheckboxGroup>
            )}
          />
          <TextInputField control={form.control} name="statement" label={t('cases.screening.statement')} description={t('cases.screening.statementHint')} multiline />
          <TextInputField control={form.control} name="statementLanguage" label={t('cases.screening.statementLanguage')} description={t('cases.languageHint')} />
          <ProblemAlert error={error} />
          <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting} data-testid="save-screening">
            {t('cases.screening.save')}
          </Button>
          {saved !== undefined ? (
            <p role="status" className="alert alert-ok">
              {t('cases.screening.saved', { version: format.number(saved) })}
            </p>
          ) : null}
        </Form>
      </details>
    </section>
  );
}
