// Puts entryDecoder.ts in front of ldapts's message parser for the length of one search: the
// search result entries of that search are set aside as raw messages (for pagedSearch.ts to
// decode when it suits it), everything else goes on to ldapts exactly as before.
import { MessageFramer, searchEntryId, type OnMessage } from './entryDecoder.js';
import type { LdaptsInternals } from './internals.js';

/**
 * Until the returned stop() is called, SearchResultEntry messages answering request
 * `messageId()` go to `onEntry` instead of ldapts; everything else goes on to ldapts as before.
 */
export function divertEntries(internals: LdaptsInternals, messageId: () => number, onEntry: OnMessage): () => void {
  const { parser } = internals;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be put back as it was; called with .call(parser)
  const ldaptsRead = parser.read;
  const toLdapts = (bytes: Buffer) => ldaptsRead.call(parser, bytes, internals.parserDetails());
  const framer = new MessageFramer();
  const route: OnMessage = (bytes, start, end) => {
    if (searchEntryId(bytes, start, end) === messageId()) onEntry(bytes, start, end);
    else toLdapts(bytes.subarray(start, end));
  };
  let bypass = false;
  parser.read = (data: Buffer) => {
    if (bypass) return toLdapts(data);
    try {
      framer.split(data, route);
    } catch {
      // Not a stream of LDAP messages: from here on ldapts reads it (from the first byte not yet
      // handed over), and reports it as it always has.
      bypass = true;
      const rest = framer.takePending();
      if (rest !== undefined) toLdapts(rest);
    }
  };
  return () => {
    parser.read = ldaptsRead;
    const rest = framer.takePending();
    if (rest !== undefined && !bypass) toLdapts(rest);
  };
}

/**
 * A page's entries, copied as they arrive into 64 KB blocks, with where each one lies. A page
 * waits while the next one is read, across several garbage collections; kept as they came (a
 * Buffer per socket read, which over TLS is often one per entry) they would be a thousand small
 * objects surviving each collection, and V8 answers that by doubling its young generation
 * (+16 MB of memory at 100,000 entries). The blocks are used again for a later page (clear()):
 * new ones for every page would outlive a collection or two, be moved to the old generation and
 * be freed only by a full collection, which a run this small rarely has (+10 MB).
 */
export class ArrivedEntries {
  private static readonly BLOCK = 1 << 16;
  private readonly blocks: Buffer[] = [];
  /** The block being filled, and how much of it is. */
  private current = -1;
  private used = 0;
  /** Per entry: its block's index, start and end (a typed array: it is not on V8's heap either). */
  private spans = new Uint32Array(3 * 1024);
  private length = 0;

  readonly add: OnMessage = (bytes, start, end) => {
    const size = end - start;
    if (this.current === -1 || this.used + size > this.blocks[this.current]!.length) {
      this.current += 1;
      this.used = 0;
      // The next block kept from an earlier page, unless it is too small for this entry.
      if (this.current === this.blocks.length) this.blocks.push(Buffer.allocUnsafe(Math.max(ArrivedEntries.BLOCK, size)));
      else if (this.blocks[this.current]!.length < size) this.blocks[this.current] = Buffer.allocUnsafe(size);
    }
    bytes.copy(this.blocks[this.current]!, this.used, start, end);
    if (this.length + 3 > this.spans.length) {
      const larger = new Uint32Array(this.spans.length * 2);
      larger.set(this.spans);
      this.spans = larger;
    }
    this.spans[this.length++] = this.current;
    this.spans[this.length++] = this.used;
    this.spans[this.length++] = this.used + size;
    this.used += size;
  };

  get count(): number {
    return this.length / 3;
  }

  /** Forgets the entries, keeping the blocks for the next page. */
  clear(): void {
    this.length = 0;
    this.current = 0;
    this.used = 0;
  }

  forEach(each: OnMessage): void {
    for (let i = 0; i < this.length; i += 3) each(this.blocks[this.spans[i]!]!, this.spans[i + 1]!, this.spans[i + 2]!);
  }
}
