// The search-entry decoder against messages built byte by byte, and against ldapts's own parser
// (the path every entry took before): both must give the same record.
import { expect } from 'chai';
import { MessageParser, type SearchEntry } from 'ldapts';
import { doneMessage, entryMessage } from '../harness/berMessages.js';
import { BerError, MessageFramer, decodeSearchEntry, searchEntryId } from '../../src/directory/ldapts/entryDecoder.js';
import { ArrivedEntries, divertEntries } from '../../src/directory/ldapts/entryStream.js';
import { ldaptsInternals } from '../../src/directory/ldapts/internals.js';
import { toRecord } from '../../src/directory/toRecord.js';
import type { DirectoryRecord } from '../../src/mapping/record.js';
import type { Client } from 'ldapts';

/** What ldapts's parser and toRecord.ts make of the same bytes. */
function viaLdapts(message: Buffer): DirectoryRecord {
  const parser = new MessageParser();
  let parsed: SearchEntry | undefined;
  parser.on('message', (m) => {
    parsed = m as SearchEntry;
  });
  parser.on('error', (e: Error) => {
    throw e;
  });
  parser.read(message, new Map());
  if (parsed === undefined) throw new Error('ldapts parsed nothing');
  return toRecord(parsed);
}

/** The record as plain data; both the decoder's attributes and a Map list their entries. */
const plain = (record: DirectoryRecord | undefined) =>
  record && {
    dn: record.dn,
    attributes: Object.fromEntries(
      [...(record.attributes as unknown as { entries(): Iterable<[string, readonly string[]]> }).entries()].map(([k, v]) => [k, [...v]]),
    ),
  };

/** Every message the framer hands over for these chunks, each as its own Buffer. */
function splitAll(framer: MessageFramer, ...chunks: Buffer[]): Buffer[] {
  const messages: Buffer[] = [];
  for (const chunk of chunks) framer.split(chunk, (bytes, start, end) => messages.push(Buffer.from(bytes.subarray(start, end))));
  return messages;
}

const GUID_BYTES = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
const LONG_TITLE = `Head of ${'very '.repeat(60)}long titles`; // > 255 bytes: a two-byte BER length

describe('the search entry decoder', () => {
  const message = entryMessage(7, 'CN=Zoë Ng,OU=Staff,DC=corp,DC=example,DC=com', [
    ['givenName', ['Zoë']],
    ['mail', ['Zoe.Ng@Example.org']],
    ['title', [LONG_TITLE]],
    ['proxyAddresses', ['smtp:zoe@old.example.org', 'SMTP:zoe.ng@example.org']],
    ['description', ['']],
    ['objectGUID', [GUID_BYTES]],
    ['thumbnailPhoto', [Buffer.from([0xff, 0xd8, 0xff, 0xe0])]],
    ['info', [Buffer.from([0x61, 0xff, 0x62])]], // not UTF-8: left out whole
    ['comment', ['replacement \uFFFD char']], // U+FFFD: binary in disguise, left out
    ['cn', []],
  ]);

  it('reads DN, multi-valued, long, non-Latin, empty and binary values', () => {
    expect(plain(decodeSearchEntry(message))).to.deep.equal({
      dn: 'CN=Zoë Ng,OU=Staff,DC=corp,DC=example,DC=com',
      attributes: {
        givenname: ['Zoë'],
        mail: ['Zoe.Ng@Example.org'],
        title: [LONG_TITLE],
        proxyaddresses: ['smtp:zoe@old.example.org', 'SMTP:zoe.ng@example.org'],
        description: [''],
        objectguid: ['67452301-ab89-efcd-fedc-ba9876543210'],
      },
    });
  });

  it('gives the same record as ldapts followed by toRecord', () => {
    expect(plain(decodeSearchEntry(message))).to.deep.equal(plain(viaLdapts(message)));
  });

  it('applies one binary rule in both readers: listed names with options, and the ;binary option', () => {
    const withOptions = entryMessage(8, 'uid=a,dc=example,dc=org', [
      ['objectGUID;binary', [GUID_BYTES]], // a GUID keeps its text form under an option
      ['userCertificate;binary', [Buffer.from('valid UTF-8, still a certificate')]],
      ['thumbnailPhoto;x-small', [Buffer.from('abc')]], // a listed name with an option is still binary
      ['cn;lang-fr', ['Zoé']],
    ]);
    const expected = { dn: 'uid=a,dc=example,dc=org', attributes: { 'objectguid;binary': ['67452301-ab89-efcd-fedc-ba9876543210'], 'cn;lang-fr': ['Zoé'] } };
    expect(plain(decodeSearchEntry(withOptions))).to.deep.equal(expected);
    expect(plain(viaLdapts(withOptions))).to.deep.equal(expected);
  });

  it('tells entries (and the request they answer) from other messages', () => {
    expect(searchEntryId(message)).to.equal(7);
    expect(searchEntryId(entryMessage(300, 'uid=a,dc=example,dc=org', []))).to.equal(300);
    expect(searchEntryId(doneMessage(7))).to.equal(undefined);
  });

  it('refuses an entry whose elements run past their container', () => {
    const broken = Buffer.from(message);
    broken[broken.indexOf('givenName') - 1] = 0x7f; // the type's length now runs past the attribute
    expect(() => decodeSearchEntry(broken)).to.throw(BerError);
  });
});

