import { AREA_WORDS, STATUS_WORDS, UNODC_TOOLS, type AssessedItem, type EvidenceIndicator, type GapReport } from '@haven/core';
import PDFDocument from 'pdfkit';

// The gap report (DOMAIN.md section 11): what is absent or partly in place, per area of the
// Framework for Action, with the Protocol article and the UNODC tool that helps close it. Two
// renderings of one content: HTML served by Haven (no inline script or style: the CSP forbids
// them; the stylesheet is its own route) and PDF for circulation.

export interface GapReportContent {
  jurisdictionName: string;
  measuredAt: string;
  preparedBy: string;
  report: GapReport;
  /** The small-cell threshold in force, and the measures it suppressed (said so, never shown as 0). */
  k: number;
  suppressed: readonly EvidenceIndicator[];
}

const basisOf = (entry: AssessedItem) => entry.item.basis.map((b) => (b.startsWith('seed ') ? `seed note para ${b.slice(5)}` : `Protocol ${b}`)).join('; ');

/** The answer's evidence and Haven's own measure, in words. */
function evidenceOf(entry: AssessedItem, content: GapReportContent): string[] {
  const lines: string[] = [];
  if (entry.answer?.evidence) lines.push(entry.answer.evidence);
  if (entry.item.evidence && content.suppressed.includes(entry.item.evidence.indicator)) {
    lines.push(`Measured in Haven: not published, as a part of the share is fewer than ${content.k} cases.`);
  }
  if (entry.suggestion) {
    const measured = `Measured in Haven: ${entry.suggestion.reason}`;
    lines.push(entry.suggestion.status ? `${measured}, suggesting "${STATUS_WORDS[entry.suggestion.status].toLowerCase()}".` : `${measured}.`);
  }
  if (entry.source === 'measure') lines.push('Not yet answered by the coordinator: the status is the measured one.');
  if (entry.contradicted) lines.push("The answer claims more than Haven's own records show.");
  if (entry.reviewDue) lines.push(`Review was due on ${entry.answer?.reviewDate}.`);
  return lines;
}

/** One line: a PDF line break inside free text would break the layout. */
const printable = (text: string) => text.replace(/[\r\n\t]+/g, ' ');

const day = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export const GAP_REPORT_CSS = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #1a1a1a}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #999;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}.absent{color:#8b0000;font-weight:600}.partly{color:#7a4a00;font-weight:600}.note{color:#444;font-size:.9rem}
@media print{body{margin:0;max-width:none}a{color:inherit}}`;

export function renderGapReportHtml(content: GapReportContent): string {
  const { report } = content;
  const e = escapeHtml;
  const rows = (entries: readonly AssessedItem[]) =>
    entries
      .map((entry) => {
        const tool = UNODC_TOOLS[entry.item.tool];
        return `<tr><td>${e(entry.item.id)}</td><td>${e(entry.item.text)}</td><td class="${entry.status}">${e(STATUS_WORDS[entry.status!])}</td><td>${e(basisOf(entry))}</td><td>${evidenceOf(entry, content).map(e).join('<br>') || '—'}</td><td>${e(entry.answer?.responsibleBody ?? '—')}</td><td>${e(entry.answer?.reviewDate ?? '—')}</td><td>${e(tool.title)}<br><span class="note">${e(tool.note)}</span></td></tr>`;
      })
      .join('\n');
  const areas = report.areas
    .map(({ area, gaps, unanswered }) => {
      const table = gaps.length
        ? `<table><thead><tr><th>Item</th><th>What</th><th>Status</th><th>Basis</th><th>Evidence</th><th>Responsible body</th><th>Review by</th><th>Recommended UNODC tool</th></tr></thead><tbody>\n${rows(gaps)}\n</tbody></table>`
        : '<p>No item of this area is absent or partly in place.</p>';
      const open = unanswered.length ? `<p class="note">Not yet answered: ${unanswered.map((u) => e(u.item.id)).join(', ')}.</p>` : '';
      return `<section><h2>${e(AREA_WORDS[area])}</h2>\n${table}\n${open}</section>`;
    })
    .join('\n');
  const counts = report.counts;
  const contradicted = report.contradicted.length
    ? `<section><h2>Answers Haven's records contradict</h2><ul>${report.contradicted.map((c) => `<li>${e(c.item.id)}: answered "${e(STATUS_WORDS[c.answer!.status].toLowerCase())}"; ${e(c.suggestion!.reason)}</li>`).join('')}</ul></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Self-assessment gap report: ${e(content.jurisdictionName)}</title>
