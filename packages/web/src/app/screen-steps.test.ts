import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The long screens are told as named steps, each small enough to read at once: a component or
// hook of these files that grows past the limit is a step that wants splitting again.

const LIMIT = 80;
const SCREENS = ['features/cases/ReferralsSection.tsx', 'features/cases/AgeSection.tsx', 'features/cases/AgeForms.tsx', 'features/first-response/EncounterScreen.tsx', 'features/admin/DirectoryScreen.tsx', 'features/referrals-inbox/ReferralScreen.tsx', 'features/cases/RetentionSection.tsx', 'features/cases/LegalHolds.tsx', 'features/admin/ConductScreen.tsx', 'features/admin/RetentionScreen.tsx', 'features/admin/SettingsScreen.tsx', 'features/account/AccountScreen.tsx', 'features/oversight/LegalHoldsScreen.tsx', 'features/cases/DetentionSection.tsx', 'features/cases/DetentionForms.tsx', 'features/cases/ConsularForms.tsx'];

/** Each top-level function of a file (declared, or a function given to a const, memo() included) with its length in lines. */
export function functionLengths(file: string, source: string): { name: string; lines: number }[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const lines = (node: ts.Node) => tree.getLineAndCharacterOfPosition(node.getEnd()).line - tree.getLineAndCharacterOfPosition(node.getStart(tree)).line + 1;
  const found: { name: string; lines: number }[] = [];
  for (const statement of tree.statements) {
    if (ts.isFunctionDeclaration(statement)) found.push({ name: statement.name?.text ?? 'default', lines: lines(statement) });
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const value = declaration.initializer;
        const isFunction = (node: ts.Node | undefined) => node !== undefined && (ts.isArrowFunction(node) || ts.isFunctionExpression(node));
        if (value && (isFunction(value) || (ts.isCallExpression(value) && value.arguments.some(isFunction)))) found.push({ name: declaration.name.getText(tree), lines: lines(value) });
      }
    }
  }
  return found;
}

describe('the long screens, in steps', () => {
  it('measures a function from its first line to its last', () => {
    const source = 'function A() {\n  return 1;\n}\nconst B = memo(function B() {\n  return 2;\n});\nconst c = 3;\n';
    expect(functionLengths('a.tsx', source)).toEqual([
      { name: 'A', lines: 3 },
      { name: 'B', lines: 3 },
    ]);
  });

  it.each(SCREENS)(`keeps every component and hook of %s within ${LIMIT} lines`, (file) => {
    const source = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    const long = functionLengths(file, source).filter((entry) => entry.lines > LIMIT);
    expect(long).toEqual([]);
  });
});
