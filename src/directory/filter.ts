// Builds the LDAP filters roster searches with, and refuses a malformed one as the config fault
// it is (exit 2, naming the key) before anything is sent. Pure.
import { AndFilter, ExtensibleFilter, FilterParser, NotFilter, OrFilter, type Filter } from 'ldapts';
import { ConfigError } from '../platform/errors.js';

/** Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: membership through nested groups. */
export const IN_CHAIN_RULE = '1.2.840.113556.1.4.1941';

/** Groups as AD (group) and OpenLDAP (groupOfNames, groupOfUniqueNames) make them. */
export const GROUP_CLASSES = '(|(objectClass=group)(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))';

/** Escapes a value for use inside a filter (RFC 4515: `*`, `(`, `)`, `\` and NUL). */
export function escapeFilterValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is one of the characters RFC 4515 escapes
  return value.replace(/[*()\\\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** accountExpires is a Windows FILETIME: 100-nanosecond intervals since 1601-01-01 UTC. */
export function fileTime(date: Date): string {
  return ((BigInt(date.getTime()) + 11_644_473_600_000n) * 10_000n).toString();
}

/** directory.filter with its outer parentheses; throws ConfigError (exit 2) naming the key when it is malformed. */
export function checkedFilter(filter: string, configKey: string, configFile: string): string {
  const own = parenthesized(filter);
  assertValidFilter(own, configKey, configFile);
  return own;
}

/** Restricts to members, direct or nested, of any of `groups` (Active Directory's IN_CHAIN rule). */
export function inChainClause(groups: readonly string[]): string {
  const clauses = groups.map((dn) => `(memberOf:${IN_CHAIN_RULE}:=${escapeFilterValue(dn.trim())})`);
  return clauses.length === 1 ? clauses[0]! : `(|${clauses.join('')})`;
}

/**
 * `(&base clause…)`: the filter as given, and each clause it does not already have among its
 * own top-level AND terms (the default AD filter already leaves out disabled accounts).
 */
export function combineFilters(base: string, clauses: readonly string[], configKey: string, configFile: string): string {
  const own = new Set(andTerms(base).map(normalized));
  const added = clauses.filter((clause) => !own.has(normalized(clause)));
  if (added.length === 0) return base;
  const combined = `(&${base}${added.join('')})`;
  assertValidFilter(combined, configKey, configFile);
  return combined;
}

/** `filter` without those of its top-level AND terms equal to one of `clauses` (to count who those leave out). */
export function withoutClauses(filter: string, clauses: readonly string[]): string {
  const parsed = FilterParser.parseString(filter);
  if (!(parsed instanceof AndFilter)) return filter;
  const drop = new Set(clauses.map(normalized));
  const kept = parsed.filters.filter((term) => !drop.has(normalized(term.toString())));
  if (kept.length === parsed.filters.length) return filter;
  return kept.length === 1 ? kept[0]!.toString() : `(&${kept.map((term) => term.toString()).join('')})`;
}

/** Every attribute a filter names (extensible matches included), as written. */
export function filterAttributes(filter: string): string[] {
  const names: string[] = [];
  const walk = (node: Filter) => {
    if (node instanceof AndFilter || node instanceof OrFilter) node.filters.forEach(walk);
    else if (node instanceof NotFilter) walk(node.filter);
    else if (node instanceof ExtensibleFilter) {
      if (node.matchType !== '') names.push(node.matchType);
    } else if ('attribute' in node && typeof node.attribute === 'string') names.push(node.attribute);
  };
  walk(FilterParser.parseString(filter));
  return [...new Set(names)];
}

function andTerms(filter: string): string[] {
  const parsed = FilterParser.parseString(filter);
  return parsed instanceof AndFilter ? parsed.filters.map((term) => term.toString()) : [parsed.toString()];
}

/** Two spellings of one filter compare equal: ldapts writes it back in one form, compared without case. */
function normalized(filter: string): string {
  return FilterParser.parseString(filter).toString().toLowerCase();
}

/** The groups `export.groups.filter` selects; throws ConfigError (exit 2) naming the key when it is malformed. */
export function buildGroupFilter(filter: string, configFile: string): string {
  const own = parenthesized(filter);
  assertValidFilter(own, 'export.groups.filter', configFile);
  return `(&${GROUP_CLASSES}${own})`;
}

/** A filter written without its outer parentheses (objectClass=user) gets them. */
function parenthesized(filter: string): string {
  return filter.trim().startsWith('(') ? filter.trim() : `(${filter.trim()})`;
}

/** Why a filter is malformed, or undefined. Values must escape ( and ), so every raw one is structure. */
export function filterProblem(filter: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < filter.length; i += 1) {
    const c = filter[i];
    if (c === '(') depth += 1;
    if (c === ')') depth -= 1;
    if (depth < 0) return `unexpected ")" at position ${i + 1}`;
    if (depth === 0 && i < filter.length - 1) return `text after the filter's closing ")" at position ${i + 2}`;
  }
  if (depth > 0) return `${depth} "(" without a matching ")"`;
  try {
    FilterParser.parseString(filter);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

function assertValidFilter(filter: string, configKey: string, configFile: string): void {
  const problem = filterProblem(filter);
  if (problem !== undefined) {
    throw new ConfigError(configFile, [`the LDAP filter from ${configKey} is malformed: ${problem}\n  filter: ${filter}`], {
      hint: 'Check that every "(" has its ")" and that values containing * ( ) or \\ are escaped (RFC 4515).',
    });
  }
}
