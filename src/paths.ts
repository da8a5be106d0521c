// Where roster's own files are once built: two levels up from dist/src/paths.js, or from the
// bundle in dist/bin/ that holds this code (build/bundle.ts gives it its own URL as import.meta.url).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The default Active Directory mapping, used when config.json names no fields file. */
export const defaultFieldsFile = join(packageRoot, 'fields.config.json');
