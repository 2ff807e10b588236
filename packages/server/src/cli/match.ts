import { DEFAULT_MATCH_THRESHOLD, matchPersonSchema, matchPersons, type MatchPerson } from '@haven/core';
import type { Command } from 'commander';
import { CliError } from './errors.js';
import { readStdin } from './stdin.js';

// `haven match [--threshold T] < people.jsonl > pairs.jsonl`: the identity matcher of
// packages/core on a file of person records. Other tooling reads its output: one JSON object per
// line, {"a", "b", "score", "reasons"}, for every pair judged to be the same person.

/** Malformed lines reported before giving up: enough to fix a file, not a flood. */
const MAX_REPORTED_LINES = 20;

/** Parses JSON Lines of persons; throws a CliError naming every malformed line (by number) and field. */
export function parsePeople(text: string): MatchPerson[] {
  const people: MatchPerson[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  text
    .replace(/^\uFEFF/u, '')
    .split('\n')
    .forEach((raw, index) => {
      const lineNumber = index + 1;
      const line = raw.trim();
      if (line === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        problems.push(`line ${lineNumber}: not valid JSON`);
        return;
      }
      const parsed = matchPersonSchema.safeParse(value);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'record'}: ${issue.message}`);
        problems.push(`line ${lineNumber}: ${issues.join('; ')}`);
        return;
      }
      const earlier = seen.get(parsed.data.id);
      if (earlier !== undefined) {
        problems.push(`line ${lineNumber}: id: ${parsed.data.id} was already used on line ${earlier}`);
        return;
      }
      seen.set(parsed.data.id, lineNumber);
      people.push(parsed.data);
    });
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED_LINES);
    const more = problems.length > shown.length ? `\n(and ${problems.length - shown.length} more malformed lines)` : '';
    throw new CliError(`invalid input, no pairs printed:\n${shown.join('\n')}${more}`);
  }
  return people;
}

export function parseThreshold(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MATCH_THRESHOLD;
  const threshold = Number(text);
  if (text.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new CliError(`--threshold must be a number from 0 to 1, not ${JSON.stringify(text)}`);
  }
  return threshold;
}

/** The whole command as a function of its input text: the JSON Lines to print. */
export function matchCommand(stdinText: string, threshold = DEFAULT_MATCH_THRESHOLD): string {
  const pairs = matchPersons(parsePeople(stdinText), threshold);
  return pairs.map((pair) => `${JSON.stringify({ a: pair.a, b: pair.b, score: pair.score, reasons: pair.reasons })}\n`).join('');
}

export interface MatchIo {
  stdinIsTTY: () => boolean;
  readStdin: () => Promise<string>;
  writeStdout: (text: string) => void;
}

const processIo: MatchIo = {
  stdinIsTTY: () => process.stdin.isTTY === true,
  readStdin: () => readStdin(),
  writeStdout: (text) => {
    process.stdout.write(text);
  },
};

const EXAMPLES = `
Reads persons as JSON Lines on stdin, one per line:
  {"id", "givenName", "familyName", "otherNames"?: [..], "sex"?: "male"|"female"|"unknown",
   "birthDate"?: "YYYY-MM-DD", "birthDatePrecision"?: "day"|"year"|"estimated", "nationality"?: "SD"}
and prints one line per pair judged to be the same person:
  {"a": id, "b": id, "score": 0..1, "reasons": [..]}
Names may be in any script (Arabic, Perso-Arabic, Ge'ez, Bengali, Cyrillic, Latin). A malformed
line is reported with its number and nothing is printed.

Examples:
  haven match < people.jsonl > pairs.jsonl
  haven match --threshold 0.8 < people.jsonl
`;

export function registerMatch(program: Command, io: MatchIo = processIo): void {
  program
    .command('match')
    .description('find records of the same person across scripts and transliterations')
    .option('-t, --threshold <score>', `lowest score of a pair to print, 0 to 1 (default ${DEFAULT_MATCH_THRESHOLD})`)
    .addHelpText('after', EXAMPLES)
    .action(async (flags: { threshold?: string }) => {
      const threshold = parseThreshold(flags.threshold);
      if (io.stdinIsTTY()) throw new CliError('no input: pipe persons as JSON Lines on stdin, e.g. haven match < people.jsonl');
      io.writeStdout(matchCommand(await io.readStdin(), threshold));
    });
}
