import { Fragment } from 'react';
import { conductBlocks } from './conduct-text';

/** The code of conduct with its paragraphs, line breaks and lists as written. */
export function ConductText({ text }: { text: string }) {
  return (
    <>
      {conductBlocks(text).map((block, index) =>
        block.kind === 'paragraph' ? (
          <p key={index}>
            {block.lines.map((line, n) => (
              <Fragment key={n}>
                {n > 0 ? <br /> : null}
                {line}
              </Fragment>
            ))}
          </p>
        ) : block.ordered ? (
          <ol key={index} start={block.start}>
            {block.items.map((item, n) => (
              <li key={n}>{item}</li>
            ))}
          </ol>
        ) : (
          <ul key={index}>
            {block.items.map((item, n) => (
              <li key={n}>{item}</li>
            ))}
          </ul>
        ),
      )}
    </>
  );
}
