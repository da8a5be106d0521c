// Builds the LDAP filter roster searches with. Pure.
import { FilterParser } from 'ldapts';
import { DirectoryError } from '../errors.js';

/** Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: membership through nested groups. */
export const IN_CHAIN_RULE = '1.2.840.113556.1.4.1941';

/** Escapes a value for use inside a filter (RFC 4515: `*`, `(`, `)`, `\` and NUL). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The configured filter, restricted to members (direct or nested) of any of `memberOf`.
 * Throws DirectoryError when the result is not valid filter syntax, before anything is sent.
 */
export function buildFilter(filter: string, memberOf: readonly string[]): string {
  const base = filter.trim().startsWith('(') ? filter.trim() : `(${filter.trim()})`;
  assertValidFilter(base, 'directory.filter');
  if (memberOf.length === 0) return base;
  const groups = memberOf.map((dn) => `(memberOf:${IN_CHAIN_RULE}:=${escapeFilterValue(dn.trim())})`);
  const combined = `(&${base}${groups.length === 1 ? groups[0] : `(|${groups.join('')})`})`;
  assertValidFilter(combined, 'directory.memberOf');
  return combined;
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

function assertValidFilter(filter: string, configKey: string): void {
  const problem = filterProblem(filter);
  if (problem !== undefined) {
    throw new DirectoryError(`the LDAP filter from ${configKey} is malformed: ${problem}\n  filter: ${filter}`, {
      hint: 'Check that every "(" has its ")" and that values containing * ( ) or \\ are escaped (RFC 4515).',
    });
  }
}
