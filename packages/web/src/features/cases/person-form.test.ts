import { describe, expect, it } from 'vitest';
import { changedFields, changeOf, formValuesOf, IDENTITY_FIELDS } from './person-form';
import type { PersonFields } from './model';

const RECORD: PersonFields = { givenName: 'محمد', familyName: 'الحسن', nameScript: 'Arab', sex: 'male', nationality: 'SD', languages: ['ar'], ageClaimed: 23 };
const FIELDS = [...IDENTITY_FIELDS, 'phone', 'address'];

describe('the person record form', () => {
  it('sends nothing when nothing was changed', () => {
    expect(changeOf(formValuesOf(RECORD), RECORD, FIELDS)).toEqual({});
  });

  it('sends only what the officer changed: a transliteration, an alias, stateless, a second language', () => {
    const values = formValuesOf(RECORD);
    values.transliterations.push({ givenName: 'Mohamed', familyName: 'El Hassan', script: 'Latn' });
    values.aliases.push({ name: ' Abu Ali ' });
    values.nationalityKind = 'stateless';
    values.languages.push({ code: 'en' });
    expect(changeOf(values, RECORD, FIELDS)).toEqual({
      transliterations: [{ givenName: 'Mohamed', familyName: 'El Hassan', script: 'Latn' }],
      aliases: ['Abu Ali'],
      nationality: 'stateless',
      languages: ['ar', 'en'],
    });
  });

  it('keeps a change made meanwhile by someone else out of what is sent (the diff is from the version the edit began on)', () => {
    const values = formValuesOf(RECORD);
    values.ageClaimed = '24';
    const theirs: PersonFields = { ...RECORD, phone: '+30 690 111 2222' };
    expect(changeOf(values, RECORD, FIELDS)).toEqual({ ageClaimed: 24 });
    expect(changedFields(RECORD, theirs, FIELDS)).toEqual(['phone']);
  });

  it('reads a country, stateless and unknown back into the form', () => {
    expect(formValuesOf({ nationality: 'ER' })).toMatchObject({ nationalityKind: 'country', country: 'ER' });
    expect(formValuesOf({ nationality: 'stateless' })).toMatchObject({ nationalityKind: 'stateless', country: '' });
    expect(formValuesOf({})).toMatchObject({ nationalityKind: '', country: '' });
  });
});
