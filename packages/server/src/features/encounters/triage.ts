import { deriveFlags, TRIAGE_CATEGORIES, type AssessInput, type Indicator, type TriageCategory } from '@haven/core';

export { TRIAGE_CATEGORIES, type TriageCategory };

/** Where a person falls in the encounter's triage: the first category that applies. */
export function triageCategory(flags: ReadonlySet<Indicator>): TriageCategory {
  if (flags.has('medical_emergency')) return 'medical_emergency';
  if (flags.has('unaccompanied_child') || flags.has('separated_child')) return 'unaccompanied_child';
  if (flags.has('child')) return 'child';
  if (flags.has('pregnant')) return 'pregnant';
  return 'other';
}

/** Every triage category that applies, most urgent first; `other` only when none does. */
export function triageCategories(flags: ReadonlySet<Indicator>): TriageCategory[] {
  const applies: Record<Exclude<TriageCategory, 'other'>, boolean> = {
    medical_emergency: flags.has('medical_emergency'),
    unaccompanied_child: flags.has('unaccompanied_child') || flags.has('separated_child'),
    child: flags.has('child'),
    pregnant: flags.has('pregnant'),
  };
  const categories = TRIAGE_CATEGORIES.filter((category): category is Exclude<TriageCategory, 'other'> => category !== 'other' && applies[category]);
  return categories.length > 0 ? categories : ['other'];
}

export function triageFlags(input: AssessInput): Set<Indicator> {
  return new Set(deriveFlags(input));
}
