// Are the attributes fields.config.json names real? Checked against the names the directory's
// schema defines, with the closest real names offered for each one that is not. Pure.
import type { Column, FieldMapping } from './fields.js';

export interface UnknownAttribute {
  column: Column;
  attribute: string;
  /** The schema's closest names, closest first; empty when none is close. */
  suggestions: string[];
}

/** How many close names are offered for an unknown one. */
const SUGGESTIONS = 3;

/**
 * Names roster answers itself whatever the schema says: the entry's DN (valuesOf in record.ts).
 * An attribute option (";binary", ";lang-fr", ";range=…") is not part of the name.
 */
const ALWAYS_KNOWN = new Set(['dn', 'distinguishedname']);

export function unknownAttributes(mapping: FieldMapping, schemaNames: readonly string[]): UnknownAttribute[] {
  const known = new Set(schemaNames.map((name) => name.toLowerCase()));
  const unknown: UnknownAttribute[] = [];
  for (const rule of mapping) {
    for (const attribute of rule.attributes) {
      const name = attribute.split(';')[0]!.toLowerCase();
      if (ALWAYS_KNOWN.has(name) || known.has(name)) continue;
      unknown.push({ column: rule.column, attribute, suggestions: closestNames(attribute, schemaNames) });
    }
  }
  return unknown;
}

/**
 * The names nearest to `name` by edit distance, ignoring letter case: within a quarter of the
 * name's length (at least 2 edits), so "givnName" finds givenName and "telephonNumber" finds
 * telephoneNumber but not telexNumber.
 */
export function closestNames(name: string, names: readonly string[], count = SUGGESTIONS): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  const scored: { name: string; distance: number }[] = [];
  for (const candidate of new Set(names)) {
    // Lengths further apart than the limit cannot be within it: most of a schema is skipped here.
    if (Math.abs(candidate.length - wanted.length) > limit) continue;
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance <= limit) scored.push({ name: candidate, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, count).map((s) => s.name);
}

/** Levenshtein distance: insertions, deletions and substitutions, one each. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** `FIRSTNAME: "givnName" is not in the directory's schema; did you mean givenName?` */
export function describeUnknown(unknown: UnknownAttribute): string {
  const offer = unknown.suggestions.length === 0 ? 'no attribute of the schema has a similar name' : `did you mean ${unknown.suggestions.join(' or ')}?`;
  return `${unknown.column}: "${unknown.attribute}" is not an attribute of the directory's schema; ${offer}`;
}

/**
 * The names in subschema attributeTypes values (RFC 4512), e.g.
 * "( 2.5.4.42 NAME ( 'givenName' 'gn' ) SUP name )" → givenName, gn.
 */
export function namesInAttributeType(definition: string): string[] {
  const match = /\bNAME\s+(?:'([^']*)'|\(([^)]*)\))/.exec(definition);
  if (match === null) return [];
  if (match[1] !== undefined) return [match[1]];
  return [...match[2]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
}
