import { MAX_ALLEGATION_DESCRIPTION, type AllegationReceiptView } from '@haven/core/schemas/justice';
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useMemo, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { TextInputField } from '../../app/ui/fields';
import { PublicFrame } from './PublicFrame';
import { publicProblem, type PublicProblem } from './public-problem';
import { ReceiptPanel } from './Receipt';
import { OversightStrings } from './strings';

interface DraftProps {
  /** What was typed, kept above the strings so a change of language does not lose it. */
  draft: string;
  onDraft: (text: string) => void;
}

/** What happened, in the reporter's words: nothing else is asked, and it goes without a cookie. */
function PublicReportForm({ draft, onDraft, onFiled }: DraftProps & { onFiled: (receipt: string) => void }) {
  const { t } = useTranslation();
  const max = useFormat().number(MAX_ALLEGATION_DESCRIPTION);
  const [problem, setProblem] = useState<PublicProblem>();
  const schema = useMemo(
    () => z.object({ description: z.string().trim().min(10, t('oversight.public.tooShort')).max(MAX_ALLEGATION_DESCRIPTION, t('oversight.public.tooLong', { max })) }),
    [t, max],
  );
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { description: draft } });
  useEffect(() => {
    const watching = form.watch((values) => onDraft(values.description ?? ''));
    return () => watching.unsubscribe();
  }, [form, onDraft]);
  const submit = form.handleSubmit(async ({ description }) => {
    setProblem(undefined);
    try {
      const answer = await api<AllegationReceiptView>('POST', '/api/public/allegations', { description }, { anonymous: true });
      onFiled(answer.receipt);
    } catch (caught) {
      const found = publicProblem(caught, 'report');
      if (found.field) form.setError('description', { type: 'server', message: t(`oversight.public.${found.key}`, { max }) });
      else setProblem(found);
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="public-report-title" data-testid="public-report-form">
      {problem ? (
        <p role="alert" className="alert alert-error">
          {t(`oversight.public.${problem.key}`, { max })}
        </p>
      ) : null}
      <TextInputField control={form.control} name="description" label={t('oversight.public.description')} description={t('oversight.public.hint')} isRequired multiline />
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {t('oversight.public.submit')}
      </Button>
    </Form>
  );
}

function PublicReportBody({ receipt, onFiled, onAnother, ...draft }: DraftProps & { receipt: string | undefined; onFiled: (receipt: string) => void; onAnother: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <h1 id="public-report-title">{t('oversight.public.title')}</h1>
      {receipt ? (
        <ReceiptPanel receipt={receipt}>
          <div className="public-links">
            <Link to="/report/status">{t('oversight.receipt.check')}</Link>
            <Button className="button" onPress={onAnother}>
              {t('oversight.public.another')}
            </Button>
          </div>
        </ReceiptPanel>
      ) : (
        <>
          <p>{t('oversight.public.intro')}</p>
          <p className="alert alert-ok" data-testid="anonymity">
            {t('oversight.public.anonymous')}
          </p>
          <PublicReportForm {...draft} onFiled={onFiled} />
          <p className="public-links">
            <Link to="/report/status">{t('oversight.receipt.check')}</Link>
            <Link to="/sign-in">{t('oversight.public.toSignIn')}</Link>
          </p>
        </>
      )}
    </>
  );
}

/** `/report`: anyone reports a failure to assist, anonymously, and gets a receipt code shown once. */
export default function PublicReportScreen() {
  // Above the strings' loader, which draws its children again when the language changes: neither the text nor the receipt is lost.
  const [receipt, setReceipt] = useState<string>();
  const [draft, setDraft] = useState('');
  return (
    <PublicFrame>
      <OversightStrings>
        <PublicReportBody
          receipt={receipt}
          draft={draft}
          onDraft={setDraft}
          onFiled={(filed) => {
            setReceipt(filed);
            setDraft('');
          }}
          onAnother={() => setReceipt(undefined)}
        />
      </OversightStrings>
    </PublicFrame>
  );
}
