// Opens an ldaps:// connection whose bytes reach ldapts without Node's stream machinery.
// Node hands a TLS socket's bytes to JavaScript one TLS record at a time, and a directory server
// puts only an entry or a few in a record (Samba: ~1 KB records, ~3 entries each), so 10,000
// entries are thousands of reads. As a stream's 'data' events, each read is pushed into the
// stream's buffer, taken out again and followed by a scheduled read-ahead, and V8 then spends CPU
// time optimising that machinery, CPU the directory server on the same machine could have had.
// With `onread`, Node gives each read to one function instead, which emits the bytes as the same
// 'data' event ldapts listens for. 'end', 'close' and 'error' are unchanged.
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

/** Node's `onread` socket option (net.connect documents it; tls.connect takes it too, which @types/node does not say). */
interface OnRead {
  buffer: Uint8Array;
  callback(bytesRead: number, buffer: Uint8Array): boolean;
}

/** Larger than a TLS record's 16 KB of plain text, so a read always fits. */
const READ_BUFFER_BYTES = 64 * 1024;

/** The two ways ldapts calls tls.connect: (port, host, options) for ldaps://, (options) for StartTLS. */
export function connectTls(...args: [number, string, ConnectionOptions?] | [ConnectionOptions]): TLSSocket {
  const options: ConnectionOptions = args.length === 1 ? args[0] : { ...args[2], port: args[0], host: args[1] };
  // Over StartTLS the TLS socket wraps the plain one, and Node ignores onread there.
  if (options.socket !== undefined) return tlsConnect(options);
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const onread: OnRead = {
    buffer,
    callback: (bytesRead) => {
      // A copy: the buffer is used again for the next read, and ldapts keeps an incomplete message's bytes.
      const bytes = Buffer.from(buffer.subarray(0, bytesRead));
      // Nobody listening yet (ldapts adds its listener once connected): the stream keeps the bytes until then.
      if (socket.listenerCount('data') === 0) socket.push(bytes);
      else socket.emit('data', bytes);
      return true;
    },
  };
  const socket = tlsConnect({ ...options, onread } as ConnectionOptions);
  return socket;
}
