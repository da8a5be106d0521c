// fields.config.json: how each of the eight iLobby CSV columns is made from directory attributes.
// Pure: parseFieldMapping checks the JSON and compiles it; the caller reads the file.
import { ConfigError } from '../platform/errors.js';
import { COMMENT_KEY, ObjectReader, Problems, commentProblem, describe, isObject, type Json } from '../config/reader.js';
import type { CountryCode } from 'libphonenumber-js';
import { TRANSFORMS, phoneLibrary, type Transform } from './shape.js';
import { parsePick, pickAttribute, type ValuePick } from './pick.js';

export const COLUMNS = ['FIRSTNAME', 'LASTNAME', 'TITLE', 'DIVISION', 'EMAIL', 'MOBILE', 'DESKPHONE', 'SITE'] as const;
export type Column = (typeof COLUMNS)[number];

export interface FieldRule {
  column: Column;
  /** Attributes tried in order; the first non-empty value wins. Empty when `value` is set. */
  attributes: string[];
  /** `attributes` lower-cased, as records key their values: made once, not for every entry. */
  keys: string[];
  /** A constant instead of an attribute. */
  value: string | undefined;
  /** Which value of a multi-valued attribute is taken; undefined: the one that sorts first. */
  pick: ValuePick | undefined;
  /** Keeps the first capture group of the first match (e.g. an OU out of distinguishedName). */
  match: RegExp | undefined;
  /** Replaces a value by another; keys compared case-insensitively. */
  map: ReadonlyMap<string, string> | undefined;
  /** Used when the value is empty after match and map. */
  fallback: string | undefined;
  /** Changes the letter case after match, map and default. */
  transform: Transform | undefined;
  /** Normalises a phone number to E.164, with this default country for national numbers. */
  phoneCountry: CountryCode | undefined;
  /** Longer values are cut to this many characters, with a warning. */
  maxLength: number | undefined;
  /** When set, rows whose value is not one of these are skipped. */
  allowed: ReadonlySet<string> | undefined;
}

export type FieldMapping = readonly FieldRule[];

export function parseFieldMapping(json: Json, file: string): FieldMapping {
  const problems = new Problems();
  if (!isObject(json)) throw new ConfigError(file, [`must be an object whose keys are the CSV columns, found ${describe(json)}`]);
  const rules: FieldRule[] = [];
  for (const key of Object.keys(json)) {
    if (key === '$schema') continue; // an editor's schema reference (roster init writes one)
    if (key === COMMENT_KEY) {
      const problem = commentProblem(json[key] ?? null);
      if (problem !== undefined) problems.add(key, problem);
      continue;
    }
    if (!(COLUMNS as readonly string[]).includes(key)) {
      problems.add(key, `is not a CSV column; the columns are ${COLUMNS.join(', ')}`);
    }
  }
  for (const column of COLUMNS) {
    const spec = json[column];
    if (spec === undefined) {
      if (column === 'EMAIL') problems.add(column, 'is required: iLobby matches people by EMAIL');
      continue;
    }
    const rule = parseRule(column, spec, problems);
    if (rule) rules.push({ ...rule, keys: rule.attributes.map((attribute) => attribute.toLowerCase()) });
  }
  if (problems.list.length > 0) {
    throw new ConfigError(file, problems.list, { hint: 'docs/mapping.md describes the forms a column can take.' });
  }
  return rules;
}

