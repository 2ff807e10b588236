import { ASSISTANCE_TYPES, BASELINE_OBLIGATIONS, type AssessInput, type AssistanceType, type Fulfilment } from '@haven/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseFacts } from './case-facts.js';
import { findFulfilment } from './fulfilment.js';

// What discharges an obligation among the records of a case: assistance of
// every listed type, in a language the person understands where that matters; an ended detention;
// a notification to the consular post; a completed referral; a justice link; an incident.

type Given = CaseFacts['assistance'][number];

function facts(assistance: Given[], extra: Partial<CaseFacts> = {}): CaseFacts {
  return {
    personId: 'p',
    agencyId: 'a',
    input: { encounteredAt: '2026-03-01T00:00:00Z' } as AssessInput,
    languages: [],
    assistance,
    detention: undefined,
    consularNotifications: [],
    completedReferrals: [],
    justiceLinks: [],
    incidents: [],
    ...extra,
  };
}
const given = (id: string, type: AssistanceType, at: string, language: string | null = null): Given => ({ id, type, language, given_at: at });
const fulfilledBy = (code: string): Fulfilment => BASELINE_OBLIGATIONS.find((o) => o.code === code)!.fulfilledBy;

const LANGUAGES: readonly string[] = ['ar', 'ti', 'en', 'fr', 'prs'];
const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }).map((ms) => new Date(ms).toISOString());
const assistanceList = fc
  .array(fc.record({ type: fc.constantFrom(...ASSISTANCE_TYPES), at: instant, language: fc.option(fc.constantFrom(...LANGUAGES), { nil: null }) }), { maxLength: 12 })
  .map((items) => items.map((a, i) => given(`as-${i}`, a.type, a.at, a.language)));

