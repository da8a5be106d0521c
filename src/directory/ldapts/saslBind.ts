// One step of a SASL bind (RFC 4513 5.2.2, RFC 4511 4.2) over an ldapts connection: roster's own
// BindRequest with binary credentials, and the server's credentials read from the bytes of its
// BindResponse, because ldapts decodes serverSaslCreds as a UTF-8 string, which corrupts a
// Kerberos token. The response is still handed to ldapts, which resolves the request with it.
import { MessageFramer, type OnMessage } from './entryDecoder.js';
import { SaslBindRequest, type LdaptsInternals } from './internals.js';

/** RFC 4511 resultCode 14: the server expects another step. */
export const SASL_BIND_IN_PROGRESS = 14;

export interface SaslStep {
  /** The LDAP resultCode: 0 success, 14 saslBindInProgress, anything else a refusal. */
  resultCode: number;
  diagnosticMessage: string;
  /** The server's serverSaslCreds, exactly as sent; undefined when it sent none. */
  serverCredentials: Buffer | undefined;
}

/** Sends one SASL BindRequest and waits for its response; `race` bounds the wait (the connection's watch). */
export async function saslBindStep(
  internals: LdaptsInternals,
  mechanism: string,
  credentials: Buffer | undefined,
  race: <T>(work: Promise<T>) => Promise<T>,
): Promise<SaslStep> {
  const request = new SaslBindRequest(internals.nextMessageId(), mechanism, credentials);
  let serverCredentials: Buffer | undefined;
  const stop = watchResponses(internals, (bytes, start, end) => {
    const found = bindResponseCredentials(bytes, start, end, request.messageId);
    if (found !== null) serverCredentials = found;
  });
  try {
    const response = await race(internals.sendBind(request));
    return { resultCode: response.status, diagnosticMessage: response.errorMessage, serverCredentials };
  } finally {
    stop();
  }
}

/** Shows every whole message from the server to `onMessage` before ldapts parses it, until stop() is called. */
function watchResponses(internals: LdaptsInternals, onMessage: OnMessage): () => void {
  const { parser } = internals;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be put back as it was; called with .call(parser)
  const ldaptsRead = parser.read;
  const framer = new MessageFramer();
  let bypass = false;
  parser.read = (data: Buffer, details: unknown) => {
    if (!bypass) {
      try {
        framer.split(Buffer.from(data), onMessage);
      } catch {
        // Not a stream of LDAP messages: ldapts reports it as it always has.
        bypass = true;
      }
    }
    ldaptsRead.call(parser, data, details);
  };
  return () => {
    parser.read = ldaptsRead;
  };
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIND_RESPONSE = 0x61; // [APPLICATION 1], constructed
const SERVER_SASL_CREDS = 0x87; // [7], primitive

/**
 * The serverSaslCreds of the BindResponse to `messageId` in bytes[start..end): the bytes, or
 * undefined when that response has none; null when the message is anything else. Pure.
 */
export function bindResponseCredentials(bytes: Buffer, start: number, end: number, messageId: number): Buffer | undefined | null {
  const walk = new BerWalk(bytes, start, end);
  const message = walk.element(SEQUENCE);
  if (message === null) return null;
  walk.at = message.start;
  const id = walk.element(INTEGER);
  if (id === null || id.end - id.start > 4) return null;
  if (bytes.readUIntBE(id.start, id.end - id.start) !== messageId) return null;
  walk.at = id.end;
  const response = walk.element(BIND_RESPONSE);
  if (response === null) return null;
  walk.at = response.start;
  walk.limit = response.end;
  // resultCode, matchedDN, diagnosticMessage, then an optional referral [3] and serverSaslCreds [7].
  while (walk.at < response.end) {
    const tag = bytes[walk.at];
    const element = walk.element(tag ?? 0);
    if (element === null) return null;
    if (tag === SERVER_SASL_CREDS) return Buffer.from(bytes.subarray(element.start, element.end));
    walk.at = element.end;
  }
  return undefined;
}

/** Steps over BER elements (definite lengths, as LDAP uses) within bytes[at..limit). */
class BerWalk {
  constructor(
    readonly bytes: Buffer,
    public at: number,
    public limit: number,
  ) {}

  /** The element at `at` if it has `tag`: where its content starts and ends; null otherwise or when malformed. */
  element(tag: number): { start: number; end: number } | null {
    const { bytes } = this;
    if (this.at + 2 > this.limit || bytes[this.at] !== tag) return null;
    let at = this.at + 1;
    let length = bytes[at++]!;
    if (length >= 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || at + count > this.limit) return null;
      length = bytes.readUIntBE(at, count);
      at += count;
    }
    return at + length > this.limit ? null : { start: at, end: at + length };
  }
}
