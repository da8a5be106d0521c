// Reads every matching entry of every search base, page by page, and hands each to `onRecord`.
// A result is complete only when the server ends the last page without a paging cookie;
// anything else (error, limit, timeout, lost connection) throws and the run pushes nothing.
import type { Entry } from 'ldapts';
import type { Logger } from '../log/logger.js';
import type { DirectoryRecord } from '../mapping/record.js';
import type { DirectoryConnection } from './connect.js';
import { searchFailure } from './failures.js';

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
      const pages = connection.client.searchPaginated(base, {
        scope: 'sub',
        filter: request.filter,
        attributes: [...request.attributes],
        paged: { pageSize: request.pageSize },
        // No sizeLimit: a client-side limit would end the search early without an error.
        timeLimit: request.timeoutSeconds,
      });
      for await (const page of pages) {
        result.pages += 1;
        for (const entry of page.searchEntries) {
          result.entries += 1;
          onRecord(toRecord(entry));
        }
        result.referrals.push(...page.searchReferences);
        log.progress(`${base}: ${result.entries} entries, ${result.pages} pages`);
      }
    } catch (error) {
      throw searchFailure(connection.url, base, error, request.timeoutSeconds);
    }
    log.debug(`${base}: ${result.entries} entries in ${result.pages} pages`);
    if (result.referrals.length > 0) {
      log.warn(`${base}: the server returned ${result.referrals.length} referral(s) that roster does not follow (e.g. ${result.referrals[0]}); people behind them are not in the extract`);
    }
    results.push(result);
  }
  return results;
}

/** Text values only: binary values (Buffers) are never decoded as text. */
function toRecord(entry: Entry): DirectoryRecord {
  const attributes = new Map<string, string[]>();
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (values.length > 0) attributes.set(name.toLowerCase(), values);
  }
  return { dn: entry.dn, attributes };
}
