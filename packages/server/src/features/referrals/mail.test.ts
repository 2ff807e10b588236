import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../platform/mail.js';
import { startSmtpSink } from '../../test-support/smtp.js';
import { referralWorld, type ReferralWorld } from './test-support/world.js';

// Every transition notifies the other side in-app and, with SMTP configured,
// by e-mail — naming the referral's reference, never the person.

describe('referral transitions by e-mail', () => {
  let w: ReferralWorld;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    w = await referralWorld('sqlite');
    w.server.platform.mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'haven@example.org' });
  });
  afterAll(async () => {
    await w.server.close();
    await smtp.close();
  });

  it('mails the provider’s staff when a referral is sent and the sender when it is accepted', async () => {
    const { db } = w.server.platform.database;
    await db.updateTable('users').set({ email: 'lawyer@example.org' }).where('id', '=', w.ngoStaff.id).execute();
    await db.updateTable('users').set({ email: 'officer@example.org' }).where('id', '=', w.officer.id).execute();
    const person = await w.officer.caller.post('/api/persons', { givenName: 'Amira', familyName: 'Haddad', sex: 'female', ageClaimed: 27, indicators: ['asylum_intent'] });
    const personId = person.body.id as string;
    expect(
      (await w.officer.caller.post(`/api/persons/${personId}/consents`, { recipientAgencyId: w.agencies.ngo, purpose: 'asylum', status: 'given', language: 'ar', interpreter: true })).status,
    ).toBe(201);
    const draft = await w.officer.caller.post('/api/referrals', { personId, providerId: w.providers.ngo, service: 'asylum', urgency: 'urgent' });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const sent = await w.officer.caller.post(`/api/referrals/${draft.body.id}/send`, { version: draft.body.version });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    await expect.poll(() => smtp.received.filter((m) => m.to.includes('lawyer@example.org')).length).toBe(1);
    const accepted = await w.ngoStaff.caller.post(`/api/referrals/${draft.body.id}/accept`, { version: sent.body.version });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    await expect.poll(() => smtp.received.filter((m) => m.to.includes('officer@example.org')).length).toBe(1);
    for (const mail of smtp.received) {
      expect(mail.body).toContain(draft.body.reference as string);
      expect(mail.body.toLowerCase()).not.toContain('amira');
      expect(mail.body.toLowerCase()).not.toContain('haddad');
    }
  });
});
