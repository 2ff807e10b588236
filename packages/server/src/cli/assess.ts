import { readFile } from 'node:fs/promises';
import {
  BASELINE_PROFILE,
  ProfileError,
  assess,
  explain,
  loadProfileText,
  parseAssessInput,
  renderExplanation,
  type Profile,
} from '@haven/core';
import type { Command } from 'commander';
import { CliError } from './errors.js';

// `haven assess [--profile FILE] [--explain] < screening.json`: the obligations engine on the
// command line. The work is a pure function of the text read (`assessCommand`); the command
// only reads stdin and the profile file and writes the result.

export interface AssessOptions {
  /** Print the plain-words explanation instead of the JSON assessment. */
  explain?: boolean;
  /** A jurisdiction SOP profile: the file's name (its extension picks JSON or YAML) and text. */
  profile?: { fileName: string; text: string };
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function profileFrom(options: AssessOptions): Profile {
  if (!options.profile) return BASELINE_PROFILE;
  try {
    return loadProfileText(options.profile.text, options.profile.fileName);
  } catch (error) {
    if (error instanceof ProfileError) throw new CliError(`${options.profile.fileName}: ${error.message}`);
    throw error;
  }
}

/** Assesses the screening JSON in `stdinText`; returns what to print, or throws a CliError naming the bad field. */
export function assessCommand(stdinText: string, options: AssessOptions = {}): string {
  const profile = profileFrom(options);
  const text = stdinText.replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    throw new CliError('no input: pipe the screening JSON on stdin, e.g. haven assess < screening.json');
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CliError(`the input is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = parseAssessInput(document, { profileId: profile.id });
  if (!parsed.ok) {
    const hint = parsed.issues.some((issue) => issue.path === 'profile') && !options.profile ? ' (load it with --profile FILE)' : '';
    const issues = parsed.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    throw new CliError(`invalid input: ${issues.join('; ')}${hint}`);
  }
  if (options.explain) return renderExplanation(explain(parsed.value, profile));
  return `${JSON.stringify(assess(parsed.value, profile), null, 2)}\n`;
}

/** The command as a pure function of its input, for tests and embedding: never throws for bad input. */
export function runAssess(stdinText: string, options: AssessOptions = {}): CliResult {
  try {
    return { stdout: assessCommand(stdinText, options), stderr: '', exitCode: 0 };
  } catch (error) {
    if (error instanceof CliError) return { stdout: '', stderr: `haven: ${error.message}\n`, exitCode: error.exitCode };
    throw error;
  }
}

/** The outside world the command touches; tests pass their own. */
export interface AssessIo {
  stdinIsTTY: () => boolean;
  readStdin: () => Promise<string>;
  readFile: (path: string) => Promise<string>;
  writeStdout: (text: string) => void;
}

const processIo: AssessIo = {
  stdinIsTTY: () => process.stdin.isTTY === true,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  },
  readFile: (path) => readFile(path, 'utf8'),
  writeStdout: (text) => {
    process.stdout.write(text);
  },
};

const EXAMPLES = `
Reads one screening as JSON on stdin (DOMAIN.md section 9) and prints the obligations, the
referrals to make and the four guards as JSON. Bad input is refused with the field and value.

Examples:
  haven assess < screening.json
  haven assess --explain < screening.json
  haven assess --profile profiles/example-jurisdiction.yaml < screening.json
`;

export function registerAssess(program: Command, io: AssessIo = processIo): void {
  program
    .command('assess')
    .description('derive the obligations, referrals and guards for one screened person')
    .option('-p, --profile <file>', 'jurisdiction SOP profile, YAML or JSON (default: the baseline, the Protocol floor)')
    .option('-e, --explain', 'print the facts behind every obligation and guard in plain words instead of JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: { profile?: string; explain?: boolean }) => {
      let profile: AssessOptions['profile'];
      if (flags.profile !== undefined) {
        try {
          profile = { fileName: flags.profile, text: await io.readFile(flags.profile) };
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new CliError(`cannot read the profile file ${flags.profile}: ${reason}`);
        }
      }
      if (io.stdinIsTTY()) {
        throw new CliError('no input: pipe the screening JSON on stdin, e.g. haven assess < screening.json');
      }
      const stdinText = await io.readStdin();
      io.writeStdout(assessCommand(stdinText, { explain: flags.explain === true, ...(profile ? { profile } : {}) }));
    });
}