function parseRule(column: Column, spec: Json, problems: Problems): FieldRule | undefined {
  const rule: FieldRule = {
    column,
    attributes: [],
    keys: [],
    value: undefined,
    pick: undefined,
    match: undefined,
    map: undefined,
    fallback: undefined,
    transform: undefined,
    phoneCountry: undefined,
    maxLength: undefined,
    allowed: undefined,
  };
  if (typeof spec === 'string' && spec.trim() !== '') return { ...rule, attributes: [spec.trim()] };
  if (Array.isArray(spec)) {
    const attributes = spec.filter((a): a is string => typeof a === 'string' && a.trim() !== '').map((a) => a.trim());
    if (attributes.length === 0 || attributes.length !== spec.length) {
      problems.add(column, 'a list must hold one or more attribute names');
      return undefined;
    }
    return { ...rule, attributes };
  }
  if (!isObject(spec)) {
    problems.add(column, `must be an attribute name, a list of attribute names or an object, found ${describe(spec)}`);
    return undefined;
  }
  const r = new ObjectReader(column, spec, problems);
  const attribute = r.string('attribute');
  const attributes = r.stringList('attributes');
  const value = r.raw('value');
  if (typeof value === 'string') rule.value = value.trim();
  else if (value !== undefined) problems.add(`${column}.value`, `must be a string, found ${describe(value)}`);
  const sources = [attribute, attributes, rule.value].filter((s) => s !== undefined).length;
  if (sources !== 1) problems.add(column, 'set exactly one of "attribute", "attributes" or "value"');
  rule.attributes = attribute !== undefined ? [attribute.trim()] : (attributes ?? []).map((a) => a.trim());
  const pick = r.raw('pick');
  if (pick !== undefined && pick !== null) {
    if (rule.value !== undefined) problems.add(`${column}.pick`, 'goes with "attribute" or "attributes", not with a constant "value"');
    rule.pick = parsePick(pick, `${column}.pick`, problems);
  }

  const match = r.string('match');
  if (match !== undefined) {
    try {
      // Case-insensitive because DNs and attribute values from AD vary in case (OU= vs ou=).
      rule.match = new RegExp(match, 'i');
    } catch (error) {
      problems.add(`${column}.match`, `is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  const map = r.raw('map');
  if (map !== undefined) {
    if (isObject(map) && Object.values(map).every((v) => typeof v === 'string')) {
      rule.map = new Map(Object.entries(map).map(([from, to]) => [from.trim().toLowerCase(), (to as string).trim()]));
    } else {
      problems.add(`${column}.map`, 'must be an object of "directory value": "CSV value" pairs');
    }
  }
  const fallback = r.raw('default');
  if (fallback !== undefined) {
    if (typeof fallback === 'string') rule.fallback = fallback.trim();
    else problems.add(`${column}.default`, `must be a string, found ${describe(fallback)}`);
  }
  const transform = r.string('transform');
  if (transform !== undefined) {
    if ((TRANSFORMS as readonly string[]).includes(transform)) rule.transform = transform as Transform;
    else problems.add(`${column}.transform`, `must be one of ${TRANSFORMS.join(', ')}, found "${transform}"`);
  }
  const phone = r.string('phone');
  const country = r.string('country');
  if (phone !== undefined) {
    if (phone !== 'e164') problems.add(`${column}.phone`, `the only format is "e164", found "${phone}"`);
    else if (country === undefined) problems.add(`${column}.country`, 'is required with "phone": the country of numbers written without +, e.g. "CA"');
    else if (!phoneLibrary().isSupportedCountry(country.toUpperCase()))
      problems.add(`${column}.country`, `"${country}" is not a two-letter country code libphonenumber knows`);
    else rule.phoneCountry = country.toUpperCase() as CountryCode;
  } else if (country !== undefined) {
    problems.add(`${column}.country`, 'only goes with "phone": "e164"');
  }
  if (r.has('maxLength')) rule.maxLength = r.integer('maxLength', 0, 1, 10_000);
  const allowed = r.stringList('allowed');
  if (allowed !== undefined) rule.allowed = new Set(allowed.map((a) => a.trim()));
  r.rejectUnknown();
  return rule;
}

/** The attributes a search must return for this mapping (lower-cased, without duplicates). */
export function attributesNeeded(mapping: FieldMapping): string[] {
  const names = new Set<string>();
  for (const rule of mapping) {
    for (const attribute of rule.attributes) names.add(attribute.toLowerCase());
    const other = pickAttribute(rule.pick);
    if (other !== undefined) names.add(other.toLowerCase());
  }
  names.delete('dn');
  return [...names];
}
