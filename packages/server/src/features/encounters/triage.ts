import { deriveFlags, TRIAGE_CATEGORIES, type AssessInput, type Indicator, type TriageCategory } from '@haven/core';

export { TRIAGE_CATEGORIES, type TriageCategory };

/**
 * Every triage category a person falls in, most urgent first: an unaccompanied girl with a medical
 * emergency is both, and the team at the quay must see both. An unaccompanied or separated child
 * is not listed again as a child; `other` only when nothing else applies.
 */
export function triageCategories(flags: ReadonlySet<Indicator>): TriageCategory[] {
  const unaccompanied = flags.has('unaccompanied_child') || flags.has('separated_child');
  const applies: Record<TriageCategory, boolean> = {
    medical_emergency: flags.has('medical_emergency'),
    unaccompanied_child: unaccompanied,
    child: flags.has('child') && !unaccompanied,
    pregnant: flags.has('pregnant'),
    other: false,
  };
  const categories = TRIAGE_CATEGORIES.filter((category) => applies[category]);
  return categories.length > 0 ? categories : ['other'];
}

/** Where a person falls in the encounter's triage order: the most urgent category that applies. */
export function triageCategory(flags: ReadonlySet<Indicator>): TriageCategory {
  return triageCategories(flags)[0]!;
}

/**
 * The triage order of two persons: by their most urgent category, then by the next ones (a child
 * with a medical emergency before an adult with one), a person with a further category before one
 * without; 0 when they fall in the same categories.
 */
export function compareTriage(a: readonly TriageCategory[], b: readonly TriageCategory[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (a[i] === undefined) return 1;
    if (b[i] === undefined) return -1;
    return TRIAGE_CATEGORIES.indexOf(a[i]!) - TRIAGE_CATEGORIES.indexOf(b[i]!);
  }
  return 0;
}

export function triageFlags(input: AssessInput): Set<Indicator> {
  return new Set(deriveFlags(input));
}
