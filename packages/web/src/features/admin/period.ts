import { useTranslation } from 'react-i18next';

/** A retention period (P5Y, P18M, P90D) in the reader's words. */
export function usePeriod() {
  const { i18n } = useTranslation();
  return (iso: string) => {
    const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(iso);
    if (!match) return iso;
    const parts = (['year', 'month', 'week', 'day'] as const)
      .map((unit, i) => [unit, Number(match[i + 1] ?? 0)] as const)
      .filter(([, value]) => value > 0)
      .map(([unit, value]) => new Intl.NumberFormat(i18n.language, { style: 'unit', unit, unitDisplay: 'long' }).format(value));
    return new Intl.ListFormat(i18n.language, { type: 'unit' }).format(parts);
  };
}
