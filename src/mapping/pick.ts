// Which value of a multi-valued attribute a column takes (`pick` in fields.config.json and in
// Officevibe's export.users). A person with two mail values is one row either way; the rule says
// which address it carries. Pure.
import { describe, isObject, type Json, type Problems } from '../config/reader.js';

export type ValuePick =
  /** The default: the value that sorts first (by code unit), whatever order the server sends. */
  | { kind: 'lowest' }
  /** The first value as the server returns it. */
  | { kind: 'first' }
  /** The first value, as returned, that matches a regular expression (case-insensitive). */
  | { kind: 'matching'; pattern: RegExp }
  /** The value equal (trimmed, case-insensitive) to a value of another attribute. */
  | { kind: 'equalTo'; attribute: string };

export const PICK_FORMS = '"lowest", "first", { "matching": "<regular expression>" } or { "equalTo": "<attribute>" }';

/** `pick` as written, or undefined (with a problem added) when it is none of the forms. */
export function parsePick(raw: Json, where: string, problems: Problems): ValuePick | undefined {
  if (raw === 'lowest' || raw === 'first') return { kind: raw };
  if (isObject(raw) && Object.keys(raw).length === 1) {
    const matching = raw.matching;
    if (typeof matching === 'string' && matching.trim() !== '') {
      try {
        return { kind: 'matching', pattern: new RegExp(matching, 'i') };
      } catch (error) {
        problems.add(`${where}.matching`, `is not a valid regular expression: ${(error as Error).message}`);
        return undefined;
      }
    }
    const equalTo = raw.equalTo;
    if (typeof equalTo === 'string' && equalTo.trim() !== '') return { kind: 'equalTo', attribute: equalTo.trim() };
  }
  problems.add(where, `must be ${PICK_FORMS}, found ${describe(raw)}`);
  return undefined;
}

/** The default pick: the non-empty value, trimmed, that sorts first by code unit. */
export function lowestValue(values: readonly string[]): string | undefined {
  let least: string | undefined;
  for (const value of values) {
    const trimmed = value.trim();
    if (trimmed !== '' && (least === undefined || trimmed < least)) least = trimmed;
  }
  return least;
}

/** The attribute a pick reads besides the column's own (equalTo), if any. */
export function pickAttribute(pick: ValuePick | undefined): string | undefined {
  return pick?.kind === 'equalTo' ? pick.attribute : undefined;
}

/**
 * The value `pick` takes of `values` (each trimmed; empty ones never count), or undefined when
 * none qualifies. `otherValues` gives the values of equalTo's attribute.
 */
export function pickValue(values: readonly string[], pick: ValuePick, otherValues: (attribute: string) => readonly string[]): string | undefined {
  switch (pick.kind) {
    case 'lowest':
      return lowestValue(values);
    case 'first':
      return values.map((value) => value.trim()).find((value) => value !== '');
    case 'matching':
      return values.map((value) => value.trim()).find((value) => value !== '' && pick.pattern.test(value));
    case 'equalTo': {
      const wanted = new Set(otherValues(pick.attribute).map((value) => value.trim().toLowerCase()));
      return values.map((value) => value.trim()).find((value) => value !== '' && wanted.has(value.toLowerCase()));
    }
  }
}
