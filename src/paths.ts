// Where roster's own files are once built (dist/src/paths.js → the package folder).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The default Active Directory mapping, used when config.json names no fields file. */
export const defaultFieldsFile = join(packageRoot, 'fields.config.json');
