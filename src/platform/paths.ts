// Where roster's own files are once built: the folder holding roster's package.json, found by
// walking up from this code (dist/src/platform/paths.js, or the bundle dist/bin/roster.cjs, which
// build/bundle.ts gives its own URL as import.meta.url), so moving either does not break it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'roster') return dir;
    if (dirname(dir) === dir) throw new Error(`roster's package.json was not found above ${start}`);
  }
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
/** The default Active Directory mapping, used when config.json names no fields file. */
export const defaultFieldsFile = join(packageRoot, 'fields.config.json');
