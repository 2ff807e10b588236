import { describe, expect, it } from 'vitest';
import { conductBlocks } from './conduct-text';

describe('the code of conduct as written', () => {
  it('keeps a heading line and a numbered list apart, one item per line, not one run-on paragraph', () => {
    const text = 'Code of conduct (version 1).\n1. Treat every person with humanity.\n2. Put life first.\n3. Report any failure to assist.';
    expect(conductBlocks(text)).toEqual([
      { kind: 'paragraph', lines: ['Code of conduct (version 1).'] },
      { kind: 'list', ordered: true, start: 1, items: ['Treat every person with humanity.', 'Put life first.', 'Report any failure to assist.'] },
    ]);
  });

  it('separates paragraphs at blank lines, keeps line breaks within one, and reads bullets as a list', () => {
    expect(conductBlocks('First line\nsecond line\n\nNext paragraph\r\n- one\n* two\n\n3) three')).toEqual([
      { kind: 'paragraph', lines: ['First line', 'second line'] },
      { kind: 'paragraph', lines: ['Next paragraph'] },
      { kind: 'list', ordered: false, start: 1, items: ['one', 'two'] },
      { kind: 'list', ordered: true, start: 3, items: ['three'] },
    ]);
  });
});
