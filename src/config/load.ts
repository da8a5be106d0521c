// Reads config.json from disk. The checking itself is in parse.ts.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, InvalidInputError } from '../platform/errors.js';
import { parseConfig } from './parse.js';
import { BACKSLASH_HINT, findJsonSyntaxError } from './jsonSyntax.js';
import type { Json } from './reader.js';
import type { RosterConfig } from './types.js';
import { proxyEnvironmentProblems } from './urls.js';

export function loadConfig(configPath: string): RosterConfig {
  const file = resolve(configPath);
  const config = parseConfig(readJsonFile(file, 'config file'), file, dirname(file));
  checkProxyEnvironment(process.env);
  return config;
}

/** Exit 2 when a proxy variable cannot be used, naming it: found now, not after a token was asked for. */
export function checkProxyEnvironment(env: NodeJS.ProcessEnv): void {
  const problems = proxyEnvironmentProblems(env);
  if (problems.length === 0) return;
  const message = problems.length === 1 ? `the environment variable ${problems[0]}` : `the environment variables:\n  - ${problems.join('\n  - ')}`;
  throw new InvalidInputError(message, {
    hint: 'Fix or unset it where the job gets its environment (the scheduled task, roster.env, the service unit) and run again.',
  });
}

function missingFileHint(what: string): string {
  const hint = 'Pass the right path with --config, or run roster from the folder that holds config.json.';
  return what === 'config file' ? `${hint} No config yet? "roster init" writes a starter config.json and fields.config.json.` : hint;
}

/** Reads and parses a JSON file, turning every failure into exit 2 with the file's name. */
export function readJsonFile(file: string, what: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(code === 'ENOENT' ? `${what} ${file} does not exist` : `cannot read ${what} ${file}: ${(error as Error).message}`, {
      hint: code === 'ENOENT' ? missingFileHint(what) : undefined,
      cause: error,
    });
  }
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body) as Json;
  } catch (error) {
    // Node.js's message gives no position for some mistakes: find the line and column ourselves.
    const found = findJsonSyntaxError(body);
    const where = found === undefined ? (error as Error).message : `line ${found.line}, column ${found.column}: ${found.problem}`;
    throw new ConfigError(file, [`is not valid JSON: ${where}`], {
      hint: found?.badEscape
        ? BACKSLASH_HINT
        : 'JSON allows no comments and no trailing commas, and takes text in double quotes; look at that line in an editor.',
    });
  }
}
