import { PASSWORD_MIN_LENGTH, PASSWORD_RULES } from '@haven/core/codes';
import { useTranslation } from 'react-i18next';

/**
 * The password policy in words, from core's list of the rules the server checks: shown under
 * every field that sets a password, before anyone types, not only after a refusal.
 */
export function usePasswordRules(): string {
  const { t, i18n } = useTranslation();
  const rules = PASSWORD_RULES.map((rule) => t(`signIn.passwordRules.rules.${rule}`, { min: PASSWORD_MIN_LENGTH }));
  return t('signIn.passwordRules.intro', { rules: new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(rules) });
}
