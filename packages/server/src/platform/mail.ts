import nodemailer from 'nodemailer';
import type { HavenConfig } from './config.js';

/** Sends plain-text mail to staff. Never carries personal data of a migrant: only a pointer to sign in. */
export interface Mailer {
  send(to: string, subject: string, text: string): Promise<void>;
}

/** A mailer over the configured SMTP server, or undefined when none is configured (in-app only). */
export function createMailer(config: Pick<HavenConfig, 'smtpUrl' | 'mailFrom'>): Mailer | undefined {
  if (!config.smtpUrl) return undefined;
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    async send(to, subject, text) {
      await transport.sendMail({ from: config.mailFrom, to, subject, text });
    },
  };
}
