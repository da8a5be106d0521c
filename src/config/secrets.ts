// Reads a secret from the environment variable or file that config.json names.
// Secret values never go into errors or logs; only where they were looked for does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../errors.js';
import { registerSecret } from '../log/redact.js';
import type { SecretSource } from './types.js';

/**
 * A folder with one file per secret variable, named after it (secrets/ROSTER_BIND_PASSWORD): where
 * a scheduled job's variables come from, since a file needs no quoting whatever the secret holds.
 * --secrets-dir names it; under systemd, $CREDENTIALS_DIRECTORY (LoadCredential=) does.
 */
let secretsDirectory: string | undefined;

export function useSecretsDirectory(folder: string | undefined): void {
  secretsDirectory = folder;
}

export function readSecret(source: SecretSource): string {
  if (source.kind === 'env') {
    const value = process.env[source.name];
    if (value !== undefined && value !== '') {
      registerSecret(value);
      return value;
    }
    const folder = secretsDirectory ?? process.env.CREDENTIALS_DIRECTORY;
    const file = folder === undefined || source.name === '' ? undefined : join(folder, source.name);
    if (file !== undefined && existsSync(file)) return readSecretFile(file, `${source.configKey}, from the secrets folder`);
    const where = folder === undefined ? '' : `, and ${folder} holds no file ${source.name}`;
    throw new InvalidInputError(`environment variable ${source.name} (named by ${source.configKey}) is not set or is empty${where}`, {
      hint: `Set ${source.name} in the environment of the scheduled task, or put it in a file: ${source.configKey.replace(/Env$/, 'File')} in config.json, or a file named ${source.name} in the folder given by --secrets-dir.`,
    });
  }
  return readSecretFile(source.path, source.configKey);
}

function readSecretFile(path: string, configKey: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read the secret file ${path} (named by ${configKey}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      hint: 'Check the path and that the account running roster may read it.',
    });
  }
  // A trailing newline is what editors and `echo` leave behind; it is never part of a password.
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new InvalidInputError(`the secret file ${path} (named by ${configKey}) is empty`);
  registerSecret(value);
  return value;
}
