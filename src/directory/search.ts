// Reads every matching entry of every search base, page by page, and hands each to `onRecord`.
// A result is complete only when the server ends the last page without a paging cookie
// (pagedSearch.ts); anything else (error, limit, timeout, lost connection) throws and the run
// pushes nothing.
import type { Logger } from '../platform/log/logger.js';
import type { DirectoryRecord } from '../mapping/record.js';
import type { DirectoryConnection } from './connect.js';
import { searchFailure } from './failures.js';
import { pagedSearch } from './ldapts/pagedSearch.js';

export interface SearchRequest {
  searchBases: readonly string[];
  filter: string;
  attributes: readonly string[];
  pageSize: number;
  timeoutSeconds: number;
}

export interface SearchBaseResult {
  base: string;
  entries: number;
  pages: number;
  /** Referrals the server returned instead of entries; roster does not follow them. */
  referrals: string[];
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
      const pages = pagedSearch(
        connection.client,
        {
          base,
          filter: request.filter,
          attributes: request.attributes,
          pageSize: request.pageSize,
          timeLimitSeconds: request.timeoutSeconds,
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
      throw searchFailure(connection.url, base, error, request.timeoutSeconds);
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
