// Applies a FieldMapping to one directory record. Pure.
import type { Column, FieldMapping, FieldRule } from './fields.js';
import { firstValue, type DirectoryRecord } from './record.js';
import { toE164, transformCase, truncate } from './shape.js';

export type Row = Record<Column, string>;

/** Things worth a warning that do not stop the row: which columns were affected. */
export interface MapNotes {
  phoneNotNormalized?: Column[];
  truncated?: Column[];
}

export type MapResult =
  | { kind: 'row'; row: Row; notes: MapNotes | undefined }
  /** The value of `column` is not in its `allowed` list. */
  | { kind: 'notAllowed'; column: Column; value: string };

export function mapRecord(record: DirectoryRecord, mapping: FieldMapping): MapResult {
  const row: Row = { FIRSTNAME: '', LASTNAME: '', TITLE: '', DIVISION: '', EMAIL: '', MOBILE: '', DESKPHONE: '', SITE: '' };
  let notes: MapNotes | undefined;
  for (const rule of mapping) {
    let value = ruleValue(record, rule);
    if (rule.phoneCountry !== undefined && value !== '') {
      const normalised = toE164(value, rule.phoneCountry);
      if (normalised === undefined) (notes ??= {}).phoneNotNormalized = [...(notes?.phoneNotNormalized ?? []), rule.column];
      else value = normalised;
    }
    if (rule.maxLength !== undefined) {
      const cut = truncate(value, rule.maxLength);
      if (cut !== undefined) {
        value = cut;
        (notes ??= {}).truncated = [...(notes?.truncated ?? []), rule.column];
      }
    }
    if (rule.allowed !== undefined && !rule.allowed.has(value)) return { kind: 'notAllowed', column: rule.column, value };
    row[rule.column] = value;
  }
  return { kind: 'row', row, notes };
}

function ruleValue(record: DirectoryRecord, rule: FieldRule): string {
  let value = rule.value ?? firstValue(record, rule.keys, rule.pick);
  if (rule.match !== undefined && value !== '') {
    const found = rule.match.exec(value);
    value = (found?.[1] ?? '').trim();
  }
  if (rule.map !== undefined && value !== '') value = rule.map.get(value.toLowerCase()) ?? value;
  if (value === '' && rule.fallback !== undefined) value = rule.fallback;
  if (rule.transform !== undefined && value !== '') value = transformCase(value, rule.transform);
  return value;
}
