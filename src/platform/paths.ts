// Where roster's own files are: the folder holding roster's package.json, found by walking up
// from this code (dist/src/platform/paths.js, or the bundle dist/bin/roster.cjs, which
// build/bundle.ts gives its own URL as import.meta.url), so moving either does not break it.
// A single executable (build/package.ts) has no such folder: the files are assets built into it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';

/** True in roster-<version>-linux-x64 and roster-<version>-win-x64.exe. */
export const singleExecutable = isSea();

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'roster') return dir;
    if (dirname(dir) === dir) throw new Error(`roster's package.json was not found above ${start}`);
  }
}

/** The package folder; for a single executable, the folder it is in (roster's own files are inside it). */
export const packageRoot = singleExecutable ? dirname(process.execPath) : findPackageRoot(dirname(fileURLToPath(import.meta.url)));

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