describe('the message framer', () => {
  const first = entryMessage(3, 'uid=a,dc=example,dc=org', [['cn', ['A']]]);
  const second = entryMessage(3, 'uid=b,dc=example,dc=org', [['title', [LONG_TITLE]]]);
  const stream = Buffer.concat([first, second, doneMessage(3)]);

  it('finds every message however the stream is cut', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = new MessageFramer();
      const messages = splitAll(framer, stream.subarray(0, cut), stream.subarray(cut));
      expect(
        messages.map((m) => m.toString('hex')),
        `cut at ${cut}`,
      ).to.deep.equal([first, second, doneMessage(3)].map((m) => m.toString('hex')));
      expect(framer.takePending()).to.equal(undefined);
    }
  });

  it('keeps an incomplete message until the rest arrives', () => {
    const framer = new MessageFramer();
    expect(splitAll(framer, second.subarray(0, 10))).to.deep.equal([]);
    expect(framer.takePending()?.length).to.equal(10);
  });

  it('refuses bytes that are not an LDAP message', () => {
    expect(() => splitAll(new MessageFramer(), Buffer.from([0x04, 0x01, 0x41]))).to.throw(BerError);
  });
});

describe('diverting entries past ldapts', () => {
  /** A stand-in for ldapts's Client: what its parser received. */
  function fakeClient() {
    const toLdapts: Buffer[] = [];
    const client = {
      messageParser: {
        read: (data: Buffer) => {
          toLdapts.push(Buffer.from(data));
        },
      },
      messageDetailsByMessageId: new Map(),
      _send: () => Promise.reject(new Error('not sent in this test')),
      _connect: () => Promise.resolve(),
      _nextMessageId: () => 5,
    };
    return { client: ldaptsInternals(client as unknown as Client), toLdapts, parser: client.messageParser };
  }

  it('sets aside entries of the current request and passes everything else on to ldapts', () => {
    const { client, toLdapts, parser } = fakeClient();
    const diverted: Buffer[] = [];
    const stop = divertEntries(
      client,
      () => 5,
      (bytes, start, end) => diverted.push(Buffer.from(bytes.subarray(start, end))),
    );
    const mine = entryMessage(5, 'uid=a,dc=example,dc=org', [['cn', ['A']]]);
    const other = entryMessage(4, 'uid=old,dc=example,dc=org', [['cn', ['old']]]);
    const bytes = Buffer.concat([mine, other, doneMessage(5)]);
    parser.read(bytes.subarray(0, 7));
    parser.read(bytes.subarray(7));
    stop?.();
    expect(diverted.map((b) => b.toString('hex'))).to.deep.equal([mine.toString('hex')]);
    expect(toLdapts.map((b) => b.toString('hex'))).to.deep.equal([other.toString('hex'), doneMessage(5).toString('hex')]);
  });

  it('hands ldapts its parser back, with any half-received message', () => {
    const { client, toLdapts, parser } = fakeClient();
    const original = parser.read;
    const stop = divertEntries(
      client,
      () => 5,
      () => undefined,
    );
    parser.read(doneMessage(5).subarray(0, 4));
    stop?.();
    expect(parser.read).to.equal(original);
    expect(toLdapts.map((b) => b.toString('hex'))).to.deep.equal([doneMessage(5).subarray(0, 4).toString('hex')]);
  });

  it('leaves a stream it cannot frame to ldapts from then on', () => {
    const { client, toLdapts, parser } = fakeClient();
    const diverted: Buffer[] = [];
    const stop = divertEntries(
      client,
      () => 5,
      (bytes, start, end) => diverted.push(Buffer.from(bytes.subarray(start, end))),
    );
    parser.read(Buffer.from([0x04, 0x01, 0x41]));
    parser.read(entryMessage(5, 'uid=a,dc=example,dc=org', [['cn', ['A']]]));
    stop?.();
    expect(diverted).to.deep.equal([]);
    expect(toLdapts).to.have.length(2);
  });

  it('hands ldapts only what it has not handed over when the stream breaks mid-read', () => {
    const { client, toLdapts, parser } = fakeClient();
    const diverted: Buffer[] = [];
    const stop = divertEntries(
      client,
      () => 5,
      (bytes, start, end) => diverted.push(Buffer.from(bytes.subarray(start, end))),
    );
    const mine = entryMessage(5, 'uid=a,dc=example,dc=org', [['cn', ['A']]]);
    const garbage = Buffer.from([0x04, 0x01, 0x41]);
    parser.read(Buffer.concat([mine, garbage]));
    stop?.();
    expect(diverted.map((b) => b.toString('hex'))).to.deep.equal([mine.toString('hex')]);
    expect(toLdapts.map((b) => b.toString('hex'))).to.deep.equal([garbage.toString('hex')]);
  });
});

