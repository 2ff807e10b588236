import { SERVICE_WORDS, type FieldGroup, type ServiceType } from '@haven/core';
import { obligationTitleIn } from '@haven/core/obligation-titles';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

// The printable referral form: the referral's reference, service and dueBy,
// and the person's fields of the shared groups only. Paper travels further than a screen, so the
// form carries the person's record fields (identity, contact) of the shared groups and nothing of
// the protection, health or statements groups, which the recipient reads in Haven, where it is audited.

export interface ReferralFormContent {
  reference: string;
  service: ServiceType;
  urgency: string;
  status: string;
  dueBy: string | null;
  from: string;
  to: { name: string; area: string; contact: string | null; hours: string | null };
  obligations: string[];
  basis: string;
  reason: string | null;
  sharedGroups: FieldGroup[];
  /** The person's fields to print, already narrowed to the shared groups. */
  person: { label: string; value: string }[];
  printedAt: string;
  printedBy: string;
}

// The standard PDF fonts encode WinAnsi only. Names in other scripts (Arabic and Perso-Arabic,
// Ge'ez, Bengali, Cyrillic, extended Latin) print in the bundled Noto fonts, chosen by the
// script of the value.
const WIN_ANSI = /^[\u0020-\u007e\u00a0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]*$/u;

const require = createRequire(import.meta.url);
const fontFile = (pkg: string, file: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'files', file);

interface ScriptFont {
  name: string;
  test: RegExp;
  file: () => string;
  rtl: boolean;
}

const SCRIPT_FONTS: readonly ScriptFont[] = [
  { name: 'NotoArabic', test: /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/u, file: () => fontFile('@fontsource/noto-sans-arabic', 'noto-sans-arabic-arabic-400-normal.woff'), rtl: true },
  { name: 'NotoEthiopic', test: /[\u1200-\u139f\u2d80-\u2ddf]/u, file: () => fontFile('@fontsource/noto-sans-ethiopic', 'noto-sans-ethiopic-ethiopic-400-normal.woff'), rtl: false },
  { name: 'NotoBengali', test: /[\u0980-\u09ff]/u, file: () => fontFile('@fontsource/noto-sans-bengali', 'noto-sans-bengali-bengali-400-normal.woff'), rtl: false },
  { name: 'NotoCyrillic', test: /[\u0400-\u04ff]/u, file: () => fontFile('@fontsource/noto-sans', 'noto-sans-cyrillic-400-normal.woff'), rtl: false },
  { name: 'NotoLatinExt', test: /[\u0100-\u024f\u1e00-\u1eff]/u, file: () => fontFile('@fontsource/noto-sans', 'noto-sans-latin-ext-400-normal.woff'), rtl: false },
];

export function printable(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

/**
 * The font a value prints in and the text to print. A right-to-left name is given word by word
 * in visual order, joined by no-break spaces, since the layout shapes each run but does not
 * reorder words.
 */
export function printedIn(text: string): { font: ScriptFont | undefined; text: string } {
  const flat = printable(text);
  if (WIN_ANSI.test(flat)) return { font: undefined, text: flat };
  const font = SCRIPT_FONTS.find((f) => f.test.test(flat));
  if (!font) return { font: undefined, text: '[written in a script this form cannot print: read it in Haven]' };
  return { font, text: font.rtl ? flat.split(' ').filter(Boolean).reverse().join('\u00a0') : flat };
}

/** `2026-03-04T06:00:00.000Z` → `2026-03-04 06:00 UTC` */
function when(iso: string | null): string {
  return iso === null ? 'none' : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Renders the form. `compress: false` keeps content streams readable (for inspection only). */
export function renderReferralForm(content: ReferralFormContent, options: { compress?: boolean } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    compress: options.compress ?? true,
    size: 'A4',
    margin: 56,
    lang: 'en',
    // The title names the reference only: document properties are shown by viewers and indexers.
    info: { Title: `Referral ${content.reference}`, Creator: 'Haven', Producer: 'Haven', CreationDate: new Date(content.printedAt) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const heading = (text: string) => doc.moveDown(0.6).font('Helvetica-Bold').fontSize(12).text(text).font('Helvetica').fontSize(10);
  const registered = new Set<string>();
  const line = (label: string, value: string) => {
    const { font, text } = printedIn(value);
    if (font && !registered.has(font.name)) {
      doc.registerFont(font.name, font.file());
      registered.add(font.name);
    }
    doc.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font(font?.name ?? 'Helvetica').text(text);
    doc.font('Helvetica');
  };

  doc.font('Helvetica-Bold').fontSize(16).text('Referral form');
  doc.font('Helvetica').fontSize(9).fillColor('#444444').text('Confidential: personal data of a person who may be at risk. Share it with nobody the referral does not name; destroy it when the service is delivered.');
  doc.fillColor('#000000').fontSize(10);

  heading('Referral');
  line('Reference', content.reference);
  line('Service', `${content.service} (${SERVICE_WORDS[content.service]})`);
  line('Urgency', content.urgency);
  line('Due by', when(content.dueBy));
  line('Status', content.status);
  // The obligations by the titles every screen uses (one title per code), the code beside for the record.
  line('Fulfils', content.obligations.length > 0 ? content.obligations.map((code) => `${obligationTitleIn('en', code)} (${code})`).join(', ') : 'none named');
  line('Shared on', content.basis);
  if (content.reason !== null) line('Reason', content.reason);

  heading('From and to');
  line('Referring agency', content.from);
  line('Provider', `${content.to.name} (${content.to.area})`);
  if (content.to.contact !== null) line('Provider contact', content.to.contact);
  if (content.to.hours !== null) line('Opening hours', content.to.hours);

  heading('Person (shared fields only)');
  line('Field groups shared', content.sharedGroups.join(', '));
  if (content.person.length === 0) doc.text('No fields of the person are printed.');
  for (const field of content.person) line(field.label, field.value);

  doc.moveDown(1.2).fontSize(8).fillColor('#444444').text(`Printed ${when(content.printedAt)} by ${printable(content.printedBy)} from Haven.`);
  doc.end();
  return done;
}
