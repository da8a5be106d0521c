// LDAP messages built byte by byte (RFC 4511), for tests of the code that reads them.
import { BerWriter } from 'ldapts';

export type Value = string | Buffer;

/** An LDAPMessage holding a SearchResultEntry (RFC 4511 4.5.2). */
export function entryMessage(messageId: number, dn: string, attributes: Array<[string, Value[]]>): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInt(messageId);
  writer.startSequence(0x64);
  writer.writeString(dn);
  writer.startSequence();
  for (const [type, values] of attributes) {
    writer.startSequence();
    writer.writeString(type);
    writer.startSequence(0x31);
    for (const value of values) {
      if (typeof value === 'string') writer.writeString(value);
      else writer.writeBuffer(value, 0x04);
    }
    writer.endSequence();
    writer.endSequence();
  }
  writer.endSequence();
  writer.endSequence();
  writer.endSequence();
  return Buffer.from(writer.buffer);
}

/** A SearchResultDone (success) for `messageId`. */
export function doneMessage(messageId: number): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInt(messageId);
  writer.startSequence(0x65);
  writer.writeEnumeration(0);
  writer.writeString('');
  writer.writeString('');
  writer.endSequence();
  writer.endSequence();
  return Buffer.from(writer.buffer);
}