describe('a page of entries set aside', () => {
  it('keeps copies of the entries, in order, wherever they arrived', () => {
    const arrived = new ArrivedEntries();
    const small = entryMessage(5, 'uid=a,dc=example,dc=org', [['cn', ['A']]]);
    const huge = entryMessage(5, 'uid=b,dc=example,dc=org', [['description', ['x'.repeat(70_000)]]]); // more than a 64 KB block
    const socketRead = Buffer.concat([small, huge, small]);
    arrived.add(socketRead, 0, small.length);
    arrived.add(socketRead, small.length, small.length + huge.length);
    for (let i = 0; i < 400; i++) arrived.add(socketRead, small.length + huge.length, socketRead.length); // past one block
    socketRead.fill(0); // the socket's buffer is reused: the page must not care
    const seen: string[] = [];
    arrived.forEach((bytes, start, end) => seen.push(decodeSearchEntry(bytes, start, end).dn));
    expect(arrived.count).to.equal(402);
    expect(seen.slice(0, 3)).to.deep.equal(['uid=a,dc=example,dc=org', 'uid=b,dc=example,dc=org', 'uid=a,dc=example,dc=org']);
    expect(new Set(seen.slice(2))).to.deep.equal(new Set(['uid=a,dc=example,dc=org']));
  });

  it('holds the next page in the same blocks once cleared', () => {
    const arrived = new ArrivedEntries();
    const first = entryMessage(5, 'uid=first,dc=example,dc=org', [['cn', ['x'.repeat(40_000)]]]);
    const second = entryMessage(6, 'uid=second,dc=example,dc=org', [['cn', ['y'.repeat(70_000)]]]); // needs a larger block
    arrived.add(first, 0, first.length);
    arrived.add(first, 0, first.length);
    arrived.clear();
    expect(arrived.count).to.equal(0);
    arrived.add(second, 0, second.length);
    arrived.add(first, 0, first.length);
    const seen: string[] = [];
    arrived.forEach((bytes, start, end) => seen.push(decodeSearchEntry(bytes, start, end).dn));
    expect(seen).to.deep.equal(['uid=second,dc=example,dc=org', 'uid=first,dc=example,dc=org']);
  });
});
