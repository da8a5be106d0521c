// Reads a secret from the environment variable or file that config.json names.
// Secret values never go into errors or logs; only where they were looked for does.
import { readFileSync } from 'node:fs';
import { errnoText, InvalidInputError } from '../errors.js';
import { registerSecret } from '../log/redact.js';
import type { SecretSource } from './types.js';

export function readSecret(source: SecretSource): string {
  if (source.kind === 'env') {
    const value = process.env[source.name];
    if (value === undefined || value === '') {
      throw new InvalidInputError(`environment variable ${source.name} (named by ${source.configKey}) is not set or is empty`, {
        hint: `Set ${source.name} in the environment of the scheduled task, or use a file instead (${source.configKey.replace(/Env$/, 'File')}).`,
      });
    }
    registerSecret(value);
    return value;
  }
  let text: string;
  try {
    text = readFileSync(source.path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read the secret file ${source.path} (named by ${source.configKey}): ${errnoText(error)}`, {
      hint: 'Check the path and that the account running roster may read it.',
    });
  }
  // A trailing newline is what editors and `echo` leave behind; it is never part of a password.
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new InvalidInputError(`the secret file ${source.path} (named by ${source.configKey}) is empty`);
  registerSecret(value);
  return value;
}
