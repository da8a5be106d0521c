// Applies a FieldMapping to one directory record. Pure.
import type { Column, FieldMapping, FieldRule } from './fields.js';
import { valuesOf, type DirectoryRecord } from './record.js';

export type Row = Record<Column, string>;

export type MapResult =
  | { kind: 'row'; row: Row }
  /** The value of `column` is not in its `allowed` list. */
  | { kind: 'notAllowed'; column: Column; value: string };

export function mapRecord(record: DirectoryRecord, mapping: FieldMapping): MapResult {
  const row: Row = { FIRSTNAME: '', LASTNAME: '', TITLE: '', DIVISION: '', EMAIL: '', MOBILE: '', DESKPHONE: '', SITE: '' };
  for (const rule of mapping) {
    const value = ruleValue(record, rule);
    if (rule.allowed !== undefined && !rule.allowed.has(value)) return { kind: 'notAllowed', column: rule.column, value };
    row[rule.column] = value;
  }
  return { kind: 'row', row };
}

function ruleValue(record: DirectoryRecord, rule: FieldRule): string {
  let value = rule.value ?? firstNonEmpty(record, rule.attributes);
  if (rule.match !== undefined && value !== '') {
    const found = rule.match.exec(value);
    value = (found?.[1] ?? '').trim();
  }
  if (rule.map !== undefined && value !== '') value = rule.map.get(value.toLowerCase()) ?? value;
  if (value === '' && rule.fallback !== undefined) value = rule.fallback;
  return value;
}

function firstNonEmpty(record: DirectoryRecord, attributes: readonly string[]): string {
  for (const attribute of attributes) {
    // Multi-valued attributes: the first value the server returns is used.
    for (const value of valuesOf(record, attribute)) {
      const trimmed = value.trim();
      if (trimmed !== '') return trimmed;
    }
  }
  return '';
}
