// Where roster's own files are once built: two levels up from dist/src/paths.js, or from the
// bundle in dist/bin/ that holds this code (build/bundle.ts gives it its own URL as import.meta.url).
// A single executable (build/package.ts) has no such folder: the files are assets built into it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';

export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
/** True in roster-<version>-linux-x64 and roster-<version>-win-x64.exe. */
export const singleExecutable = isSea();
/**
 * The default Active Directory mapping, used when config.json names no fields file: read with
 * shippedText('fields.config.json'); this is its name in messages.
 */
export const defaultFieldsFile = singleExecutable ? 'fields.config.json (built into roster)' : join(packageRoot, 'fields.config.json');

/**
 * One of roster's own files, named as in the package (package.json, fields.config.json,
 * schema/config.schema.json): from the package folder, or the executable's asset of that name.
 */
export function shippedText(name: string): string {
  return singleExecutable ? getAsset(name, 'utf8') : readFileSync(join(packageRoot, name), 'utf8');
}

/** The files build/package.ts builds into the single executables, for shippedText(). */
export const SHIPPED_FILES = ['package.json', 'fields.config.json', 'schema/config.schema.json', 'schema/fields.schema.json'] as const;
