// Rows kept compactly. A large directory's rows must be held (to drop duplicate emails and to
// sort) and as JavaScript objects each costs about 300 bytes of garbage-collected heap, which also
// makes V8 double its young generation. Here a row is kept as the bytes of its CSV line, in 1 MB
// buffers outside the heap, and known by its number (the order rows were stored in): the CSV
// file is then written by copying bytes, and a row becomes a Row object again only while
// something reads it.
import { csvField, csvLineEnd, csvLineStart, parseCsvLine } from './csvLine.js';
import { sortByBytes } from './byteOrder.js';
import { EmailKeys } from './emailKeys.js';
import { doubled } from './growable.js';
import type { Row } from '../mapping/mapRecord.js';

const CHUNK_BYTES = 1 << 20;
/** A record's place is chunk * CHUNK_BYTES + offset, which a Uint32Array holds up to 4 GB of rows. */
const MAX_CHUNKS = 2 ** 32 / CHUNK_BYTES;
/** Row numbers stay below 2^32 - 1, so that a number + 1 fits a Uint32Array too (emailIndex.ts). */
const MAX_ROWS = 2 ** 32 - 2;
/** A record's header: the byte lengths of its line and of its DN. */
const HEADER_BYTES = 8;
const NEWLINE = 0x0a;

/**
 * Append-only storage for rows and the DN each came from. A record is its header (two 32-bit
 * numbers), the row's CSV line (no line end) and the DN, in UTF-8. The EMAIL is also kept apart,
 * in EmailKeys under the same number: it is read on its own, to find duplicates and to sort. So is
 * the SITE, as the number of its distinct value: it routes rows to targets and is checked against
 * the portal's site names, for which reading every row back (~0.9 µs each) cost more than the
 * search's decoding of SITE's attribute.
 */
export class RowStore {
  private readonly emails = new EmailKeys();
  /** Each distinct SITE value once, and its number there. */
  private readonly siteValues: string[] = [];
  private readonly siteNumbers = new Map<string, number>();
  /** Each row's SITE, as its number in siteValues. */
  private sites: Uint32Array = new Uint32Array(1024);
  private readonly chunks: Buffer[] = [];
  private chunk: Buffer = Buffer.alloc(0);
  private used = 0;
  /** Where each row's record is, by row number. */
  private places: Uint32Array = new Uint32Array(1024);
  private count = 0;

  /** Stores a row and its DN; returns its number, to read them back with. */
  put(row: Row, dn: string): number {
    if (this.count > MAX_ROWS) throw new RangeError(`more than ${MAX_ROWS} rows`);
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
    this.used = at + HEADER_BYTES + bytes;
    this.emails.add(row.EMAIL.toLowerCase());
    if (this.count === this.places.length) {
      this.places = doubled(this.places);
      this.sites = doubled(this.sites);
    }
    this.places[this.count] = (this.chunks.length - 1) * CHUNK_BYTES + at;
    this.sites[this.count] = this.siteNumber(row.SITE);
    return this.count++;
  }

  /** How many of these rows carry each SITE value, counted by the values' numbers. */
  siteCounts(numbers: Uint32Array): Map<string, number> {
    const perValue = new Uint32Array(this.siteValues.length);
    for (let i = 0; i < numbers.length; i++) perValue[this.sites[numbers[i]!]!]! += 1;
    const counts = new Map<string, number>();
    perValue.forEach((count, value) => {
      if (count > 0) counts.set(this.siteValues[value]!, count);
    });
    return counts;
  }

  /** The rows of `numbers` whose SITE `keep` says yes to; `keep` is asked once per distinct value. */
  withSites(numbers: Uint32Array, keep: (site: string) => boolean): Uint32Array {
    const kept = this.siteValues.map(keep);
    return numbers.filter((number) => kept[this.sites[number]!]!);
  }

  private siteNumber(site: string): number {
    let number = this.siteNumbers.get(site);
    if (number === undefined) {
      number = this.siteValues.push(site) - 1;
      this.siteNumbers.set(site, number);
    }
    return number;
  }

  row(number: number): Row {
    const { chunk, line, lineBytes } = this.locate(number);
    return parseCsvLine(chunk.toString('utf8', line, line + lineBytes));
  }

  /** The row's EMAIL lower-cased: what rows are matched (and sorted) by, as the services do. */
  email(number: number): string {
    return this.emails.email(number);
  }

  /** Compares the EMAIL of row `a` here with that of row `b` in `other`, as sortByEmail orders them. */
  compareEmails(a: number, other: RowStore, b: number): number {
    return this.emails.compare(a, other.emails, b);
  }

  /** compareEmails for two rows of this store. */
  compareOwnEmails(a: number, b: number): number {
    return this.emails.compare(a, this.emails, b);
  }

  /** Whether row `a` here and row `b` in `other` have the very same line. */
  sameLine(a: number, other: RowStore, b: number): boolean {
    const mine = this.locate(a);
    const theirs = other.locate(b);
    return (
      mine.lineBytes === theirs.lineBytes &&
      mine.chunk.compare(theirs.chunk, theirs.line, theirs.line + theirs.lineBytes, mine.line, mine.line + mine.lineBytes) === 0
    );
  }

  dn(number: number): string {
    const { chunk, line, lineBytes } = this.locate(number);
    return chunk.toString('utf8', line + lineBytes, line + lineBytes + chunk.readUInt32LE(line - 4));
  }

