import type { TFunction } from 'i18next';
import { z } from 'zod';
import type { PersonFields } from './model';

/**
 * The person record's edit form as values (every field a string or a list of rows, as the inputs
 * hold them), from the record and back to the change sent: only what the officer changed, so a
 * change kept over someone else's (after a conflict) never undoes theirs.
 */
export const SEX_CHOICES = ['male', 'female', 'unknown'] as const;
export const PRECISIONS = ['day', 'year', 'estimated'] as const;
export const NATIONALITY_KINDS = ['country', 'stateless', 'unknown'] as const;

export interface PersonFormValues {
  givenName: string;
  familyName: string;
  nameScript: string;
  transliterations: { givenName: string; familyName: string; script: string }[];
  aliases: { name: string }[];
  sex: string;
  birthDate: string;
  birthDatePrecision: string;
  ageClaimed: string;
  nationalityKind: string;
  country: string;
  languages: { code: string }[];
  phone: string;
  address: string;
}

export function formValuesOf(fields: PersonFields): PersonFormValues {
  const nationality = fields.nationality ?? '';
  return {
    givenName: fields.givenName ?? '',
    familyName: fields.familyName ?? '',
    nameScript: fields.nameScript ?? '',
    transliterations: (fields.transliterations ?? []).map((n) => ({ givenName: n.givenName ?? '', familyName: n.familyName ?? '', script: n.script ?? '' })),
    aliases: (fields.aliases ?? []).map((name) => ({ name })),
    sex: fields.sex ?? '',
    birthDate: fields.birthDate ?? '',
    birthDatePrecision: fields.birthDatePrecision ?? '',
    ageClaimed: fields.ageClaimed === undefined ? '' : String(fields.ageClaimed),
    nationalityKind: nationality === 'stateless' || nationality === 'unknown' ? nationality : nationality ? 'country' : '',
    country: nationality === 'stateless' || nationality === 'unknown' ? '' : nationality,
    languages: (fields.languages ?? []).map((code) => ({ code })),
    phone: fields.phone ?? '',
    address: fields.address ?? '',
  };
}

/** The record's fields the form's values stand for (empty values are absent). */
export function fieldsOfValues(values: PersonFormValues): PersonFields {
  const text = (value: string) => (value.trim() ? value.trim() : undefined);
  const nationality = values.nationalityKind === 'country' ? text(values.country) : text(values.nationalityKind);
  const fields: Record<string, unknown> = {
    givenName: text(values.givenName),
    familyName: text(values.familyName),
    nameScript: text(values.nameScript),
    transliterations: values.transliterations.map((n) => ({ givenName: text(n.givenName), familyName: text(n.familyName), script: text(n.script) })),
    aliases: values.aliases.map((a) => a.name.trim()).filter(Boolean),
    sex: text(values.sex),
    birthDate: text(values.birthDate),
    birthDatePrecision: text(values.birthDatePrecision),
    ageClaimed: values.ageClaimed.trim() ? Number(values.ageClaimed) : undefined,
    nationality,
    languages: values.languages.map((l) => l.code).filter(Boolean),
    phone: text(values.phone),
    address: text(values.address),
  };
  return JSON.parse(JSON.stringify(fields)) as PersonFields;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
/** An empty list and no list are one thing on screen. */
const normal = (value: unknown) => (Array.isArray(value) && value.length === 0 ? undefined : value);

/** The fields whose value differs between two versions of the record, among `names`. */
export function changedFields(before: PersonFields, after: PersonFields, names: readonly string[]): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return names.filter((name) => !same(normal(a[name]), normal(b[name])));
}

/** What the officer changed from `base` (the version the edit started from), among the fields shown. */
export function changeOf(values: PersonFormValues, base: PersonFields, names: readonly string[]): Record<string, unknown> {
  const edited = fieldsOfValues(values) as Record<string, unknown>;
  const change: Record<string, unknown> = {};
  for (const name of changedFields(base, edited as PersonFields, names)) change[name] = edited[name] ?? [];
  return change;
}

export const IDENTITY_FIELDS = ['givenName', 'familyName', 'nameScript', 'transliterations', 'aliases', 'sex', 'birthDate', 'birthDatePrecision', 'ageClaimed', 'nationality', 'languages'] as const;
export const CONTACT_FIELDS = ['phone', 'address'] as const;
const SINGLE_VALUED = ['givenName', 'familyName', 'nameScript', 'sex', 'birthDate', 'birthDatePrecision', 'ageClaimed', 'phone', 'address'] as const;

const name = z.string().max(200);

/** Checks in the reader's language: what the server would refuse, said beside the field before it is sent. */
export function personFormSchema(t: TFunction, base: PersonFields, today: string) {
  return z
    .object({
      givenName: name,
      familyName: name,
      nameScript: z.string(),
      transliterations: z.array(z.object({ givenName: name, familyName: name, script: z.string() })).max(20),
      aliases: z.array(z.object({ name })).max(20),
      sex: z.string(),
      birthDate: z.string(),
      birthDatePrecision: z.string(),
      ageClaimed: z.string().regex(/^(\d{1,3})?$/, t('cases.person.ageInvalid')).refine((v) => v === '' || Number(v) <= 130, t('cases.person.ageInvalid')),
      nationalityKind: z.string(),
      country: z.string(),
      languages: z.array(z.object({ code: z.string() })).max(20),
      phone: z.string().max(50),
      address: z.string().max(500),
    })
    .superRefine((values, context) => {
      const recorded = base as Record<string, unknown>;
      const now = fieldsOfValues(values) as Record<string, unknown>;
      // The record keeps a value once given: it is corrected, not emptied.
      for (const field of SINGLE_VALUED) {
        if (recorded[field] !== undefined && now[field] === undefined) context.addIssue({ code: 'custom', path: [field], message: t('cases.person.cannotClear') });
      }
      if (values.birthDate && values.birthDate > today) context.addIssue({ code: 'custom', path: ['birthDate'], message: t('cases.person.birthDateFuture') });
      if (values.nationalityKind === 'country' && !values.country) context.addIssue({ code: 'custom', path: ['country'], message: t('cases.person.countryRequired') });
      values.transliterations.forEach((n, index) => {
        if (!n.givenName.trim() && !n.familyName.trim()) context.addIssue({ code: 'custom', path: ['transliterations', index, 'givenName'], message: t('cases.person.transliterationEmpty') });
      });
    });
}
