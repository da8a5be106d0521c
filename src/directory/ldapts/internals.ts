// The ldapts internals roster relies on, in one place. roster's paged search sends its own
// SearchRequest messages (ldapts's searchPaginated() stops at an empty page that still carries a
// cookie), and its fast decoder reads search entries before ldapts's parser does. Its Kerberos
// bind sends its own SASL BindRequests: ldapts has no GSSAPI, writes SASL credentials as a UTF-8
// string (a Kerberos token is binary) and throws on saslBindInProgress instead of going on.
// All of it needs members ldapts does not export; package.json pins ldapts (~8.2) for them, and
// test/unit/ldaptsInternals.test.ts fails on an ldapts that no longer has them, so an upgrade is
// caught by `npm test`, not by a user's nightly run.
import { BindRequest, type BerWriter, type BindResponse, type Client, type SearchRequest, type SearchResponse } from 'ldapts';

export interface LdaptsInternals {
  /** Sends a request and resolves with its response (ldapts: Client#_send). */
  send(message: SearchRequest): Promise<SearchResponse>;
  /** Sends a bind request and resolves with its response, whatever its result code (ldapts: Client#_send). */
  sendBind(message: BindRequest): Promise<BindResponse>;
  /** Opens the connection (TCP, and TLS for ldaps://) without sending anything (ldapts: Client#_connect). */
  connect(): Promise<void>;
  /** The next message id (ldapts: Client#_nextMessageId). */
  nextMessageId(): number;
  /** The client's message parser: its socket 'data' handler calls read(data, details). */
  parser: { read(data: Buffer, details: unknown): void };
  /** What the parser's read() is given with each chunk. */
  parserDetails(): unknown;
}

interface ClientShape {
  _send?: (message: unknown) => Promise<unknown>;
  _connect?: () => Promise<void> | undefined;
  _nextMessageId?: () => number;
  messageParser?: { read?: (data: Buffer, details: unknown) => void };
  messageDetailsByMessageId?: unknown;
}

/** What roster needs of a connected client; throws, naming what is missing, on another ldapts. */
export function ldaptsInternals(client: Client): LdaptsInternals {
  const shape = client as unknown as ClientShape;
  const missing = [
    typeof shape._send === 'function' ? undefined : '_send()',
    typeof shape._connect === 'function' ? undefined : '_connect()',
    typeof shape._nextMessageId === 'function' ? undefined : '_nextMessageId()',
    typeof shape.messageParser?.read === 'function' ? undefined : 'messageParser.read()',
    'messageDetailsByMessageId' in shape ? undefined : 'messageDetailsByMessageId',
  ].filter((name): name is string => name !== undefined);
  const parser = shape.messageParser;
  if (missing.length > 0 || shape._send === undefined || shape._connect === undefined || shape._nextMessageId === undefined || parser?.read === undefined) {
    throw new Error(`this ldapts version lacks what roster's directory code uses (${missing.join(', ')}); install the version in package-lock.json`);
  }
  const { _send, _connect, _nextMessageId } = shape;
  return {
    send: (message) => _send.call(client, message) as Promise<SearchResponse>,
    sendBind: (message) => _send.call(client, message) as Promise<BindResponse>,
    connect: async () => {
      if (!client.isConnected) await _connect.call(client);
    },
    nextMessageId: () => _nextMessageId.call(client),
    parser: parser as LdaptsInternals['parser'],
    parserDetails: () => shape.messageDetailsByMessageId,
  };
}

const SASL_CREDENTIALS = 0xa3; // AuthenticationChoice sasl [3], constructed (RFC 4511 4.2)
const OCTET_STRING = 0x04;

/**
 * A SASL BindRequest whose credentials are bytes. ldapts's own BindRequest writes them with
 * writeString(), as UTF-8 text, which corrupts a Kerberos token; writeMessage() is the member
 * ldapts's Message calls to write a request's body.
 */
export class SaslBindRequest extends BindRequest {
  constructor(
    messageId: number,
    mechanism: string,
    private readonly credentials: Buffer | undefined,
  ) {
    super({ messageId, mechanism });
  }

  override writeMessage(writer: BerWriter): void {
    writer.writeInt(this.version);
    writer.writeString(this.dn);
    writer.startSequence(SASL_CREDENTIALS);
    writer.writeString(this.mechanism ?? '');
    if (this.credentials !== undefined) writer.writeBuffer(this.credentials, OCTET_STRING);
    writer.endSequence();
  }
}
