// Puts entryDecoder.ts in front of ldapts's message parser for the length of one search: the
// search result entries of that search are set aside as raw messages (for pagedSearch.ts to
// decode when it suits it), everything else goes on to ldapts exactly as before.
import type { Client } from 'ldapts';
import { MessageFramer, searchEntryId } from './entryDecoder.js';

/** ldapts 8.2 internals: the client's socket 'data' handler calls messageParser.read(data, details). */
interface ParserInternals {
  messageParser?: { read(data: Buffer, details: unknown): void };
  messageDetailsByMessageId?: unknown;
}

/**
 * Until the returned stop() is called, SearchResultEntry messages answering request
 * `messageId()` go to `onEntry` instead of ldapts. Returns undefined, and does nothing, without
 * the internals (another ldapts): ldapts then parses every entry itself.
 */
export function divertEntries(client: Client, messageId: () => number, onEntry: (message: Buffer) => void): (() => void) | undefined {
  const internals = client as unknown as ParserInternals;
  const parser = internals.messageParser;
  if (parser === undefined || typeof parser.read !== 'function') return undefined;
  const ldaptsRead = parser.read;
  const toLdapts = (bytes: Buffer) => ldaptsRead.call(parser, bytes, internals.messageDetailsByMessageId);
  const framer = new MessageFramer();
  let bypass = false;
  parser.read = (data: Buffer) => {
    if (bypass) return toLdapts(data);
    try {
      for (const message of framer.split(data)) {
        if (searchEntryId(message) === messageId()) onEntry(message);
        else toLdapts(message);
      }
    } catch {
      // Not a stream of LDAP messages: from here on ldapts reads it, and reports it as it always has.
      bypass = true;
      toLdapts(Buffer.concat([framer.takePending() ?? Buffer.alloc(0), data]));
    }
  };
  return () => {
    parser.read = ldaptsRead;
    const rest = framer.takePending();
    if (rest !== undefined && !bypass) toLdapts(rest);
  };
}
