import type { CsrfToken, SignInStage, SignInStep, TotpConfirmation, TotpEnrolment } from '@haven/core/schemas';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@haven/core/codes';
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import { z } from 'zod';
import { api, setCsrfToken } from '../../app/api';
import { LanguageSwitcher } from '../../app/LanguageSwitcher';
import { useSession, type Conduct, type Me } from '../../app/session';
import { TextInputField } from '../../app/ui/fields';
import { QrCode } from '../../app/ui/qr-code';
import { usePasswordRules } from '../../app/ui/password-rules';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { UnlockPanel } from '../../offline/UnlockPanel';
import { establishVault } from '../../offline/vault';
import { ConductText } from './ConductText';

type Step = 'password' | 'enrol' | 'verify' | 'new-password' | 'conduct';

/** The server decides the steps: password, then enrol or verify a second factor, a new password when required, the code of conduct. */
function stepOf(me: Me | undefined): Step {
  if (!me) return 'password';
  if (me.pending === 'mfa_enrol') return 'enrol';
  if (me.pending === 'mfa_verify') return 'verify';
  if (me.pending === 'password_change') return 'new-password';
  return 'conduct';
}

export default function SignInScreen() {
  const { t } = useTranslation();
  const { state, refresh, enterOffline } = useSession();
  const location = useLocation();
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const [currentPassword, setCurrentPassword] = useState<string>();
  // The password opens the device's encrypted store once sign-in is complete (kept in memory only until then).
  const passwords = useRef<{ current?: string; previous?: string }>({});
  const [vaultReady, setVaultReady] = useState(false);
  const [vaultError, setVaultError] = useState<unknown>();
  useEffect(() => {
    if (state.status !== 'signed-in' || state.offline || vaultReady) return;
    const { current, previous } = passwords.current;
    if (!current) {
      setVaultReady(true);
      return;
    }
    establishVault(state.me, current, previous).then(
      () => {
        passwords.current = {};
        setVaultReady(true);
      },
      (error: unknown) => setVaultError(error),
    );
  }, [state, vaultReady]);
  if (state.status === 'loading') return <p role="status">{t('app.loading')}</p>;
  if (state.status === 'signed-in' && !recoveryCodes && (vaultReady || state.offline)) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/sign-in' ? from : '/'} replace />;
  }
  const step = stepOf(state.status === 'incomplete' ? state.me : undefined);
  const next = () => void refresh();
  return (
    <div className="sign-in">
      <header className="sign-in-header">
        <span className="brand">Haven</span>
        <LanguageSwitcher />
      </header>
      <main id="main" className="sign-in-card">
        <ProblemAlert error={vaultError} />
        {state.status === 'unreachable' ? (
          <>
            <p role="alert" className="alert alert-warning">
              {t('signIn.unreachable')}
            </p>
            <UnlockPanel online={false} onUnlocked={enterOffline} />
          </>
        ) : recoveryCodes ? (
          <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(undefined)} />
        ) : step === 'password' ? (
          <PasswordStep
            onDone={(password) => {
              setCurrentPassword(password);
              passwords.current = { current: password };
              next();
            }}
          />
        ) : step === 'enrol' ? (
          <EnrolStep
            onDone={(codes) => {
              setRecoveryCodes(codes);
              next();
            }}
          />
        ) : step === 'verify' ? (
          <VerifyStep onDone={next} />
        ) : step === 'new-password' ? (
          <NewPasswordStep
            currentPassword={currentPassword}
            onDone={(newPassword, previous) => {
              passwords.current = { current: newPassword, previous };
              next();
            }}
          />
        ) : (
          <ConductStep conduct={state.status === 'incomplete' ? state.me.conduct : null} onDone={next} />
        )}
      </main>
      {/* Anyone may complain of a failure to assist without an account (the public page keeps no session). */}
      <footer className="sign-in-public">
        <Link to="/report">{t('signIn.report')}</Link>
      </footer>
    </div>
  );
}

const passwordSchema = z.object({ username: z.string().trim().min(1), password: z.string().min(1) });

function PasswordStep({ onDone }: { onDone: (password: string) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(passwordSchema), defaultValues: { username: '', password: '' } });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      const answer = await api<SignInStage>('POST', '/api/auth/login', values);
      setCsrfToken(answer.csrfToken);
      onDone(values.password);
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['username', 'password']));
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      <ProblemAlert error={error} />
      <TextInputField control={form.control} name="username" label={t('signIn.username')} autoComplete="username" isRequired autoFocus />
      <TextInputField control={form.control} name="password" type="password" label={t('signIn.password')} autoComplete="current-password" isRequired />
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {t('signIn.submit')}
      </Button>
    </Form>
  );
}

const codeSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/) });

