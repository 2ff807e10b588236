import { fontStackFor, lineHeightFor } from './fonts';
import { SECTION_BASIS, type RightsSheet } from './sheet';

/**
 * A sheet as the migrant sees it: large type, in its own direction and script, whatever the
 * language of the app around it. The review notice's English line and the legal basis (for the
 * officer) are marked as English, so a screen reader switches voice for them.
 */
export function RightsSheetView({ sheet }: { sheet: RightsSheet }) {
  const style = { fontFamily: fontStackFor(sheet.language, sheet.script), lineHeight: lineHeightFor(sheet.language) };
  return (
    <article className="rights-sheet" lang={sheet.language} dir={sheet.direction} style={style} aria-labelledby="rights-sheet-title">
      <h2 id="rights-sheet-title" className="rights-sheet-title">
        {sheet.title}
      </h2>
      {sheet.review.status === 'machine_or_unreviewed' ? (
        <div className="rights-sheet-notice" role="note">
          <p>{sheet.review.notice}</p>
          <p lang="en" dir="ltr" className="rights-sheet-notice-english">
            {sheet.review.noticeEnglish}
          </p>
        </div>
      ) : null}
      {sheet.sections.map((section) => (
        <section key={section.id} className="rights-sheet-section" aria-labelledby={`rights-${section.id}`}>
          <h3 id={`rights-${section.id}`}>{section.heading}</h3>
          {section.sentences.map((sentence) => (
            <p key={sentence}>{sentence}</p>
          ))}
          <p className="rights-sheet-basis" lang="en" dir="ltr">
            {SECTION_BASIS[section.id].join(' · ')}
          </p>
        </section>
      ))}
    </article>
  );
}
