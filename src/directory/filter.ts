// Builds the LDAP filters roster searches with, and refuses a malformed one as the config fault
// it is (exit 2, naming the key) before anything is sent. Pure.
import { FilterParser } from 'ldapts';
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

export interface FilterOptions {
  /** The config file the filter comes from, named when it is malformed. */
  configFile: string;
  memberOf: readonly string[];
  /** When set, accounts that expired before this moment are left out. */
  notExpiredAt?: Date | undefined;
}

/**
 * The configured filter, restricted to members (direct or nested) of any of `memberOf`, and to
 * accounts not expired at `notExpiredAt`. Throws ConfigError (exit 2) naming directory.filter or
 * directory.memberOf when the result is not valid filter syntax.
 */
export function buildFilter(filter: string, options: FilterOptions): string {
  const base = parenthesized(filter);
  assertValidFilter(base, 'directory.filter', options.configFile);
  const clauses = [base];
  if (options.memberOf.length > 0) {
    const groups = options.memberOf.map((dn) => `(memberOf:${IN_CHAIN_RULE}:=${escapeFilterValue(dn.trim())})`);
    clauses.push(groups.length === 1 ? (groups[0] ?? '') : `(|${groups.join('')})`);
  }
  if (options.notExpiredAt !== undefined) {
    // 0 and the largest 64-bit value both mean "never expires".
    clauses.push(`(|(!(accountExpires=*))(accountExpires=0)(accountExpires=9223372036854775807)(accountExpires>=${fileTime(options.notExpiredAt)}))`);
  }
  if (clauses.length === 1) return base;
  const combined = `(&${clauses.join('')})`;
  assertValidFilter(combined, 'directory.memberOf', options.configFile);
  return combined;
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
