/** A block of the code of conduct as written: a paragraph, or a list (numbered or not). */
export type ConductBlock = { kind: 'paragraph'; lines: string[] } | { kind: 'list'; ordered: boolean; start: number; items: string[] };

const NUMBERED = /^(\d+)[.)]\s+(.*)$/;
const BULLET = /^[-*•]\s+(.*)$/;

/**
 * The stored text, read as its author wrote it: lines that start "1." or "-" are list items (a
 * numbered run one list), other lines paragraphs, a blank line between paragraphs. Nothing is
 * parsed as markup: the text stays text.
 */
export function conductBlocks(text: string): ConductBlock[] {
  const blocks: ConductBlock[] = [];
  let paragraph: string[] | undefined;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    const numbered = NUMBERED.exec(line);
    const bullet = numbered ? null : BULLET.exec(line);
    const last = blocks.at(-1);
    if (line === '') {
      paragraph = undefined;
    } else if (numbered || bullet) {
      paragraph = undefined;
      const ordered = numbered !== null;
      const item = numbered ? numbered[2] : bullet![1];
      if (last?.kind === 'list' && last.ordered === ordered) last.items.push(item);
      else blocks.push({ kind: 'list', ordered, start: numbered ? Number(numbered[1]) : 1, items: [item] });
    } else if (paragraph) {
      paragraph.push(line);
    } else {
      paragraph = [line];
      blocks.push({ kind: 'paragraph', lines: paragraph });
    }
  }
  return blocks;
}
