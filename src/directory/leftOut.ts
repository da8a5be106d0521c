// Who the account-state rules left out, and why, for the summary. Rules roster applies itself are
// counted as entries pass; rules the server applies (a clause of the filter) are counted with one
// more search per rule that asks for no attributes. A count that fails is a warning, never a
// failed run: the export itself is complete without it.
import type { Logger } from '../platform/log/logger.js';
import { silentLogger } from '../platform/log/logger.js';
import type { DirectoryConnection } from './connect.js';
import { normalizeDn } from './dn.js';
import { combineFilters, withoutClauses } from './filter.js';
import type { PeopleSearch } from './people.js';
import { searchDirectory } from './search.js';

export interface LeftOut {
  /** "locked (nsAccountLock)". */
  label: string;
  /** Undefined when it could not be counted. */
  count: number | undefined;
  /** A few DNs. */
  examples: string[];
}

const EXAMPLES = 5;

/** Counts, per rule the server applies, the entries of `bases` the user's filter selects and the rule leaves out. */
export async function countLeftOut(connection: DirectoryConnection, search: PeopleSearch, bases: readonly string[], log: Logger): Promise<LeftOut[]> {
  const counts: LeftOut[] = [];
  for (const check of search.state.checks) {
    if (check.keep === undefined || check.leftOut === undefined) continue;
    const counted: LeftOut = { label: check.label, count: 0, examples: [] };
    try {
      // The user's own filter may already hold the rule (AD's default filter does): without it, it counts the same people.
      const own = withoutClauses(search.query.filter, [check.keep]);
      const clauses = [...(search.memberClause === undefined ? [] : [search.memberClause]), check.leftOut];
      const filter = combineFilters(own, clauses, 'directory.filter', search.query.configFile);
      const request = { ...search.request, searchBases: [...bases], filter, attributes: ['1.1'], names: undefined };
      await searchDirectory(
        connection,
        request,
        (record) => {
          if (search.members !== undefined && !search.members.has(normalizeDn(record.dn))) return;
          counted.count! += 1;
          if (counted.examples.length < EXAMPLES) counted.examples.push(record.dn);
        },
        silentLogger,
      );
    } catch (error) {
      log.warn(`could not count the accounts left out as ${check.label}: ${(error as Error).message}`);
      counted.count = undefined;
    }
    counts.push(counted);
  }
  return counts;
}

/** "left out, locked (nsAccountLock): 388, e.g. uid=…; uid=…", one line per rule. */
export function describeLeftOut(leftOut: readonly LeftOut[]): string[] {
  return leftOut.map((each) => {
    if (each.count === undefined) return `left out, ${each.label}: not counted (see the warning above)`;
    return `left out, ${each.label}: ${each.count}${each.examples.length > 0 ? `, e.g. ${each.examples.join('; ')}` : ''}`;
  });
}
