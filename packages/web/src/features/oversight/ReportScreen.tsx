import { MAX_ALLEGATION_DESCRIPTION, type AllegationReceiptView } from '@haven/core/schemas/justice';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMemo, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { newIdempotencyKey } from '../../app/idempotency';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { ReceiptPanel } from './Receipt';
import { OversightStrings } from './strings';
import './report.css';

/** A member of staff reports a failure to assist under their name (the API takes what happened, in their words). */
function StaffReportForm({ onFiled }: { onFiled: (receipt: string) => void }) {
  const { t } = useTranslation();
  const max = useFormat().number(MAX_ALLEGATION_DESCRIPTION);
  const [error, setError] = useState<unknown>();
  // One key per complaint: a retry of the same submission (a lost answer) files it once.
  const idempotencyKey = useRef(newIdempotencyKey());
  const schema = useMemo(
    () => z.object({ description: z.string().trim().min(10, t('oversight.public.tooShort')).max(MAX_ALLEGATION_DESCRIPTION, t('oversight.public.tooLong', { max })) }),
    [t, max],
  );
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { description: '' } });
  const submit = form.handleSubmit(async ({ description }) => {
    setError(undefined);
    try {
      const answer = await api<AllegationReceiptView>('POST', '/api/allegations', { description }, { idempotencyKey: idempotencyKey.current });
      idempotencyKey.current = newIdempotencyKey();
      onFiled(answer.receipt);
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['description']));
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="staff-report-title" data-testid="staff-report-form">
      <ProblemAlert error={error} />
      <TextInputField control={form.control} name="description" label={t('oversight.report.description')} description={t('oversight.report.hint')} isRequired multiline />
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {t('oversight.report.submit')}
      </Button>
    </Form>
  );
}

function ReportScreenBody({ receipt, onFiled, onAnother }: { receipt: string | undefined; onFiled: (receipt: string) => void; onAnother: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="page">
      <h1 id="staff-report-title">{t('oversight.report.title')}</h1>
      <p>{t('oversight.report.explain')}</p>
      <p className="report-links">
        {/* A new page, not a move inside the app: the public page runs without this session. */}
        <Link to="/report" reloadDocument>
          {t('oversight.report.anonymous')}
        </Link>
      </p>
      {receipt ? (
        <ReceiptPanel receipt={receipt}>
          <div className="public-links">
            <Link to="/report/status" reloadDocument>
              {t('oversight.receipt.check')}
            </Link>
            <Button className="button" onPress={onAnother}>
              {t('oversight.report.another')}
            </Button>
          </div>
        </ReceiptPanel>
      ) : (
        <StaffReportForm onFiled={onFiled} />
      )}
    </div>
  );
}

/** Every role may report a failure to assist; the receipt is kept above the strings' loader, so a change of language keeps it on screen. */
export default function ReportScreen() {
  const [receipt, setReceipt] = useState<string>();
  return (
    <OversightStrings>
      <ReportScreenBody receipt={receipt} onFiled={setReceipt} onAnother={() => setReceipt(undefined)} />
    </OversightStrings>
  );
}
