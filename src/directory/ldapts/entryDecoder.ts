// Reads search result entries (RFC 4511 4.5.2) straight from the bytes into DirectoryRecords.
// ldapts's general-purpose parser builds a reader, a message, an Attribute object and a Buffer
// per value for every entry; at 100,000 entries that is most of an export's time and garbage.
// Only entries take this path: every other message (the page's end with its cookie, referrals,
// errors) is left to ldapts. No I/O.
import { isUtf8 } from 'node:buffer';
import type { AttributeValues, DirectoryRecord } from '../../mapping/record.js';
import { OWN_NAMES, type AttributeSlot } from '../attributeKeys.js';
import { binaryAsText } from '../binary.js';
import { DescriptionTable } from './descriptionTable.js';

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const SEARCH_RESULT_ENTRY = 0x64; // [APPLICATION 4], constructed

/** The bytes are not the BER an LDAP server sends. */
export class BerError extends Error {
  override name = 'BerError';
}

/** A BER length at `at` (short or long form, ≤ 4 bytes): [length, content start]; undefined when `end` comes first. */
function readLength(bytes: Buffer, at: number, end: number): [number, number] | undefined {
  if (at >= end) return undefined;
  const first = bytes[at]!;
  if (first < 0x80) return [first, at + 1];
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new BerError(`unsupported BER length form 0x${first.toString(16)}`);
  if (at + 1 + count > end) return undefined;
  let length = 0;
  for (let i = 1; i <= count; i++) length = length * 256 + bytes[at + i]!;
  return [length, at + 1 + count];
}

/** Walks the elements of one message without allocating per element. */
class Reader {
  at = 0;
  constructor(readonly bytes: Buffer) {}

  /** Enters the element with `tag` at `at`, which must end by `limit`: moves to its content, returns where it ends. */
  enter(tag: number, limit: number): number {
    const bytes = this.bytes;
    if (bytes[this.at] !== tag) throw new BerError(`expected tag 0x${tag.toString(16)} at ${this.at}, found 0x${(bytes[this.at] ?? 0).toString(16)}`);
    let at = this.at + 1;
    if (at >= limit) throw new BerError(`element at ${this.at} runs past its container`);
    let length = bytes[at++]!;
    if (length >= 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || at + count > limit) throw new BerError(`unsupported or truncated BER length at ${this.at}`);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[at++]!;
    }
    const end = at + length;
    if (end > limit) throw new BerError(`element at ${this.at} runs past its container`);
    this.at = at;
    return end;
  }
}

/** Where one message lies: bytes[start..end). Messages are passed this way, not as a Buffer each. */
export type OnMessage = (bytes: Buffer, start: number, end: number) => void;

/**
 * Splits the byte stream from the server into whole LDAPMessages. A message split across reads
 * is kept until the rest arrives.
 */
export class MessageFramer {
  /** Bytes received but not yet handed over: bytes[at..]. */
  private bytes: Buffer | undefined;
  private at = 0;

  /**
   * Hands each complete message to `onMessage`, in order. Throws BerError when the stream is not
   * a sequence of messages; takePending() then gives the bytes from the offending message on.
   */
  split(chunk: Buffer, onMessage: OnMessage): void {
    const rest = this.takePending();
    const bytes = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
    this.bytes = bytes;
    this.at = 0;
    while (this.at < bytes.length) {
      const at = this.at;
      if (bytes[at] !== SEQUENCE) throw new BerError(`an LDAP message starts with 0x30, found 0x${bytes[at]!.toString(16)}`);
      const found = readLength(bytes, at + 1, bytes.length);
      if (found === undefined || found[1] + found[0] > bytes.length) break;
      this.at = found[1] + found[0];
      onMessage(bytes, at, this.at);
    }
  }

  /** Bytes not yet handed over (a message not yet complete), if any. */
  takePending(): Buffer | undefined {
    const { bytes, at } = this;
    this.bytes = undefined;
    return bytes === undefined || at >= bytes.length ? undefined : bytes.subarray(at);
  }
}

/**
 * The message ID of `message` when it is a SearchResultEntry; undefined for any other message
 * (the end of a page, a referral, an error). Reads only the message's first few bytes.
 */
export function searchEntryId(message: Buffer, start = 0, end = message.length): number | undefined {
  const reader = new Reader(message);
  reader.at = start;
  const messageEnd = reader.enter(SEQUENCE, end);
  const idEnd = reader.enter(INTEGER, messageEnd);
  if (idEnd - reader.at < 1 || idEnd - reader.at > 4) return undefined;
  let id = 0;
  for (let i = reader.at; i < idEnd; i++) id = id * 256 + message[i]!;
  return message[idEnd] === SEARCH_RESULT_ENTRY ? id : undefined;
}

