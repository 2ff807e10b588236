import type { AllegationFollowUp } from '@haven/core/schemas/justice';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMemo, useState } from 'react';
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
import { OversightStrings } from './strings';

/** The receipt as typed: case and spaces around do not matter (people copy it by hand). */
const RECEIPT = /^HVN-[A-Z2-7]{16}$/;

function StatusForm({ onFollowUp }: { onFollowUp: (followUp: AllegationFollowUp | undefined) => void }) {
  const { t } = useTranslation();
  const [problem, setProblem] = useState<PublicProblem>();
  const schema = useMemo(() => z.object({ receipt: z.string().trim().toUpperCase().regex(RECEIPT, t('oversight.public.receiptInvalid')) }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { receipt: '' } });
  const submit = form.handleSubmit(async ({ receipt }) => {
    setProblem(undefined);
    onFollowUp(undefined);
    try {
      onFollowUp(await api<AllegationFollowUp>('GET', `/api/public/allegations/${receipt}`, undefined, { anonymous: true }));
    } catch (caught) {
      const found = publicProblem(caught, 'status');
      if (found.field) form.setError('receipt', { type: 'server', message: t(`oversight.public.${found.key}`) });
      else setProblem(found);
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="public-status-title" data-testid="public-status-form">
      {problem ? (
        <p role="alert" className="alert alert-error">
          {t(`oversight.public.${problem.key}`)}
        </p>
      ) : null}
      <TextInputField control={form.control} name="receipt" label={t('oversight.public.receiptLabel')} description={t('oversight.public.receiptHint')} autoComplete="off" isRequired />
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {t('oversight.public.check')}
      </Button>
    </Form>
  );
}

/** Where the complaint stands and when it last moved: the server answers nothing more, and nothing more is shown. */
function FollowUpView({ followUp }: { followUp: AllegationFollowUp }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <dl className="follow-up" data-testid="follow-up">
      <dt>{t('oversight.public.status')}</dt>
      <dd data-testid="follow-up-status">{t(`oversight.statuses.${followUp.status}`)}</dd>
      <dt>{t('oversight.public.updated')}</dt>
      <dd>{format.dateTime(followUp.updatedAt)}</dd>
    </dl>
  );
}

function PublicStatusBody({ followUp, onFollowUp }: { followUp: AllegationFollowUp | undefined; onFollowUp: (followUp: AllegationFollowUp | undefined) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <h1 id="public-status-title">{t('oversight.public.statusTitle')}</h1>
      <p>{t('oversight.public.statusExplain')}</p>
      <StatusForm onFollowUp={onFollowUp} />
      <div aria-live="polite">{followUp ? <FollowUpView followUp={followUp} /> : null}</div>
      <p className="public-links">
        <Link to="/report">{t('oversight.public.toReport')}</Link>
        <Link to="/sign-in">{t('oversight.public.toSignIn')}</Link>
      </p>
    </>
  );
}

/** `/report/status`: the holder of a receipt code sees the status and the last change, and nothing else. */
export default function PublicStatusScreen() {
  const [followUp, setFollowUp] = useState<AllegationFollowUp>();
  return (
    <PublicFrame>
      <OversightStrings>
        <PublicStatusBody followUp={followUp} onFollowUp={setFollowUp} />
      </OversightStrings>
    </PublicFrame>
  );
}
