import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { printedIn, renderReferralForm } from './form.js';
import { obligationTitleIn } from '@haven/core/obligation-titles';
import { bytesOf, pdfText, referralWorld, type ReferralWorld } from './test-support/world.js';

// The printable referral form carries the reference, the service and dueBy, and
// only the fields of the person the referral shares.

describe.each(await databaseKinds())('the printable referral form on %s', (kind) => {
  let w: ReferralWorld;
  let personId: string;
  let referral: { id: string; version: number; reference: string; dueBy: string; obligations: string[] };

  beforeAll(async () => {
    w = await referralWorld(kind);
    const person = await w.officer.caller.post('/api/persons', {
      givenName: 'Yonas',
      familyName: 'Tesfaye',
      phone: '+251 91 777 0042',
      address: 'Hotspot container 17',
      sex: 'male',
      ageClaimed: 24,
      nationality: 'ER',
      languages: ['ti', 'en'],
      indicators: ['asylum_intent'],
    });
    personId = person.body.id;
    await w.officer.caller.post(`/api/persons/${personId}/screenings`, { indicators: ['asylum_intent'], statement: 'Detained in Kufra for four months' });
    await w.officer.caller.post(`/api/persons/${personId}/consents`, { recipientAgencyId: w.agencies.ngo, purpose: 'asylum', status: 'given', language: 'ti', interpreter: true });
    // Identity only: the phone, the address and the statement are not shared.
    const draft = await w.officer.caller.post('/api/referrals', { personId, providerId: w.providers.ngo, service: 'asylum', sharedGroups: ['identity'], reason: 'Intends to claim asylum' });
    const sent = await w.officer.caller.post(`/api/referrals/${draft.body.id}/send`, { version: draft.body.version });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    referral = sent.body;
  });
  afterAll(() => w.server.close());

  const db = () => w.server.platform.database.db;

  it('is a PDF with the reference, the service, dueBy and the shared fields, and without any unshared value', async () => {
    const answer = await bytesOf(w.server, w.ngoStaff.id, `/api/referrals/${referral.id}/form.pdf`);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('application/pdf');
    expect(answer.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(answer.bytes);
    expect(text).toContain(referral.reference);
    expect(text).toContain('asylum (the asylum procedure)');
    expect(text).toContain(`${referral.dueBy.slice(0, 10)} ${referral.dueBy.slice(11, 16)} UTC`);
    expect(text).toContain('Yonas');
    expect(text).toContain('Tesfaye');
    expect(text).toContain('ti; en');
    expect(text).toContain('Intends to claim asylum');
    // The obligations it fulfils by the titles every screen uses, not by bare codes.
    expect(referral.obligations.length).toBeGreaterThan(0);
    for (const code of referral.obligations) expect(text).toContain(`${obligationTitleIn('en', code)} (${code})`);
    // Not shared: neither in the text a reader sees nor anywhere in the bytes.
    for (const unshared of ['777 0042', 'container 17', 'Kufra']) {
      expect(text).not.toContain(unshared);
      expect(answer.bytes.toString('latin1')).not.toContain(unshared);
    }
    // The document properties name the referral, not the person.
    expect(answer.bytes.toString('latin1')).not.toMatch(/Yonas|Tesfaye/);
  });

  it('is audited as a read of exactly the printed fields', async () => {
    await bytesOf(w.server, w.officer.id, `/api/referrals/${referral.id}/form.pdf`);
    const events = await db().selectFrom('audit_events').select(['action', 'fields', 'actor_user_id']).where('record_id', '=', referral.id).where('action', '=', 'referral.form_printed').execute();
    expect(events.map((e) => e.actor_user_id).sort()).toEqual([w.ngoStaff.id, w.officer.id].sort());
    for (const event of events) {
      const printed = JSON.parse(event.fields) as string[];
      expect(printed).toEqual(expect.arrayContaining(['givenName', 'familyName', 'nationality', 'languages']));
      expect(printed).not.toContain('phone');
      expect(printed).not.toContain('address');
    }
  });

  it('is not printed before the referral is sent: paper is sharing too', async () => {
    const draft = await w.officer.caller.post('/api/referrals', { personId, providerId: w.providers.ngo, service: 'legal_aid' });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const answer = await bytesOf(w.server, w.officer.id, `/api/referrals/${draft.body.id}/form.pdf`);
    expect(answer.status).toBe(409);
    expect(JSON.parse(answer.bytes.toString('utf8')).type).toMatch(/referral-not-sent$/);
  });

  it('is refused to the recipient once its access has ended, and the attempt is audited', async () => {
    const closed = await w.officer.caller.post(`/api/referrals/${referral.id}/close`, { version: referral.version });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const answer = await bytesOf(w.server, w.ngoStaff.id, `/api/referrals/${referral.id}/form.pdf`);
    expect(answer.status).toBe(403);
    expect(answer.bytes.toString('utf8')).not.toContain('Yonas');
    const refusals = await db().selectFrom('audit_events').select(['fields', 'actor_user_id']).where('action', '=', 'person.read_refused').where('record_id', '=', personId).execute();
    expect(refusals).toEqual([{ fields: JSON.stringify(['referral form']), actor_user_id: w.ngoStaff.id }]);
    // Another agency never finds it; the sender no longer prints an ended referral.
    expect((await bytesOf(w.server, w.clinicStaff.id, `/api/referrals/${referral.id}/form.pdf`)).status).toBe(404);
    expect((await bytesOf(w.server, w.officer.id, `/api/referrals/${referral.id}/form.pdf`)).status).toBe(409);
  });

  it('prints names in their own script with a bundled font, and right-to-left names in visual word order', async () => {
    expect(printedIn('Mohamed El Hassan')).toEqual({ font: undefined, text: 'Mohamed El Hassan' });
    expect(printedIn('Ünal Öztürk – Café').font).toBeUndefined();
    const arabic = printedIn('محمد الحسن');
    expect(arabic.font?.name).toBe('NotoArabic');
    expect(arabic.text).toBe('الحسن\u00a0محمد');
    expect(printedIn('ሰናይት ሃይለ').font?.name).toBe('NotoEthiopic');
    expect(printedIn('মোহাম্মদ').font?.name).toBe('NotoBengali');
    expect(printedIn('Мухаммад').font?.name).toBe('NotoCyrillic');
    expect(printedIn('Nguyễn Văn').font?.name).toBe('NotoLatinExt');
    expect(printedIn('山田').text).toContain('read it in Haven');
    const pdf = await renderReferralForm(
      {
        reference: 'HVN-2026-00099',
        service: 'health',
        urgency: 'routine',
        status: 'sent',
        dueBy: null,
        from: 'Police',
        to: { name: 'Clinic', area: 'Lampedusa', contact: null, hours: null },
        obligations: [],
        basis: 'not yet sent',
        reason: null,
        sharedGroups: ['identity'],
        person: [
          { label: 'Given name', value: 'محمد' },
          { label: 'Other name', value: 'ሰናይት' },
        ],
        printedAt: '2026-03-01T06:00:00.000Z',
        printedBy: 'officer',
      },
      { compress: false },
    );
    const raw = pdf.toString('latin1');
    expect(pdfText(pdf)).toContain('HVN-2026-00099');
    // The fonts are embedded (subset) for the glyphs printed.
    expect(raw).toMatch(/FontName \/[A-Z]{6}\+NotoSansArabic/);
    expect(raw).toMatch(/FontName \/[A-Z]{6}\+NotoSansEthiopic/);
  });
});
