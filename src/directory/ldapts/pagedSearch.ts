// The Simple Paged Results loop (RFC 2696), written out here rather than taken from ldapts's
// searchPaginated(): ldapts stops asking for pages as soon as a page comes back with no entries,
// even when the server sent a cookie for more, and Active Directory can send exactly such empty
// pages. A result is complete only when the server's last page carries an empty cookie.
import { FilterParser, MessageResponseStatus, PagedResultsControl, SearchRequest, StatusCodeParser, type Client } from 'ldapts';
import type { DirectoryRecord } from '../../mapping/record.js';
import { OWN_NAMES, type AttributeKeys } from '../attributeKeys.js';
import { toRecord } from '../toRecord.js';
import { DescriptionTable } from './descriptionTable.js';
import { decodeSearchEntry } from './entryDecoder.js';
import { ArrivedEntries, divertEntries } from './entryStream.js';
import { ldaptsInternals } from './internals.js';
import { unlessLost } from '../socketWatch.js';

export interface PagedSearch {
  base: string;
  filter: string;
  attributes: readonly string[];
  pageSize: number;
  timeLimitSeconds: number;
  /** Under which keys values are kept (the names asked for, whatever the server answers under); default: their own names. */
  names?: AttributeKeys;
}

export interface Page {
  /** How many entries this page brought (each went to onRecord). */
  entries: number;
  referrals: string[];
}

/**
 * Yields page after page until the server says there are no more. `lost` is aborted when the
 * connection drops; every page request gives up on it, so a cut connection ends the search at once.
 */
export async function* pagedSearch(client: Client, search: PagedSearch, lost: AbortSignal, onRecord: (record: DirectoryRecord) => void): AsyncGenerator<Page> {
  const internals = ldaptsInternals(client);
  const attributes = [...search.attributes];
  const control = new PagedResultsControl({ value: { size: search.pageSize } });
  const request = new SearchRequest({
    messageId: -1,
    baseDN: search.base,
    scope: 'sub',
    filter: FilterParser.parseString(search.filter),
    attributes,
    // Binary values are recognised by name in toRecord.ts and entryDecoder.ts, not by ldapts.
    explicitBufferAttributes: [],
    returnAttributeValues: true,
    // 0 = no client-side limit: a limit would end the search early without an error.
    sizeLimit: 0,
    timeLimit: search.timeLimitSeconds,
    controls: [control],
  });
  // While a page arrives its entries are only set aside (entryStream.ts); they are decoded and
  // handed to onRecord after the next page has been asked for, so the server reads the next page
  // while roster works through this one. ldapts still handles every other message.
  // Two pages at most are held: the one being worked through and the one arriving. Each one's
  // storage is used again for the page after next.
  // One function for every page: V8 optimises forEach for the function it is given.
  // One table for the whole search: each attribute description is named once, not per entry.
  const names = search.names ?? OWN_NAMES;
  const table = new DescriptionTable(names);
  const decodeEach = (bytes: Buffer, start: number, end: number) => onRecord(decodeSearchEntry(bytes, start, end, table));
  let arrived = new ArrivedEntries();
  let spare = new ArrivedEntries();
  const stopDiverting = divertEntries(
    internals,
    () => request.messageId,
    (bytes, start, end) => arrived.add(bytes, start, end),
  );
  const ask = () => {
    request.messageId = internals.nextMessageId();
    const answer = unlessLost(internals.send(request), lost);
    answer.catch(() => undefined); // awaited below; not unhandled if the caller stops early
    return answer;
  };
  try {
    let pending = ask();
    for (;;) {
      const response = await pending;
      if (response.status !== MessageResponseStatus.Success) throw StatusCodeParser.parse(response);
      const entries = arrived;
      arrived = spare;
      const answer = response.controls?.find((c): c is PagedResultsControl => c instanceof PagedResultsControl);
      // No paging control in the answer: the server ignored paging and sent everything at once
      // (a server that truncated would have answered sizeLimitExceeded, which throws above).
      const cookie = answer?.value?.cookie;
      const more = cookie !== undefined && cookie.length > 0;
      if (more) {
        control.value = { size: search.pageSize, cookie };
        pending = ask();
      }
      entries.forEach(decodeEach);
      const count = entries.count;
      entries.clear();
      spare = entries;
      // Entries ldapts parsed itself: any a malformed stream made the decoder hand over.
      for (const entry of response.searchEntries) onRecord(toRecord(entry, names));
      yield {
        entries: count + response.searchEntries.length,
        referrals: response.searchReferences.flatMap((reference) => reference.uris),
      };
      if (!more) return;
    }
  } finally {
    stopDiverting?.();
  }
}