<link rel="stylesheet" href="/api/self-assessment/report.css"></head>
<body><main>
<h1>Self-assessment gap report: ${e(content.jurisdictionName)}</h1>
<p>Against the UNODC International Framework for Action to Implement the Smuggling of Migrants Protocol: what is absent or partly in place, per area, with the article of the Protocol (or the good practice of the note on protection and assistance, CTOC/COP/WG.7/2012/3) and the UNODC tool recommended to close the gap.</p>
<p class="note">Measured ${e(day(content.measuredAt))}; prepared by ${e(content.preparedBy)}. Figures are counts from Haven, never about one person; a share is shown only over enough cases.</p>
<table><thead><tr><th>In place</th><th>Partly</th><th>Absent</th><th>Not applicable</th><th>Unanswered</th></tr></thead>
<tbody><tr><td>${counts.in_place}</td><td>${counts.partly}</td><td>${counts.absent}</td><td>${counts.not_applicable}</td><td>${counts.unanswered}</td></tr></tbody></table>
${areas}
${contradicted}
</main></body></html>
`;
}

/** The same report as a PDF. `compress: false` keeps content streams readable (for tests). */
export function renderGapReportPdf(content: GapReportContent, options: { compress?: boolean } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    compress: options.compress ?? true,
    size: 'A4',
    margin: 50,
    lang: 'en',
    info: { Title: `Self-assessment gap report: ${printable(content.jurisdictionName)}`, Creator: 'Haven', Producer: 'Haven', CreationDate: new Date(content.measuredAt) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // The standard fonts print WinAnsi: free text in another script is replaced, never garbled.
  const safe = (text: string) => printable(text).replace(/[^\u0020-\u007e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d]/g, '?');
  const { report } = content;
  doc.font('Helvetica-Bold').fontSize(16).text(`Self-assessment gap report: ${safe(content.jurisdictionName)}`);
  doc.font('Helvetica').fontSize(9).fillColor('#444444');
  doc.text('Against the UNODC International Framework for Action to Implement the Smuggling of Migrants Protocol: what is absent or partly in place, with the Protocol article and the recommended UNODC tool.');
  doc.text(`Measured ${day(content.measuredAt)}; prepared by ${safe(content.preparedBy)}. Counts from Haven, never about one person.`);
  const c = report.counts;
  doc.fillColor('#000000').fontSize(10).moveDown(0.5).text(`In place ${c.in_place} - partly ${c.partly} - absent ${c.absent} - not applicable ${c.not_applicable} - unanswered ${c.unanswered}`);
  for (const { area, gaps, unanswered } of report.areas) {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).text(AREA_WORDS[area]).font('Helvetica').fontSize(10);
    if (gaps.length === 0) doc.text('No item of this area is absent or partly in place.');
    for (const entry of gaps) {
      const tool = UNODC_TOOLS[entry.item.tool];
      doc.moveDown(0.4).font('Helvetica-Bold').text(`${entry.item.id} - ${STATUS_WORDS[entry.status!]}`, { continued: true }).font('Helvetica').text(`  ${entry.item.text}`);
      doc.text(`Basis: ${basisOf(entry)}`, { indent: 12 });
      for (const line of evidenceOf(entry, content)) doc.text(`Evidence: ${safe(line)}`, { indent: 12 });
      if (entry.answer?.responsibleBody) doc.text(`Responsible body: ${safe(entry.answer.responsibleBody)}`, { indent: 12 });
      if (entry.answer?.reviewDate) doc.text(`Review by: ${entry.answer.reviewDate}`, { indent: 12 });
      doc.text(`Recommended tool: ${tool.title} (${tool.note})`, { indent: 12 });
    }
    if (unanswered.length) doc.moveDown(0.3).fontSize(9).fillColor('#444444').text(`Not yet answered: ${unanswered.map((u) => u.item.id).join(', ')}.`).fillColor('#000000').fontSize(10);
  }
  if (report.contradicted.length) {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).text("Answers Haven's records contradict").font('Helvetica').fontSize(10);
    for (const entry of report.contradicted) doc.text(`${entry.item.id}: answered "${STATUS_WORDS[entry.answer!.status].toLowerCase()}"; ${entry.suggestion!.reason}`);
  }
  doc.end();
  return done;
}