/**
 * The record in a SearchResultEntry message; throws BerError when it is malformed. `table` is the
 * search's: where each attribute's values go (without one, under their own lower-cased names).
 */
export function decodeSearchEntry(message: Buffer, start = 0, end = message.length, table = new DescriptionTable(OWN_NAMES)): DirectoryRecord {
  const reader = new Reader(message);
  reader.at = start;
  const messageEnd = reader.enter(SEQUENCE, end);
  reader.at = reader.enter(INTEGER, messageEnd);
  const entryEnd = reader.enter(SEARCH_RESULT_ENTRY, messageEnd);
  const nameEnd = reader.enter(OCTET_STRING, entryEnd);
  const entry = new DecodedEntry(message.toString('utf8', reader.at, nameEnd), table.attributesPerEntry);
  reader.at = nameEnd;
  const listEnd = reader.enter(SEQUENCE, entryEnd);
  for (let position = 0; reader.at < listEnd; position++) {
    const attributeEnd = reader.enter(SEQUENCE, listEnd);
    const typeEnd = reader.enter(OCTET_STRING, attributeEnd);
    const slot = table.find(message, reader.at, typeEnd, position);
    reader.at = typeEnd;
    const setEnd = reader.enter(SET, attributeEnd);
    const values = readValues(reader, setEnd, slot);
    if (values.length > 0) {
      const keys = slot.keys;
      for (let i = 0; i < keys.length; i++) entry.add(keys[i]!, values);
    }
    reader.at = attributeEnd;
  }
  table.attributesPerEntry = Math.max(table.attributesPerEntry, entry.count);
  return entry;
}

/**
 * A decoded entry: the record and its attributes in one object, names and values alternating in
 * one list sized for the search's entries. Lighter than a Map, or than a record holding two
 * lists, for the ten or so attributes an entry brings, and made 100,000 times in a large export.
 * A name repeated in one entry (never, from a conforming server) keeps its first values, as a
 * lookup in order finds them.
 */
class DecodedEntry implements DirectoryRecord, AttributeValues {
  /** name, values, name, values, … */
  private readonly items: Array<string | string[]>;
  private length = 0;

  constructor(
    readonly dn: string,
    expectedAttributes: number,
  ) {
    this.items = new Array<string | string[]>(expectedAttributes * 2);
  }

  get attributes(): AttributeValues {
    return this;
  }

  add(name: string, values: string[]): void {
    this.items[this.length++] = name;
    this.items[this.length++] = values;
  }

  get count(): number {
    return this.length / 2;
  }

  get(name: string): readonly string[] | undefined {
    const items = this.items;
    for (let i = 0; i < this.length; i += 2) if (items[i] === name) return items[i + 1] as string[];
    return undefined;
  }

  /** [name, values] in the order the server sent them (for diagnostics and tests). */
  entries(): Array<[string, readonly string[]]> {
    const pairs: Array<[string, readonly string[]]> = [];
    for (let i = 0; i < this.length; i += 2) pairs.push([this.items[i] as string, this.items[i + 1] as string[]]);
    return pairs;
  }
}

/**
 * Text values only, as toRecord.ts does it for entries ldapts parsed: a binary attribute gives
 * its standard text form (GUID, SID) or nothing; an attribute with any value that is not UTF-8
 * is left out whole; a value holding U+FFFD (binary in disguise) is left out.
 */
function readValues(reader: Reader, end: number, slot: AttributeSlot): string[] {
  const message = reader.bytes;
  const binary = slot.binary;
  let values: string[] | undefined;
  while (reader.at < end) {
    const itemEnd = reader.enter(OCTET_STRING, end);
    let text: string | undefined;
    if (binary) {
      text = binaryAsText(slot.binaryName, message.subarray(reader.at, itemEnd));
    } else {
      text = message.toString('utf8', reader.at, itemEnd);
      if (text.includes('\uFFFD')) {
        if (!isUtf8(message.subarray(reader.at, itemEnd))) return [];
        text = undefined;
      }
    }
    reader.at = itemEnd;
    if (text === undefined) continue;
    // Most attributes have one value: an array made for it holds one slot, where an empty array
    // grown by push() would reserve seventeen.
    if (values === undefined) values = [text];
    else values.push(text);
  }
  return values ?? [];
}
