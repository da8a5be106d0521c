// Reads a secret from the environment variable or file that config.json names.
// Secret values never go into errors or logs; only where they were looked for does.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { shellCommand } from '../platform/commandLine.js';
import { errnoText, InvalidInputError } from '../platform/errors.js';
import { registerSecret } from '../platform/log/redact.js';
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

/** Where a warning about a secret goes (a file others can read): the run's log. */
let warn: (message: string) => void = () => {};
const warned = new Set<string>();

export function warnAboutSecretsWith(sink: (message: string) => void): void {
  warn = sink;
}

export function readSecret(source: SecretSource): string {
  if (source.kind === 'env') {
    const value = process.env[source.name];
    if (value !== undefined && value !== '') {
      registerSecret(value);
      // The same rule as a file's: a control character (a CR from a file edited on Windows, a
      // line break) is never part of a secret, and sending it would fail and count toward a lockout.
      const problem = secretProblem(value);
      if (problem !== undefined) {
        throw new InvalidInputError(`the environment variable ${source.name} (named by ${source.configKey}) ${problem}`, {
          hint: `Set ${source.name} to the secret alone, with no line break or tab (a file saved on Windows ends its lines with a carriage return); nothing was sent.`,
        });
      }
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InvalidInputError(`cannot read the secret file ${path} (named by ${configKey}): ${errnoText(error)}`, {
      hint: 'Check the path and that the account running roster may read it.',
    });
  }
  const secret = secretFromFile(bytes);
  if ('problem' in secret) {
    throw new InvalidInputError(`the secret file ${path} (named by ${configKey}) ${secret.problem}`, {
      hint: 'Write the secret alone on one line and save the file as text (UTF-8); nothing was sent.',
    });
  }
  registerSecret(secret.value);
  warnIfOthersCanRead(path, configKey);
  return secret.value;
}

/**
 * As ssh does with a private key: a secret file the group or others may read is said, with the
 * command that fixes it. Windows keeps who may read a file in its ACL, which these bits do not
 * show: there the docs give the icacls command instead.
 */
function warnIfOthersCanRead(path: string, configKey: string): void {
  if (process.platform === 'win32' || warned.has(path)) return;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return;
  }
  if ((mode & 0o077) === 0) return;
  warned.add(path);
  const who = [(mode & 0o070) !== 0 ? 'its group' : '', (mode & 0o007) !== 0 ? 'every account' : ''].filter(Boolean).join(' and ');
  warn(
    `the secret file ${path} (named by ${configKey}) can be read by ${who} (mode ${mode.toString(8).padStart(3, '0')}); let only its owner read it: ${shellCommand(['chmod', '600', path])}`,
  );
}

/**
 * The secret a file holds, without what editors add around it. Pure. On Windows, Notepad and
 * PowerShell 5 (`Set-Content -Encoding UTF8`) start the file with a byte order mark, `>` and
 * Out-File write UTF-16, and an editor may leave a blank line or a trailing space: none of it is
 * part of a password, and sending it would fail the bind (and count toward an account lockout).
 * Leading spaces are kept: they may be part of the secret. A control character left inside (a
 * tab, a line break between two lines) is refused rather than guessed at.
 */
export function secretFromFile(bytes: Uint8Array): { value: string } | { problem: string } {
  let text: string;
  try {
    text =
      bytes[0] === 0xff && bytes[1] === 0xfe
        ? new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2))
        : new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { problem: 'is not UTF-8 text' };
  }
  const value = text.replace(/^\uFEFF/, '').replace(/[\r\n\t ]+$/, '');
  if (value === '') return { problem: 'is empty' };
  const problem = secretProblem(value);
  return problem === undefined ? { value } : { problem };
}

/** Why a secret's text cannot be a secret: a control character inside it. Pure. */
export function secretProblem(value: string): string | undefined {
  if (/\p{Cc}/u.test(value)) return 'holds a control character (such as a tab, or a line break between two lines); a secret is one line of text';
  return undefined;
}
