import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../platform/mail.js';
import { startSmtpSink } from '../../test-support/smtp.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type TestServer } from '../../test-support/server.js';
import { sendReminders } from './reminders.js';

// Reminders also go by e-mail when SMTP is configured: to a local SMTP server here, on loopback.


describe('reminders by e-mail', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    server = await startTestServer('sqlite', { logLevel: 'warn' });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('sends each reminder once to the officer and supervisors who have an address, and names nobody', async () => {
    const { platform } = server;
    const agency = await makeAgency(platform, 'Mail Unit');
    const officerId = await makeUser(platform, agency, 'protection_officer', 'mail.officer');
    const supervisorId = await makeUser(platform, agency, 'supervisor', 'mail.supervisor');
    await makeUser(platform, agency, 'supervisor', 'mail.nomail');
    await platform.database.db.updateTable('users').set({ email: 'officer@example.org' }).where('id', '=', officerId).execute();
    await platform.database.db.updateTable('users').set({ email: 'supervisor@example.org' }).where('id', '=', supervisorId).execute();
    const officer = await sessionFor(server, officerId);
    const registered = await officer.post('/api/persons', { givenName: 'Hawa', familyName: 'Keita', sex: 'female', ageClaimed: 30 });
    expect(registered.status).toBe(201);

    const mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'haven@example.org' })!;
    server.clock.advance(23 * 3_600_000); // info.rights (24 h) is now due within two hours
    const first = await sendReminders(platform, mailer);
    expect(first.dueSoon).toBeGreaterThan(0);
    await expect.poll(() => smtp.received.length).toBeGreaterThan(0);
    const recipients = smtp.received.flatMap((r) => r.to).sort();
    expect(new Set(recipients)).toEqual(new Set(['officer@example.org', 'supervisor@example.org']));
    for (const mail of smtp.received) {
      expect(mail.body).toContain('due within two hours');
      expect(mail.body.toLowerCase()).not.toContain('hawa');
      expect(mail.body.toLowerCase()).not.toContain('keita');
    }
    const count = smtp.received.length;
    await sendReminders(platform, mailer);
    expect(smtp.received.length).toBe(count);
  });
});
