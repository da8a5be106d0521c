// The Simple Paged Results loop (RFC 2696), written out here rather than taken from ldapts's
// searchPaginated(): ldapts stops asking for pages as soon as a page comes back with no entries,
// even when the server sent a cookie for more, and Active Directory can send exactly such empty
// pages. A result is complete only when the server's last page carries an empty cookie.
import {
  FilterParser, MessageResponseStatus, PagedResultsControl, SearchRequest, StatusCodeParser,
  type Client, type Entry, type SearchResponse,
} from 'ldapts';
import { BINARY_ATTRIBUTES } from './binary.js';

/** The two ldapts internals this loop needs; ldapts is pinned to ~8.2 in package.json for them. */
interface ClientInternals {
  _send(message: SearchRequest): Promise<SearchResponse>;
  _nextMessageId(): number;
}

export interface PagedSearch {
  base: string;
  filter: string;
  attributes: readonly string[];
  pageSize: number;
  timeLimitSeconds: number;
}

export interface Page {
  entries: Entry[];
  referrals: string[];
}

/**
 * Yields page after page until the server says there are no more. `lost` rejects when the
 * connection drops; every page request races it so a cut connection ends the search at once.
 */
export async function* pagedSearch(client: Client, search: PagedSearch, lost: Promise<never>): AsyncGenerator<Page> {
  const internals = client as unknown as ClientInternals;
  if (typeof internals._send !== 'function' || typeof internals._nextMessageId !== 'function') {
    throw new Error('this ldapts version lacks the internals roster\'s paged search uses; install the version in package-lock.json');
  }
  const attributes = [...search.attributes];
  // ldapts decodes every value as UTF-8 text unless told which attributes are binary.
  const requested = new Set(attributes.map((a) => a.toLowerCase()));
  const binaryRequested = BINARY_ATTRIBUTES.filter((name) => requested.has(name.toLowerCase()));
  const control = new PagedResultsControl({ value: { size: search.pageSize } });
  const request = new SearchRequest({
    messageId: -1,
    baseDN: search.base,
    scope: 'sub',
    filter: FilterParser.parseString(search.filter),
    attributes,
    explicitBufferAttributes: binaryRequested,
    returnAttributeValues: true,
    // 0 = no client-side limit: a limit would end the search early without an error.
    sizeLimit: 0,
    timeLimit: search.timeLimitSeconds,
    controls: [control],
  });
  for (;;) {
    request.messageId = internals._nextMessageId();
    const response = await Promise.race([internals._send(request), lost]);
    if (response.status !== MessageResponseStatus.Success) throw StatusCodeParser.parse(response);
    yield {
      entries: response.searchEntries.map((entry) => entry.toObject(attributes, binaryRequested)),
      referrals: response.searchReferences.flatMap((reference) => reference.uris),
    };
    const answer = response.controls?.find((c): c is PagedResultsControl => c instanceof PagedResultsControl);
    // No paging control in the answer: the server ignored paging and sent everything at once
    // (a server that truncated would have answered sizeLimitExceeded, which throws above).
    const cookie = answer?.value?.cookie;
    if (cookie === undefined || cookie.length === 0) return;
    control.value = { size: search.pageSize, cookie };
  }
}
