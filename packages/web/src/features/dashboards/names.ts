import { useTranslation } from 'react-i18next';
import { useObligationTitle } from '../../app/obligations';
import type { CodeKind } from './figures';

/**
 * The words for a code of the indicators: obligation titles from app/obligations, encounter types
 * and sexes from the registration's strings, services and guarded actions from the case strings
 * (loaded around the screen), months in the reader's language, the rest from this feature's strings.
 */
export function useCodeName(): (kind: CodeKind, code: string) => string {
  const { t, i18n } = useTranslation();
  const titleOf = useObligationTitle();
  const month = new Intl.DateTimeFormat(i18n.language, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return (kind, code) => {
    switch (kind) {
      case 'obligation':
        return titleOf(code);
      case 'month':
        return /^\d{4}-\d{2}$/.test(code) ? month.format(new Date(`${code}-01T00:00:00Z`)) : code;
      case 'encounterType':
        return t(`firstResponse.encounterTypes.${code}`);
      case 'sex':
        return t(`firstResponse.sexes.${code}`);
      case 'ageBand':
        return code === 'unknown' ? t('dashboards.codes.ageUnknown') : t('dashboards.codes.ageBand', { band: code });
      case 'service':
        return t(`cases.services.${code}`);
      case 'action':
        return t(`cases.actions.${code}`);
      case 'deadMissing':
      case 'ageGroup':
      case 'detentionStatus':
      case 'allegationStatus':
        return t(`dashboards.codes.${kind}.${code}`);
      case 'series':
        return t(`dashboards.series.${code}`);
      case 'area':
        return code;
    }
  };
}