  /**
   * The row numbers in the order of their EMAILs' bytes, which for UTF-8 is Unicode code point order
   * (the same as comparing the strings, but for characters beyond U+FFFF). Sorted as bytes, with
   * no string made: 100,000 emails as strings would live long enough to make V8 double its young
   * generation.
   */
  sortByEmail(numbers: Uint32Array): Uint32Array {
    const order = sortByBytes(this.emails.keys(numbers));
    const sorted = new Uint32Array(order.length);
    for (let i = 0; i < order.length; i++) sorted[i] = numbers[order[i]!]!;
    return sorted;
  }

  /**
   * The lines of these rows, each ending in a line feed, in pieces of about 64 KB (small enough to
   * stay out of V8's large-object space). This runs once, at the very end of an export, before V8
   * has optimised it, so each row costs as few steps as possible: plain Uint8Array views (a
   * Buffer's subarray() runs Buffer's JavaScript constructor, per row) and no object per row.
   * Measured: 10,000 rows in ~4 ms instead of ~8.
   */
  *lines(numbers: Uint32Array): Generator<Uint8Array> {
    const PIECE = 1 << 16;
    const chunks = this.chunks.map((chunk) => new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    const places = this.places;
    let piece = new Uint8Array(PIECE);
    let used = 0;
    for (let i = 0; i < numbers.length; i++) {
      const place = places[numbers[i]!]!;
      const chunk = chunks[Math.floor(place / CHUNK_BYTES)]!;
      const at = place % CHUNK_BYTES;
      const line = at + HEADER_BYTES;
      const lineBytes = chunk[at]! + (chunk[at + 1]! << 8) + (chunk[at + 2]! << 16) + chunk[at + 3]! * 2 ** 24;
      if (used + lineBytes + 1 > piece.length) {
        if (used > 0) yield piece.subarray(0, used);
        piece = new Uint8Array(Math.max(PIECE, lineBytes + 1));
        used = 0;
      }
      piece.set(chunk.subarray(line, line + lineBytes), used);
      piece[used + lineBytes] = NEWLINE;
      used += lineBytes + 1;
    }
    if (used > 0) yield piece.subarray(0, used);
  }

  private locate(number: number): { chunk: Buffer; line: number; lineBytes: number } {
    const place = this.places[number]!;
    const chunk = this.chunks[Math.floor(place / CHUNK_BYTES)]!;
    const at = place % CHUNK_BYTES;
    return { chunk, line: at + HEADER_BYTES, lineBytes: chunk.readUInt32LE(at) };
  }

  private newChunk(minimum: number): void {
    if (this.chunks.length >= MAX_CHUNKS) throw new RangeError(`more than ${MAX_CHUNKS * CHUNK_BYTES} bytes of rows`);
    // A record larger than a chunk (a multi-megabyte value) gets a chunk of exactly its size, so
    // nothing follows it there: every record's offset, and so its place, stays below CHUNK_BYTES.
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
  /**
   * `numbers`: the rows, by their number in `store`, in this list's order. `inEmailOrder`: that order
   * is already sortByEmail's (an extract's rows are), so byEmail() has nothing to do.
   */
  constructor(
    private readonly store: RowStore,
    private readonly numbers: Uint32Array,
    private readonly inEmailOrder = false,
  ) {}

  /** Rows from a list (a file read for upload, a test), in the order given. */
  static of(rows: Iterable<Row>): RowList {
    const store = new RowStore();
    const numbers: number[] = [];
    for (const row of rows) numbers.push(store.put(row, ''));
    return new RowList(store, Uint32Array.from(numbers));
  }

  /** The same rows in EMAIL order (lower-cased, byte order). */
  byEmail(): RowList {
    return this.inEmailOrder ? this : new RowList(this.store, this.store.sortByEmail(this.numbers), true);
  }

  /** The row at `position`. */
  row(position: number): Row {
    return this.store.row(this.numbers[position]!);
  }

  /** Compares the EMAIL at `position` with the one at `theirs` in `other`, as byEmail() orders them. */
  compareEmails(position: number, other: RowList, theirs: number): number {
    return this.store.compareEmails(this.numbers[position]!, other.store, other.numbers[theirs]!);
  }

  /** Whether the row at `position` and the one at `theirs` in `other` are the very same line. */
  sameRow(position: number, other: RowList, theirs: number): boolean {
    return this.store.sameLine(this.numbers[position]!, other.store, other.numbers[theirs]!);
  }

  get length(): number {
    return this.numbers.length;
  }

  *[Symbol.iterator](): Iterator<Row> {
    for (const number of this.numbers) yield this.store.row(number);
  }

  /** Their CSV lines, each ending in a line feed, in pieces of about 64 KB. */
  csvLines(): Iterable<Uint8Array> {
    return this.store.lines(this.numbers);
  }

  /** The first `count` rows (a sample, the first few of a change list). */
  first(count: number): Row[] {
    return [...this.numbers.subarray(0, count)].map((number) => this.store.row(number));
  }

  /** The rows at these positions (ascending), sharing this list's storage. */
  at(positions: readonly number[]): RowList {
    return new RowList(
      this.store,
      Uint32Array.from(positions, (position) => this.numbers[position]!),
      this.inEmailOrder,
    );
  }

  /** How many rows carry each SITE value ('' for an empty one), in no particular order; no row is read. */
  siteCounts(): Map<string, number> {
    return this.store.siteCounts(this.numbers);
  }

  /** The rows whose SITE `keep` says yes to, in the same order, sharing this list's storage; no row is read. */
  withSites(keep: (site: string) => boolean): RowList {
    return new RowList(this.store, this.store.withSites(this.numbers, keep), this.inEmailOrder);
  }
}
