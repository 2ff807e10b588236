import type { TFunction } from 'i18next';

/**
 * What stands in the way of an erasure, as the server words it (retention/holds.ts `describeHold`,
 * stored with a refused request in English and without personal data), read back into its parts
 * so the screen says it in the reader's language. A line of another shape is shown as written.
 */
export type HoldWords =
  | { kind: 'recorded'; placedOn: string }
  | { kind: 'investigation'; status: string; reference: string; role: string }
  | { kind: 'allegation'; status: string }
  | { kind: 'other'; text: string };

export function readHold(text: string): HoldWords {
  const recorded = /^a legal hold placed on (\d{4}-\d{2}-\d{2}) \(its reason is with the hold\)$/.exec(text);
  if (recorded) return { kind: 'recorded', placedOn: recorded[1]! };
  const investigation = /^the (\w+) investigation (.+), in which the person is a (\w+)$/.exec(text);
  if (investigation) return { kind: 'investigation', status: investigation[1]!, reference: investigation[2]!, role: investigation[3]! };
  const allegation = /^a complaint of failure to assist concerning the person, still (.+)$/.exec(text);
  if (allegation) return { kind: 'allegation', status: allegation[1]!.replace(/ /g, '_') };
  return { kind: 'other', text };
}

/** One hold in the reader's words; `date` formats the day a recorded hold was placed. */
export function holdInWords(t: TFunction, hold: HoldWords, date: (iso: string) => string): string {
  switch (hold.kind) {
    case 'recorded':
      return t('cases.retention.holdRecorded', { date: date(`${hold.placedOn}T12:00:00Z`) });
    case 'investigation':
      return t('cases.retention.holdInvestigation', {
        reference: hold.reference,
        status: t(`cases.retention.investigationStatuses.${hold.status}`, { defaultValue: hold.status }),
        role: t(`cases.retention.justiceRoles.${hold.role}`, { defaultValue: hold.role }),
      });
    case 'allegation':
      return t('cases.retention.holdAllegation', { status: t(`cases.retention.allegationStatuses.${hold.status}`, { defaultValue: hold.status }) });
    case 'other':
      return hold.text;
  }
}
