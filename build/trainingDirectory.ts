// A stand-in LDAP server for the build's training run (bundle.ts): `roster export` reads a few
// thousand made-up people from it, so that the code cache holds what an export runs (decoding
// entries, mapping, sorting, writing the CSV), not just the command line. It answers a bind with
// success and a paged search with its people, page after page, whatever the filter; nothing else.
// Loopback and plain LDAP only; it is never used to test roster (the tests use Samba and slapd).
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { BerReader, BerWriter } from 'ldapts';

const BIND_REQUEST = 0x60;
const SEARCH_REQUEST = 0x63;
const UNBIND_REQUEST = 0x42;
const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';

export interface TrainingDirectory {
  url: string;
  close(): void;
}

/** People with the attributes fields.config.json (the default AD mapping) reads. */
function person(i: number): Array<[string, string]> {
  const first = ['Ada', 'Grace', 'Alan', 'Zoë', 'Jürgen', 'Barbara', 'Radia', 'Donald'][i % 8]!;
  const last = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Knuth', "O'Neil", 'Perlman', 'Ritchie'][(i >> 3) % 8]!;
  return [
    ['givenName', first], ['sn', last], ['title', i % 5 === 0 ? 'Team Lead, Platform' : 'Engineer'],
    ['department', ['Finance', 'Engineering', 'Legal'][i % 3]!], ['mail', `${first}.${last}.${i}@training.example`.toLowerCase()],
    ['mobile', `+1 555 01${String(i % 100).padStart(2, '0')}`], ['telephoneNumber', `+1 555 02${String(i % 100).padStart(2, '0')}`],
    ['physicalDeliveryOfficeName', i % 2 === 0 ? 'HQ' : 'Remote'],
  ];
}

function message(messageId: number, write: (writer: BerWriter) => void): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInt(messageId);
  write(writer);
  writer.endSequence();
  return Buffer.from(writer.buffer);
}

function result(writer: BerWriter, tag: number): void {
  writer.startSequence(tag);
  writer.writeEnumeration(0); // success
  writer.writeString('');
  writer.writeString('');
  writer.endSequence();
}

function entry(messageId: number, i: number, base: string): Buffer {
  return message(messageId, (writer) => {
    writer.startSequence(0x64);
    writer.writeString(`CN=Person ${i},${base}`);
    writer.startSequence();
    for (const [type, value] of person(i)) {
      writer.startSequence();
      writer.writeString(type);
      writer.startSequence(0x31);
      writer.writeString(value);
      writer.endSequence();
      writer.endSequence();
    }
    writer.endSequence();
    writer.endSequence();
  });
}

/** A SearchResultDone carrying a paged-results control; an empty cookie ends the search. */
function done(messageId: number, cookie: string): Buffer {
  const value = new BerWriter();
  value.startSequence();
  value.writeInt(0);
  value.writeString(cookie);
  value.endSequence();
  return message(messageId, (writer) => {
    result(writer, 0x65);
    writer.startSequence(0xa0);
    writer.startSequence();
    writer.writeString(PAGED_RESULTS_OID);
    writer.writeBuffer(Buffer.from(value.buffer), 0x04);
    writer.endSequence();
    writer.endSequence();
  });
}

/** Where the next complete LDAPMessage in `data` ends, or -1 if it has not all arrived. */
function messageEnd(data: Buffer): number {
  if (data.length < 2) return -1;
  const first = data[1]!;
  const lengthBytes = first < 0x80 ? 0 : first & 0x7f;
  if (data.length < 2 + lengthBytes) return -1;
  let length = first < 0x80 ? first : 0;
  for (let i = 0; i < lengthBytes; i++) length = length * 256 + data[2 + i]!;
  const end = 2 + lengthBytes + length;
  return data.length >= end ? end : -1;
}

function serve(socket: Socket, people: number, pageSize: number): void {
  let pending = Buffer.alloc(0);
  let next = 0; // the first person of the next page
  socket.on('error', () => socket.destroy());
  socket.on('data', (data: Buffer) => {
    pending = Buffer.concat([pending, data]);
    for (let end = messageEnd(pending); end !== -1; end = messageEnd(pending)) {
      const reader = new BerReader(pending.subarray(0, end));
      pending = pending.subarray(end);
      reader.readSequence();
      const messageId = reader.readInt()!;
      const operation = reader.peek();
      if (operation === BIND_REQUEST) {
        socket.write(message(messageId, (writer) => result(writer, 0x61)));
      } else if (operation === SEARCH_REQUEST) {
        reader.readSequence(SEARCH_REQUEST);
        const base = reader.readString() ?? '';
        const last = Math.min(next + pageSize, people);
        const page = [];
        for (let i = next; i < last; i++) page.push(entry(messageId, i, base));
        next = last;
        page.push(done(messageId, next < people ? String(next) : ''));
        socket.write(Buffer.concat(page));
      } else if (operation === UNBIND_REQUEST) {
        socket.end();
      } else {
        socket.destroy(); // nothing else is part of an export
      }
    }
  });
}

export async function startTrainingDirectory(people: number, pageSize: number): Promise<TrainingDirectory> {
  const server = createServer((socket) => serve(socket, people, pageSize));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { url: `ldap://127.0.0.1:${port}`, close: () => server.close() };
}
