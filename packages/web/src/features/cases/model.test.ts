import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { isOverdue, obligationActions, obligationName, personName } from './model';

const NOW = new Date('2026-03-02T12:00:00Z');

describe('the case model', () => {
  it('counts an open obligation past its deadline as overdue, even before the server says so', () => {
    expect(isOverdue({ status: 'open', dueBy: '2026-03-02T11:59:59Z' }, NOW)).toBe(true);
    expect(isOverdue({ status: 'open', dueBy: '2026-03-02T12:00:01Z' }, NOW)).toBe(false);
    expect(isOverdue({ status: 'overdue', dueBy: '2026-03-02T12:00:01Z' }, NOW)).toBe(true);
  });

  it('never counts a standing, fulfilled or waived obligation as overdue', () => {
    expect(isOverdue({ status: 'open', dueBy: null }, NOW)).toBe(false);
    expect(isOverdue({ status: 'fulfilled', dueBy: '2026-03-01T00:00:00Z' }, NOW)).toBe(false);
    expect(isOverdue({ status: 'waived', dueBy: '2026-03-01T00:00:00Z' }, NOW)).toBe(false);
  });

  it("names an obligation in words, and one a jurisdiction's profile added by its code", () => {
    const words: Record<string, string> = { 'obligations.titles.info.rights': 'Information on rights' };
    const t = ((key: string, options?: { defaultValue?: string }) => words[key] ?? options?.defaultValue ?? key) as unknown as TFunction;
    expect(obligationName(t, 'info.rights')).toBe('Information on rights');
    expect(obligationName(t, 'local.water_point')).toBe('local.water_point');
  });

  it('puts the names together as recorded, and says nothing when none is shared', () => {
    expect(personName({ givenName: 'Amal', familyName: 'Tesfay' })).toBe('Amal Tesfay');
    expect(personName({ familyName: 'Tesfay' })).toBe('Tesfay');
    expect(personName({ sex: 'female' })).toBeUndefined();
    expect(personName(undefined)).toBeUndefined();
  });

  it('reads what fulfils an obligation into the actions the case page offers', () => {
    expect(obligationActions({ assistance: ['emergency_medical'] })).toEqual({ assistance: ['emergency_medical'], referral: [], record: [], standing: false });
    expect(obligationActions({ assistance: ['rights_information'], referral: 'victim_support', withConsent: true })).toMatchObject({ assistance: ['rights_information'], referral: ['victim_support'] });
    expect(obligationActions({ referral: ['maternal_health', 'gbv_services'] }).referral).toEqual(['maternal_health', 'gbv_services']);
    expect(obligationActions({ justiceLink: 'witness', referral: 'witness_protection' })).toMatchObject({ referral: ['witness_protection'], record: ['justice_link'] });
    expect(obligationActions({ detentionEnded: true }).record).toEqual(['detention_end']);
    expect(obligationActions({ incidentRecorded: true }).record).toEqual(['incident']);
    // The consular post is notified on the case page, not referred to a provider.
    expect(obligationActions({ referral: 'consular' })).toMatchObject({ referral: [], record: ['consular_notification'] });
    expect(obligationActions({ standing: true }).standing).toBe(true);
    expect(obligationActions(null)).toEqual({ assistance: [], referral: [], record: [], standing: false });
  });
});
