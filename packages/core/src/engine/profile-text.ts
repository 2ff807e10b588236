import { parse } from 'yaml';
import { loadProfile, ProfileError, type Profile } from './profiles.js';

// Decoding a profile file's text. Kept apart from profiles.ts so the engine itself needs no YAML
// parser; the CLI and the server read the file and hand its text here.

/** Decodes a profile from YAML or JSON text (JSON when the name ends in .json; YAML, a superset, otherwise). */
export function decodeProfileText(text: string, fileName = 'profile.yaml'): unknown {
  try {
    return fileName.toLowerCase().endsWith('.json') ? JSON.parse(text) : parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ProfileError(null, [{ path: '', message: `${fileName} is not valid ${fileName.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${reason}` }]);
  }
}

/** Decodes, checks and compiles a profile file's text; throws a ProfileError naming every bad entry. */
export function loadProfileText(text: string, fileName = 'profile.yaml'): Profile {
  return loadProfile(decodeProfileText(text, fileName));
}
