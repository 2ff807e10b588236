import { deriveFlags, type AssessInput, type Indicator } from '@haven/core';

/** Triage categories, most urgent first (issue 4; DOMAIN.md section 2: medical emergencies and children first). */
export const TRIAGE_CATEGORIES = ['medical_emergency', 'unaccompanied_child', 'child', 'pregnant', 'other'] as const;
export type TriageCategory = (typeof TRIAGE_CATEGORIES)[number];

/** Where a person falls in the encounter's triage: the first category that applies. */
export function triageCategory(flags: ReadonlySet<Indicator>): TriageCategory {
  if (flags.has('medical_emergency')) return 'medical_emergency';
  if (flags.has('unaccompanied_child') || flags.has('separated_child')) return 'unaccompanied_child';
  if (flags.has('child')) return 'child';
  if (flags.has('pregnant')) return 'pregnant';
  return 'other';
}

export function triageFlags(input: AssessInput): Set<Indicator> {
  return new Set(deriveFlags(input));
}
