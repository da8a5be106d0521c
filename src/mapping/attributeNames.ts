// Are the attributes fields.config.json and directory.filter name real, and which attribute type
// does each name mean? Checked against the attribute types the directory's schema defines (every
// NAME of a type and its OID, any letter case), with the closest real names offered for each one
// that is not. Pure.
import type { FieldMapping } from './fields.js';

/** An attribute type of the schema: its OID and every name it goes by ("mail", "rfc822Mailbox"). */
export interface AttributeType {
  oid: string | undefined;
  names: readonly string[];
}

export interface UnknownAttribute {
  /** Where the name is used: a CSV column (FIRSTNAME) or a config key (directory.filter). */
  where: string;
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

/** The attribute type part of a description: "cn;lang-fr" → "cn", lower-cased. */
export function baseName(description: string): string {
  const options = description.indexOf(';');
  return (options === -1 ? description : description.slice(0, options)).trim().toLowerCase();
}

/** The attribute types of a schema, found by any of their names or their OID, in any case. */
export class AttributeTypes {
  private readonly byName = new Map<string, AttributeType>();

  constructor(readonly types: readonly AttributeType[]) {
    for (const type of types) {
      for (const name of type.names) if (!this.byName.has(name.toLowerCase())) this.byName.set(name.toLowerCase(), type);
      if (type.oid !== undefined && !this.byName.has(type.oid)) this.byName.set(type.oid, type);
    }
  }

  /** A schema known only by names, one type per name (tests; servers that list names only). */
  static ofNames(names: readonly string[]): AttributeTypes {
    return new AttributeTypes(names.map((name) => ({ oid: undefined, names: [name] })));
  }

  /** The type `name` (a name or OID, options allowed) stands for. */
  find(name: string): AttributeType | undefined {
    return this.byName.get(baseName(name));
  }

  /** What every name of one type shares: its OID, or its first name. Undefined for a name the schema lacks. */
  idOf(name: string): string | undefined {
    const type = this.find(name);
    return type === undefined ? undefined : (type.oid ?? type.names[0]?.toLowerCase());
  }

  knows(name: string): boolean {
    return ALWAYS_KNOWN.has(baseName(name)) || this.find(name) !== undefined;
  }

  /** Every name of every type, for suggestions. */
  allNames(): string[] {
    return this.types.flatMap((type) => type.names);
  }
}

/** The mapping's attribute names that the schema does not define, per column. */
export function unknownAttributes(mapping: FieldMapping, schema: AttributeTypes): UnknownAttribute[] {
  return unknownNames(
    mapping.flatMap((rule) => rule.attributes.map((attribute) => ({ where: rule.column, attribute }))),
    schema,
  );
}

/** Of `uses`, those whose attribute the schema does not define, with the closest real names. */
export function unknownNames(uses: ReadonlyArray<{ where: string; attribute: string }>, schema: AttributeTypes): UnknownAttribute[] {
  const unknown: UnknownAttribute[] = [];
  for (const { where, attribute } of uses) {
    if (schema.knows(attribute)) continue;
    unknown.push({ where, attribute, suggestions: closestNames(baseName(attribute), schema.allNames()) });
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

/** `FIRSTNAME: "givnName" is not an attribute of the directory's schema; did you mean givenName?` */
export function describeUnknown(unknown: UnknownAttribute): string {
  const offer = unknown.suggestions.length === 0 ? 'no attribute of the schema has a similar name' : `did you mean ${unknown.suggestions.join(' or ')}?`;
  return `${unknown.where}: "${unknown.attribute}" is not an attribute of the directory's schema; ${offer}`;
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

/** An attributeTypes value (RFC 4512 4.1.2) as a type: "( 2.5.4.42 NAME ( 'givenName' 'gn' ) … )". */
export function parseAttributeType(definition: string): AttributeType {
  const oid = /^\s*\(\s*([0-9]+(?:\.[0-9]+)+)/.exec(definition)?.[1];
  return { oid, names: namesInAttributeType(definition) };
}
