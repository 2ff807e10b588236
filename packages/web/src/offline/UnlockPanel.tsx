import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useSyncExternalStore } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { TextInputField } from '../app/ui/fields';
import { onVaultChange, unlockVault, unlockedUser, type UnlockResult } from './vault';
import type { Me } from '../app/session';

export function useUnlockedUser(): string | undefined {
  return useSyncExternalStore(onVaultChange, unlockedUser);
}

const schema = z.object({ username: z.string().trim().min(1), password: z.string().min(1) });

/**
 * Unlocks the data kept on this device with the password: after a reload, or to open the app
 * with no network (then only within the unlock window after the last sign-in).
 */
export function UnlockPanel({ username, online, onUnlocked }: { username?: string; online: boolean; onUnlocked?: (me: Me) => void }) {
  const { t } = useTranslation();
  const [failure, setFailure] = useState<Exclude<UnlockResult, { ok: true }>['reason']>();
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { username: username ?? '', password: '' } });
  const submit = form.handleSubmit(async (values) => {
    setFailure(undefined);
    const result = await unlockVault(values.username, values.password, online);
    if (result.ok) onUnlocked?.(result.me);
    else setFailure(result.reason);
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="unlock-title" className="unlock">
      <h2 id="unlock-title">{t('offline.unlock.title')}</h2>
      <p>{t('offline.unlock.explain')}</p>
      {failure ? (
        <p role="alert" className="alert alert-error">
          {t(`offline.unlock.${failure}`)}
        </p>
      ) : null}
      {username ? null : <TextInputField control={form.control} name="username" label={t('offline.unlock.username')} autoComplete="username" isRequired />}
      <TextInputField control={form.control} name="password" type="password" label={t('offline.unlock.password')} autoComplete="current-password" isRequired />
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {t('offline.unlock.submit')}
      </Button>
    </Form>
  );
}