describe('findFulfilment', () => {
  it('links emergency care to the emergency medical assistance, not to assistance of another type', () => {
    const rule = fulfilledBy('life.emergency_care');
    expect(findFulfilment(rule, facts([given('w', 'water', '2026-03-01T01:00:00.000Z')]))).toBeUndefined();
    expect(findFulfilment(rule, facts([given('w', 'water', '2026-03-01T01:00:00.000Z'), given('m', 'emergency_medical', '2026-03-01T02:00:00.000Z')]))).toEqual({ type: 'assistance', id: 'm' });
  });

  it('needs water and food and shelter for basic needs, and links the one that completed them', () => {
    const rule = fulfilledBy('assist.basic_needs');
    const water = given('w', 'water', '2026-03-01T01:00:00.000Z');
    const food = given('f', 'food', '2026-03-01T03:00:00.000Z');
    const shelter = given('s', 'shelter', '2026-03-01T02:00:00.000Z');
    expect(findFulfilment(rule, facts([water, food]))).toBeUndefined();
    expect(findFulfilment(rule, facts([water, shelter]))).toBeUndefined();
    expect(findFulfilment(rule, facts([shelter, food, water]))).toEqual({ type: 'assistance', id: 'f' });
  });

  it('counts rights information only in a language the person speaks', () => {
    const rule = fulfilledBy('info.rights');
    const speaks = { languages: ['ti', 'ar'] };
    expect(findFulfilment(rule, facts([given('en', 'rights_information', '2026-03-01T01:00:00.000Z', 'en')], speaks))).toBeUndefined();
    expect(findFulfilment(rule, facts([given('none', 'rights_information', '2026-03-01T01:00:00.000Z', null)], speaks))).toBeUndefined();
    expect(findFulfilment(rule, facts([given('en', 'rights_information', '2026-03-01T01:00:00.000Z', 'en'), given('ar', 'rights_information', '2026-03-01T02:00:00.000Z', 'ar')], speaks))).toEqual({
      type: 'assistance',
      id: 'ar',
    });
  });

  it('keeps victim rights open on rights information alone: the referral to victim support is still owed', () => {
    expect(findFulfilment(fulfilledBy('justice.victim_rights'), facts([given('r', 'rights_information', '2026-03-01T01:00:00.000Z', 'ar')], { languages: ['ar'] }))).toBeUndefined();
  });

  it('links the release of a detained child to the detention, only once it has ended', () => {
    const rule = fulfilledBy('children.no_detention');
    expect(findFulfilment(rule, facts([], { detention: { id: 'd', since: '2026-03-01T00:00:00.000Z', until: null } }))).toBeUndefined();
    expect(findFulfilment(rule, facts([], { detention: { id: 'd', since: '2026-03-01T00:00:00.000Z', until: '2026-03-01T05:00:00.000Z' } }))).toEqual({ type: 'detention', id: 'd' });
    expect(findFulfilment(rule, facts([]))).toBeUndefined();
  });

  it('links the consular notification to the notification sent to the post', () => {
    const rule = fulfilledBy('consular.notify_post');
    expect(findFulfilment(rule, facts([]))).toBeUndefined();
    expect(findFulfilment(rule, facts([], { consularNotifications: [{ id: 'n1', sent_at: '2026-03-01T01:00:00.000Z' }] }))).toEqual({ type: 'consular_notification', id: 'n1' });
  });

  it('never discharges a standing obligation, nor one that needs a referral, justice link or incident, whatever was given', () => {
    const untouchable = BASELINE_OBLIGATIONS.filter(
      (o) => o.fulfilledBy.standing || ((o.fulfilledBy.referral || o.fulfilledBy.justiceLink || o.fulfilledBy.incidentRecorded) && o.fulfilledBy.referral !== 'consular'),
    );
    expect(untouchable.map((o) => o.code)).toEqual(expect.arrayContaining(['protection.non_refoulement', 'children.best_interests', 'justice.victim_rights']));
    fc.assert(
      fc.property(assistanceList, fc.constantFrom(...untouchable), (assistance, obligation) => {
        const detention = { id: 'd', since: '2026-01-01T00:00:00.000Z', until: '2026-01-02T00:00:00.000Z' };
        expect(findFulfilment(obligation.fulfilledBy, facts(assistance, { detention, languages: [...LANGUAGES] }))).toBeUndefined();
      }),
    );
  });

  it('fulfils an assistance obligation exactly when every listed type was given, linking the record that completed it', () => {
    const assistanceRules = BASELINE_OBLIGATIONS.filter((o) => o.fulfilledBy.assistance && !o.fulfilledBy.referral && !o.fulfilledBy.standing);
    fc.assert(
      fc.property(assistanceList, fc.constantFrom(...assistanceRules), fc.subarray([...LANGUAGES]), (assistance, obligation, languages) => {
        const rule = obligation.fulfilledBy;
        const counts = (a: Given) => !rule.inLanguageUnderstood || (a.language !== null && (languages.length === 0 || languages.includes(a.language)));
        const result = findFulfilment(rule, facts(assistance, { languages }));
        const firstOfEach = rule.assistance!.map((type) =>
          assistance.filter((a) => a.type === type && counts(a)).reduce<Given | undefined>((x, y) => (x && x.given_at <= y.given_at ? x : y), undefined),
        );
        if (firstOfEach.some((a) => a === undefined)) {
          expect(result).toBeUndefined();
          return;
        }
        expect(result?.type).toBe('assistance');
        const linked = assistance.find((a) => a.id === result!.id)!;
        expect(rule.assistance).toContain(linked.type);
        expect(counts(linked)).toBe(true);
        // The moment the obligation was complete: the latest of the first of each type.
        expect(linked.given_at).toBe(firstOfEach.map((a) => a!.given_at).sort().at(-1));
      }),
    );
  });

  it('does not depend on the order in which the records were read', () => {
    fc.assert(
      fc.property(assistanceList, fc.constantFrom(...BASELINE_OBLIGATIONS), fc.subarray([...LANGUAGES]), (assistance, obligation, languages) => {
        const forward = findFulfilment(obligation.fulfilledBy, facts(assistance, { languages }));
        const backward = findFulfilment(obligation.fulfilledBy, facts([...assistance].reverse(), { languages }));
        const at = (r: typeof forward) => (r ? assistance.find((a) => a.id === r.id)?.given_at : undefined);
        expect(backward === undefined).toBe(forward === undefined);
        expect(at(backward)).toBe(at(forward));
      }),
    );
  });

  it('takes a completed referral of the named service, and needs every part of a mixed fulfilment', () => {
    expect(findFulfilment(fulfilledBy('children.guardian'), facts([]))).toBeUndefined();
    const referral = { id: 'r1', service_type: 'guardianship', completed_at: '2026-03-02T00:00:00.000Z' };
    expect(findFulfilment(fulfilledBy('children.guardian'), facts([], { completedReferrals: [referral] }))).toEqual({ type: 'referral', id: 'r1' });
    expect(findFulfilment(fulfilledBy('children.guardian'), facts([], { completedReferrals: [{ ...referral, service_type: 'shelter' }] }))).toBeUndefined();
    // Victim rights: information on rights AND a completed victim-support referral.
    const rights = given('i', 'rights_information', '2026-03-01T01:00:00.000Z', 'ar');
    const support = { id: 'v', service_type: 'victim_support', completed_at: '2026-03-03T00:00:00.000Z' };
    expect(findFulfilment(fulfilledBy('justice.victim_rights'), facts([rights]))).toBeUndefined();
    expect(findFulfilment(fulfilledBy('justice.victim_rights'), facts([], { completedReferrals: [support] }))).toBeUndefined();
    expect(findFulfilment(fulfilledBy('justice.victim_rights'), facts([rights], { completedReferrals: [support] }))).toEqual({ type: 'referral', id: 'v' });
  });

  it('takes a witness link for witness support and a recorded death or disappearance for the missing', () => {
    const witness = { justiceLink: 'witness' } as Fulfilment;
    expect(findFulfilment(witness, facts([], { justiceLinks: [{ id: 'l', role: 'victim', created_at: '2026-03-01T00:00:00.000Z' }] }))).toBeUndefined();
    expect(findFulfilment(witness, facts([], { justiceLinks: [{ id: 'l', role: 'witness', created_at: '2026-03-01T00:00:00.000Z' }] }))).toEqual({ type: 'justice_link', id: 'l' });
    const missing = fulfilledBy('life.death_or_disappearance');
    expect(findFulfilment(missing, facts([], { incidents: [{ id: 'x', kind: 'robbery', created_at: '2026-03-01T00:00:00.000Z' }] }))).toBeUndefined();
    expect(findFulfilment(missing, facts([], { incidents: [{ id: 'd', kind: 'disappearance', created_at: '2026-03-01T00:00:00.000Z' }] }))).toEqual({ type: 'incident', id: 'd' });
  });
});
