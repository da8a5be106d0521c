// Rows kept compactly. A large directory's rows must be held (to drop duplicate emails and to
// sort) and as JavaScript objects each costs about 300 bytes of garbage-collected heap, which also
// makes V8 double its young generation. Here a row is kept as the bytes of its CSV line, in 1 MB
// buffers outside the heap, found by a number (its handle): the CSV file is then written by
// copying bytes, and a row becomes a Row object again only while something reads it.
import { csvField, csvLineEnd, csvLineStart, parseCsvLine } from '../file/csvLine.js';
import { sortByBytes } from './byteOrder.js';
import { EmailKeys } from './emailKeys.js';
import type { Row } from '../mapping/mapRecord.js';

const CHUNK_BYTES = 1 << 20;
/** A handle is chunk * CHUNK_BYTES + offset; kept below 2^32 - 1 so a handle + 1 fits a Uint32Array too. */
const MAX_CHUNKS = 2 ** 32 / CHUNK_BYTES - 1;
/** A record's header: the byte lengths of its line and DN, and the number of its EMAIL in `emails`. */
const HEADER_BYTES = 12;
const NEWLINE = 0x0a;

/**
 * Append-only storage for rows and the DN each came from. A record is its header (three 32-bit
 * numbers), the row's CSV line (no line end) and the DN, in UTF-8. The EMAIL is also kept apart,
 * in EmailKeys: it is read on its own, to find duplicates and to sort.
 */
export class RowStore {
  private readonly emails = new EmailKeys();
  private readonly chunks: Buffer[] = [];
  private chunk: Buffer = Buffer.alloc(0);
  private used = 0;

  /** Stores a row and its DN; returns the handle to read them back with. */
  put(row: Row, dn: string): number {
    const text = csvLineStart(row) + csvField(row.EMAIL) + csvLineEnd(row) + dn;
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the exact size is only worked out near a chunk's end.
    let size = HEADER_BYTES + text.length * 3;
    if (this.used + size > this.chunk.length) {
      size = HEADER_BYTES + Buffer.byteLength(text, 'utf8');
      if (this.used + size > this.chunk.length) this.newChunk(size);
    }
    const chunk = this.chunk;
    const at = this.used;
    const bytes = chunk.write(text, at + HEADER_BYTES, 'utf8');
    const dnBytes = Buffer.byteLength(dn, 'utf8');
    chunk.writeUInt32LE(bytes - dnBytes, at);
    chunk.writeUInt32LE(dnBytes, at + 4);
    chunk.writeUInt32LE(this.emails.add(row.EMAIL), at + 8);
    this.used = at + HEADER_BYTES + bytes;
    return (this.chunks.length - 1) * CHUNK_BYTES + at;
  }

  row(handle: number): Row {
    const { chunk, line, lineBytes } = this.locate(handle);
    return parseCsvLine(chunk.toString('utf8', line, line + lineBytes));
  }

  /** The EMAIL as the row holds it. */
  email(handle: number): string {
    return this.emails.email(this.emailNumber(handle));
  }

  dn(handle: number): string {
    const { chunk, line, lineBytes } = this.locate(handle);
    return chunk.toString('utf8', line + lineBytes, line + lineBytes + chunk.readUInt32LE(handle % CHUNK_BYTES + 4));
  }

  /**
   * The handles in the order of their EMAILs' bytes, which for UTF-8 is Unicode code point order
   * (the same as comparing the strings, but for characters beyond U+FFFF). Sorted as bytes, with
   * no string made: 100,000 emails as strings would live long enough to make V8 double its young
   * generation.
   */
  sortByEmail(handles: Uint32Array): Uint32Array {
    const numbers = new Uint32Array(handles.length);
    for (let i = 0; i < handles.length; i++) numbers[i] = this.emailNumber(handles[i]!);
    const order = sortByBytes(this.emails.keys(numbers));
    const sorted = new Uint32Array(order.length);
    for (let i = 0; i < order.length; i++) sorted[i] = handles[order[i]!]!;
    return sorted;
  }

  /**
   * The lines of these rows, each ending in a line feed, in pieces of about 64 KB (small enough to
   * stay out of V8's large-object space).
   */
  *lines(handles: Uint32Array): Generator<Buffer> {
    const PIECE = 1 << 16;
    let piece = Buffer.allocUnsafe(PIECE);
    let used = 0;
    for (const handle of handles) {
      const { chunk, line, lineBytes } = this.locate(handle);
      if (used + lineBytes + 1 > piece.length) {
        if (used > 0) yield piece.subarray(0, used);
        piece = Buffer.allocUnsafe(Math.max(PIECE, lineBytes + 1));
        used = 0;
      }
      piece.set(chunk.subarray(line, line + lineBytes), used);
      piece[used + lineBytes] = NEWLINE;
      used += lineBytes + 1;
    }
    if (used > 0) yield piece.subarray(0, used);
  }

  private locate(handle: number): { chunk: Buffer; line: number; lineBytes: number } {
    const chunk = this.chunkOf(handle);
    const at = handle % CHUNK_BYTES;
    return { chunk, line: at + HEADER_BYTES, lineBytes: chunk.readUInt32LE(at) };
  }

  private emailNumber(handle: number): number {
    return this.chunkOf(handle).readUInt32LE(handle % CHUNK_BYTES + 8);
  }

  private chunkOf(handle: number): Buffer {
    return this.chunks[Math.floor(handle / CHUNK_BYTES)]!;
  }

  private newChunk(minimum: number): void {
    if (this.chunks.length >= MAX_CHUNKS) throw new RangeError(`more than ${MAX_CHUNKS * CHUNK_BYTES} bytes of rows`);
    // A record larger than a chunk (a multi-megabyte value) gets a chunk of exactly its size, so
    // nothing follows it there: every record's offset, and so its handle, stays below CHUNK_BYTES.
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, minimum));
    this.chunks.push(this.chunk);
    this.used = 0;
  }
}

/**
 * The rows of an extract (or of a file), in a fixed order, held in a RowStore. Iterating gives a
 * fresh Row object per row, so a caller that keeps only a few rows keeps only those in memory.
 */
export class RowList implements Iterable<Row> {
  constructor(private readonly store: RowStore, private readonly handles: Uint32Array) {}

  /** Rows from a list (a file read for upload, a test), in the order given. */
  static of(rows: Iterable<Row>): RowList {
    const store = new RowStore();
    const handles: number[] = [];
    for (const row of rows) handles.push(store.put(row, ''));
    return new RowList(store, Uint32Array.from(handles));
  }

  get length(): number {
    return this.handles.length;
  }

  *[Symbol.iterator](): Iterator<Row> {
    for (const handle of this.handles) yield this.store.row(handle);
  }

  /** Their CSV lines, each ending in a line feed, in pieces of about 64 KB. */
  csvLines(): Iterable<Buffer> {
    return this.store.lines(this.handles);
  }

  /** The first `count` rows (a sample, the first few of a change list). */
  first(count: number): Row[] {
    return [...this.handles.subarray(0, count)].map((handle) => this.store.row(handle));
  }

  /** The rows at these positions (ascending), sharing this list's storage. */
  at(positions: readonly number[]): RowList {
    return new RowList(this.store, Uint32Array.from(positions, (position) => this.handles[position]!));
  }

  /** The rows `keep` says yes to, in the same order, sharing this list's storage. */
  filter(keep: (row: Row) => boolean): RowList {
    return new RowList(this.store, this.handles.filter((handle) => keep(this.store.row(handle))));
  }
}
