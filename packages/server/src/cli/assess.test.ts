import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assessCommand, registerAssess, runAssess, type AssessIo } from './assess.js';
import { CliError } from './errors.js';
import { main } from './main.js';

const exampleProfile = fileURLToPath(new URL('../../../../profiles/example-jurisdiction.yaml', import.meta.url));

const screening = {
  encounteredAt: '2026-03-01T06:00:00Z',
  encounterType: 'land_apprehension',
  person: { sex: 'female', age: 15, accompaniment: 'unaccompanied', nationality: 'ER', languages: ['ti'] },
  indicators: ['fear_of_return', 'needs_interpreter'],
};
const stdin = JSON.stringify(screening);

describe('runAssess', () => {
  it('prints the assessment as JSON indented by two spaces and exits 0', () => {
    const result = runAssess(stdin);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.endsWith('}\n')).toBe(true);
    expect(result.stdout).toContain('\n  "flags": [\n    "child",');
    const output = JSON.parse(result.stdout);
    expect(Object.keys(output)).toEqual(['flags', 'obligations', 'referrals', 'guards']);
    expect(output.guards.return).toEqual({ allowed: false, blockedBy: ['protection.non_refoulement', 'children.best_interests'] });
  });

  it('prints the plain-words explanation with --explain', () => {
    const result = runAssess(stdin, { explain: true });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('children.guardian: OPEN, due by 2026-03-04T06:00:00Z');
    expect(result.stdout).toContain('Why: The person is a child (age 15).');
    // Who may override each refusal (DOMAIN.md section 6): no one, for her return or a smuggling charge.
    expect(result.stdout).toContain('No one may override it (protection.non_refoulement)');
    expect(result.stdout).toContain('No one may override it (protection.non_criminalization)');
    expect(result.stdout).toContain('Override: a child is detained only as a measure of last resort');
    expect(() => JSON.parse(result.stdout)).toThrow();
  });

  it('assesses under a jurisdiction profile given as YAML', () => {
    const result = runAssess(stdin, { profile: { fileName: exampleProfile, text: readFileSync(exampleProfile, 'utf8') } });
    const output = JSON.parse(result.stdout);
    expect(output.obligations.find((o: { code: string }) => o.code === 'children.best_interests').dueBy).toBe('2026-03-01T18:00:00Z');
    expect(output.obligations.map((o: { code: string }) => o.code)).toContain('sop.child_shelter');
  });

  it('assesses under a jurisdiction profile given as JSON', () => {
    const text = JSON.stringify({ id: 'json-profile', deadlines: { 'info.rights': 'PT6H' } });
    const output = JSON.parse(runAssess(stdin, { profile: { fileName: 'p.json', text } }).stdout);
    expect(output.obligations.find((o: { code: string }) => o.code === 'info.rights').dueBy).toBe('2026-03-01T12:00:00Z');
  });

  it('refuses input that is not JSON: one message on stderr, nothing on stdout, a non-zero exit', () => {
    const result = runAssess('{"encounteredAt": ');
    expect(result.stdout).toBe('');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/^haven: the input is not valid JSON: .+\n$/);
  });

  it('refuses empty input', () => {
    expect(runAssess('  \n')).toEqual({
      stdout: '',
      stderr: 'haven: no input: pipe the screening JSON on stdin, e.g. haven assess < screening.json\n',
      exitCode: 1,
    });
  });

  it('refuses invalid input, naming each field and its value on one line', () => {
    const result = runAssess(JSON.stringify({ ...screening, person: { age: -3 }, indicators: ['child'] }));
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'haven: invalid input: person.age: impossible age -3: it cannot be negative; indicators[0]: "child" is derived from the person record (age, sex, accompaniment) and is never entered by hand\n',
    );
  });

  it('refuses a profile that lengthens a deadline, naming the file and the entry', () => {
    const result = runAssess(stdin, { profile: { fileName: 'lax.yaml', text: 'id: lax\ndeadlines:\n  children.guardian: P5D\n' } });
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('haven: lax.yaml: invalid SOP profile "lax": deadlines.children.guardian: "P5D" for children.guardian is longer than the baseline deadline of 72 h');
  });

  it('refuses a profile file that is not YAML', () => {
    const result = runAssess(stdin, { profile: { fileName: 'broken.yaml', text: 'id: [' } });
    expect(result.stderr).toMatch(/^haven: broken\.yaml: invalid SOP profile: broken\.yaml is not valid YAML/);
  });

  it('refuses an input that names a profile other than the one loaded, and says how to load it', () => {
    const result = runAssess(JSON.stringify({ ...screening, profile: 'example-jurisdiction' }));
    expect(result.stderr).toBe(
      'haven: invalid input: profile: the input asks for profile "example-jurisdiction" but the profile in use is "baseline" (load it with --profile FILE)\n',
    );
  });

  it('throws a CliError from assessCommand, for main to report', () => {
    expect(() => assessCommand('[]')).toThrowError(CliError);
  });
});

function fakeIo(stdinText: string, files: Record<string, string> = {}): AssessIo & { written: string[] } {
  const written: string[] = [];
  return {
    written,
    stdinIsTTY: () => false,
    readStdin: async () => stdinText,
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
    writeStdout: (text) => {
      written.push(text);
    },
  };
}

function program(io: AssessIo): Command {
  const root = new Command('haven').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerAssess(root, io);
  return root;
}

describe('haven assess', () => {
  it('reads stdin and writes the assessment', async () => {
    const io = fakeIo(stdin);
    await program(io).parseAsync(['node', 'haven', 'assess']);
    expect(JSON.parse(io.written.join('')).flags).toContain('unaccompanied_child');
  });

  it('reads the profile file named by --profile', async () => {
    const io = fakeIo(stdin, { 'sop.yaml': 'id: sop\ndeadlines:\n  children.guardian: PT48H\n' });
    await program(io).parseAsync(['node', 'haven', 'assess', '--profile', 'sop.yaml', '--explain']);
    expect(io.written.join('')).toContain('Deadline: 48 h after the encounter (2026-03-01T06:00:00Z); shortened by the profile from the baseline 72 h.');
  });

  it('reports a profile file it cannot read', async () => {
    const io = fakeIo(stdin);
    await expect(program(io).parseAsync(['node', 'haven', 'assess', '--profile', 'missing.yaml'])).rejects.toThrowError(
      /cannot read the profile file missing\.yaml: ENOENT/,
    );
    expect(io.written).toEqual([]);
  });

  it('refuses to wait for a terminal: the screening must be piped in', async () => {
    const io = { ...fakeIo(stdin), stdinIsTTY: () => true };
    await expect(program(io).parseAsync(['node', 'haven', 'assess'])).rejects.toThrowError(/no input: pipe the screening JSON/);
  });
});

describe('haven assess through main', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints help for assess with its options and exits 0', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    expect(await main(['node', 'haven', 'assess', '--help'])).toBe(0);
    expect(out).toContain('Usage: haven assess [options]');
    expect(out).toContain('--profile <file>');
    expect(out).toContain('--explain');
    expect(out).toContain('haven assess < screening.json');
  });

  it('lets commander refuse an unknown option', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const error = await program(fakeIo(stdin))
      .parseAsync(['node', 'haven', 'assess', '--verbose'])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommanderError);
  });
});
