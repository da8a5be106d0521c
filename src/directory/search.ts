// Reads every matching entry of every search base, page by page, and hands each to `onRecord`.
// Each base is read on its own first (a base-scope read): 389-ds answers a paged search of a base
// that does not exist with success and no entries, which would look like an empty OU. A result is
// complete only when the server ends the last page without a paging cookie (pagedSearch.ts);
// anything else (error, limit, timeout, lost connection) throws and the run pushes nothing.
import { DirectoryError } from '../platform/errors.js';
import type { Logger } from '../platform/log/logger.js';
import type { DirectoryRecord } from '../mapping/record.js';
import type { AttributeKeys } from './attributeKeys.js';
import type { DirectoryConnection } from './connect.js';
import { searchFailure } from './failures.js';
import { pagedSearch } from './ldapts/pagedSearch.js';
import { unlessLost } from './socketWatch.js';

export interface SearchRequest {
  searchBases: readonly string[];
  filter: string;
  attributes: readonly string[];
  pageSize: number;
  timeoutSeconds: number;
  /** Under which keys values are kept (attributeKeys.ts); default: the names the server answers with. */
  names?: AttributeKeys;
}

export interface SearchBaseResult {
  base: string;
  entries: number;
  pages: number;
  /** Referrals the server returned instead of entries; roster does not follow them. */
  referrals: string[];
  /** Not searched on its own: it lies inside this other search base, whose search read it. */
  insideOf?: string;
}

export async function searchDirectory(
  connection: DirectoryConnection,
  request: SearchRequest,
  onRecord: (record: DirectoryRecord) => void,
  log: Logger,
): Promise<SearchBaseResult[]> {
  const results: SearchBaseResult[] = [];
  for (const base of request.searchBases) {
    const result: SearchBaseResult = { base, entries: 0, pages: 0, referrals: [] };
    try {
      await assertBaseExists(connection, base, request.timeoutSeconds);
      const pages = pagedSearch(
        connection.client,
        {
          base,
          filter: request.filter,
          attributes: request.attributes,
          pageSize: request.pageSize,
          timeLimitSeconds: request.timeoutSeconds,
          names: request.names,
        },
        connection.lost,
        onRecord,
      );
      for await (const page of pages) {
        result.pages += 1;
        result.entries += page.entries;
        result.referrals.push(...page.referrals);
        log.progress(`${base}: ${result.entries} entries, ${result.pages} pages`);
      }
    } catch (error) {
      if (error instanceof DirectoryError) throw error;
      throw searchFailure(connection.url, base, error, request.timeoutSeconds, connection.server.kind);
    }
    log.debug(`${base}: ${result.entries} entries in ${result.pages} pages`);
    if (result.referrals.length > 0) {
      log.warn(
        `${base}: the server returned ${result.referrals.length} referral(s) that roster does not follow (e.g. ${result.referrals[0]}); people behind them are not in the extract`,
      );
    }
    results.push(result);
  }
  return results;
}

/** "2036 in ou=People,…; ou=Staff,ou=People,…: inside ou=People,…, read with it", for summaries. */
export function describeBases(bases: readonly SearchBaseResult[]): string {
  return bases.map((b) => (b.insideOf === undefined ? `${b.entries} in ${b.base}` : `${b.base}: inside ${b.insideOf}, read with it`)).join('; ');
}

/** A base-scope read of `base`: a base that is not there is an error on every server. */
async function assertBaseExists(connection: DirectoryConnection, base: string, timeoutSeconds: number): Promise<void> {
  const { searchEntries } = await unlessLost(
    connection.client.search(base, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'], sizeLimit: 0, timeLimit: timeoutSeconds }),
    connection.lost,
  );
  if (searchEntries.length === 0) {
    throw new DirectoryError(`search base "${base}" does not exist on ${connection.url}, or the bind account may not read it`, {
      hint: 'Check the spelling in directory.searchBases (the full DN) and that the bind account may read the entry itself, not only what is below it.',
    });
  }
}