function EnrolStep({ onDone }: { onDone: (recoveryCodes: string[]) => void }) {
  const { t } = useTranslation();
  const [enrolment, setEnrolment] = useState<TotpEnrolment>();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(codeSchema), defaultValues: { code: '' } });
  useEffect(() => {
    let current = true;
    api<TotpEnrolment>('POST', '/api/auth/totp/enrol', {}).then(
      (answer) => current && setEnrolment(answer),
      (caught: unknown) => current && setError(caught),
    );
    return () => {
      current = false;
    };
  }, []);
  const submit = form.handleSubmit(async ({ code }) => {
    setError(undefined);
    try {
      const answer = await api<TotpConfirmation>('POST', '/api/auth/totp/confirm', { code });
      setCsrfToken(answer.csrfToken);
      onDone(answer.recoveryCodes);
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['code']));
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="enrol-title">
      <h1 id="enrol-title">{t('signIn.enrol.title')}</h1>
      <p>{t('signIn.enrol.explain')}</p>
      <ProblemAlert error={error} />
      {enrolment ? (
        <>
          <p>{t('signIn.enrol.scan')}</p>
          <QrCode text={enrolment.uri} label={t('signIn.enrol.qr')} testId="totp-qr" />
          <p>
            {t('signIn.enrol.secret')}{' '}
            <code className="secret" data-testid="totp-secret" dir="ltr">
              {enrolment.secret.match(/.{1,4}/g)?.join(' ')}
            </code>
          </p>
          <p>
            {/* The authenticator is on the same phone, most often: a button-sized target. */}
            <a className="button" href={enrolment.uri}>
              {t('signIn.enrol.openApp')}
            </a>
          </p>
        </>
      ) : null}
      <TextInputField control={form.control} name="code" label={t('signIn.code')} inputMode="numeric" autoComplete="one-time-code" isRequired />
      <Button type="submit" className="button button-primary" isDisabled={!enrolment || form.formState.isSubmitting}>
        {t('signIn.enrol.confirm')}
      </Button>
    </Form>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="recovery-title">
      <h1 id="recovery-title">{t('signIn.recovery.title')}</h1>
      <p>{t('signIn.recovery.explain')}</p>
      <ul className="recovery-codes" dir="ltr">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <Button className="button button-primary" onPress={onDone}>
        {t('signIn.recovery.saved')}
      </Button>
    </section>
  );
}

const verifySchema = z.object({ code: z.string().trim().regex(/^(\d{6}|[A-Za-z0-9-]{8,40})$/) });

function VerifyStep({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(verifySchema), defaultValues: { code: '' } });
  const submit = form.handleSubmit(async ({ code }) => {
    setError(undefined);
    try {
      // Six digits are the authenticator's code; anything longer is a recovery code.
      const body = /^\d{6}$/.test(code) ? { code } : { recoveryCode: code };
      const answer = await api<SignInStep>('POST', '/api/auth/totp/verify', body);
      setCsrfToken(answer.csrfToken);
      onDone();
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['code']));
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="verify-title">
      <h1 id="verify-title">{t('signIn.verify.title')}</h1>
      <ProblemAlert error={error} />
      <TextInputField control={form.control} name="code" label={t('signIn.code')} description={t('signIn.verify.recoveryHint')} autoComplete="one-time-code" isRequired autoFocus />
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {t('signIn.verify.submit')}
      </Button>
    </Form>
  );
}

const newPasswordSchema = z
  .object({ currentPassword: z.string().min(1), newPassword: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH), repeat: z.string() })
  .refine((values) => values.newPassword === values.repeat, { path: ['repeat'], message: 'mismatch' });

function NewPasswordStep({ currentPassword, onDone }: { currentPassword: string | undefined; onDone: (newPassword: string, previous: string) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(newPasswordSchema), defaultValues: { currentPassword: currentPassword ?? '', newPassword: '', repeat: '' } });
  const submit = form.handleSubmit(async ({ currentPassword: current, newPassword }) => {
    setError(undefined);
    try {
      const answer = await api<CsrfToken>('POST', '/api/auth/password', { currentPassword: current, newPassword });
      setCsrfToken(answer.csrfToken);
      onDone(newPassword, current);
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['currentPassword', 'newPassword']));
    }
  });
  const repeatError = form.formState.errors.repeat;
  const passwordRules = usePasswordRules();
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="new-password-title">
      <h1 id="new-password-title">{t('signIn.newPassword.title')}</h1>
      <p>{t('signIn.newPassword.explain')}</p>
      <ProblemAlert error={error} />
      {currentPassword ? null : <TextInputField control={form.control} name="currentPassword" type="password" label={t('signIn.password')} autoComplete="current-password" isRequired />}
      <TextInputField control={form.control} name="newPassword" type="password" label={t('signIn.newPassword.new')} description={passwordRules} autoComplete="new-password" isRequired />
      <TextInputField control={form.control} name="repeat" type="password" label={t('signIn.newPassword.repeat')} autoComplete="new-password" isRequired />
      {repeatError?.message === 'mismatch' ? <p className="field-error">{t('signIn.newPassword.mismatch')}</p> : null}
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {t('signIn.newPassword.submit')}
      </Button>
    </Form>
  );
}

function ConductStep({ conduct, onDone }: { conduct: Conduct | null; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (!conduct) return null;
  const accept = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/api/conduct/accept', { version: conduct.version });
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="conduct-title">
      <h1 id="conduct-title">{t('signIn.conduct.title')}</h1>
      <ProblemAlert error={error} />
      <div className="conduct-text" tabIndex={0} role="document" aria-label={t('signIn.conduct.title')}>
        <ConductText text={conduct.text} />
      </div>
      <Button className="button button-primary" onPress={() => void accept()} isDisabled={busy}>
        {t('signIn.conduct.accept')}
      </Button>
    </section>
  );
}
