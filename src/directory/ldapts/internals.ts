// The ldapts internals roster relies on, in one place. roster's paged search sends its own
// SearchRequest messages (ldapts's searchPaginated() stops at an empty page that still carries a
// cookie), and its fast decoder reads search entries before ldapts's parser does. Both need
// members ldapts does not export; package.json pins ldapts (~8.2) for them, and
// test/unit/ldaptsInternals.test.ts fails on an ldapts that no longer has them, so an upgrade is
// caught by `npm test`, not by a user's nightly run.
import type { Client, SearchRequest, SearchResponse } from 'ldapts';

export interface LdaptsInternals {
  /** Sends a request and resolves with its response (ldapts: Client#_send). */
  send(message: SearchRequest): Promise<SearchResponse>;
  /** The next message id (ldapts: Client#_nextMessageId). */
  nextMessageId(): number;
  /** The client's message parser: its socket 'data' handler calls read(data, details). */
  parser: { read(data: Buffer, details: unknown): void };
  /** What the parser's read() is given with each chunk. */
  parserDetails(): unknown;
}

interface ClientShape {
  _send?: (message: SearchRequest) => Promise<SearchResponse>;
  _nextMessageId?: () => number;
  messageParser?: { read?: (data: Buffer, details: unknown) => void };
  messageDetailsByMessageId?: unknown;
}

/** What roster needs of a connected client; throws, naming what is missing, on another ldapts. */
export function ldaptsInternals(client: Client): LdaptsInternals {
  const shape = client as unknown as ClientShape;
  const missing = [
    typeof shape._send === 'function' ? undefined : '_send()',
    typeof shape._nextMessageId === 'function' ? undefined : '_nextMessageId()',
    typeof shape.messageParser?.read === 'function' ? undefined : 'messageParser.read()',
    'messageDetailsByMessageId' in shape ? undefined : 'messageDetailsByMessageId',
  ].filter((name): name is string => name !== undefined);
  const parser = shape.messageParser;
  if (missing.length > 0 || shape._send === undefined || shape._nextMessageId === undefined || parser?.read === undefined) {
    throw new Error(`this ldapts version lacks what roster's directory search uses (${missing.join(', ')}); install the version in package-lock.json`);
  }
  const { _send, _nextMessageId } = shape;
  return {
    send: (message) => _send.call(client, message),
    nextMessageId: () => _nextMessageId.call(client),
    parser: parser as LdaptsInternals['parser'],
    parserDetails: () => shape.messageDetailsByMessageId,
  };
}
