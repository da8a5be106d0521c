// Reads fields.config.json (or the default AD mapping shipped with roster).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJsonFile } from '../config/load.js';
import type { RosterConfig } from '../config/types.js';
import type { Json } from '../config/reader.js';
import { defaultFieldsFile, shippedText } from '../platform/paths.js';
import { parseFieldMapping, type FieldMapping } from './fields.js';

export interface LoadedMapping {
  file: string;
  mapping: FieldMapping;
}

/**
 * `fields` in config.json wins; otherwise a fields.config.json beside config.json; otherwise the
 * default Active Directory mapping that ships with roster.
 */
export function loadFieldMapping(config: RosterConfig): LoadedMapping {
  const besideConfig = join(dirname(config.file), 'fields.config.json');
  const file = config.fieldsFile ?? (existsSync(besideConfig) ? besideConfig : defaultFieldsFile);
  const json = file === defaultFieldsFile ? (JSON.parse(shippedText('fields.config.json')) as Json) : readJsonFile(file, 'fields file');
  return { file, mapping: parseFieldMapping(json, file) };
}
