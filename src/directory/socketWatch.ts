// Notices at once when the directory connection drops, and when it goes silent: ldapts leaves a
// pending request waiting for its timeout in some cases of a cut connection, and a connection that
// stops sending bytes (a firewall dropping packets, a hung server) would otherwise be noticed only
// by the whole-search timeout. roster races every request against `lost`.
import { connect as netConnect, type Socket } from 'node:net';
import { TLSSocket, type connect as tlsConnect } from 'node:tls';
import { errnoText } from '../platform/errors.js';
import { connectTls } from './tlsReads.js';

export class ConnectionLostError extends Error {
  constructor(reason: string) {
    super(`connection closed by the server or the network (${reason})`);
    this.name = 'ConnectionLostError';
  }
}

/** The connection sent nothing for `idleSeconds` while it was open (directory.idleTimeoutSeconds). */
export class ConnectionIdleError extends Error {
  constructor(readonly idleSeconds: number) {
    super(`the directory sent nothing for ${idleSeconds} s (directory.idleTimeoutSeconds)`);
    this.name = 'ConnectionIdleError';
  }
}

export class SocketWatch {
  private readonly lostController = new AbortController();
  /**
   * Aborted, with a ConnectionLostError as its reason, when the connection drops. A signal rather
   * than a forever-pending promise: Promise.race(request, lost) would add a reaction to `lost` per
   * request that is never removed and keeps every response (a whole page of entries) alive.
   */
  readonly lost: AbortSignal = this.lostController.signal;
  private readonly idleController = new AbortController();
  /**
   * Aborted, with a ConnectionIdleError, only when the connection went silent. Connecting and
   * binding race against this one rather than `lost`: a refused connection or a rejected
   * certificate must reach the caller as ldapts reports it, with its code.
   */
  readonly idle: AbortSignal = this.idleController.signal;
  private expectedClose = false;
  private hasLost = false;
  private readonly sockets = new Set<Socket | TLSSocket>();

  /** `idleSeconds`: no byte in either direction for this long ends the connection (ConnectionIdleError). */
  constructor(private readonly idleSeconds?: number) {}

  /** For ldapts's createConnection option. (The cast picks net.connect's (port, host) overload, the one ldapts calls.) */
  readonly createConnection = ((port: number, host: string) => this.watch(netConnect(port, host))) as typeof netConnect;

  /** For ldapts's createSecureConnection option (ldaps:// and the StartTLS upgrade). */
  readonly createSecureConnection = ((...args: Parameters<typeof connectTls>) => this.watch(connectTls(...args))) as typeof tlsConnect;

  get isLost(): boolean {
    return this.hasLost;
  }

  /** The certificate the server presented on this connection's TLS (DER), for channel binding. */
  peerCertificate(): Buffer | undefined {
    const tls = [...this.sockets].reverse().find((socket): socket is TLSSocket => socket instanceof TLSSocket);
    return tls?.getPeerCertificate().raw;
  }

  /** Call before unbinding, so our own close is not taken for a loss. */
  closing(): void {
    this.expectedClose = true;
  }

  /** Closes every socket of the connection, whatever state ldapts thinks it is in. */
  destroyAll(): void {
    // Newest first: a TLS socket before the plain socket under it (StartTLS). The other order
    // has crashed Node (SIGSEGV) in a StartTLS probe.
    for (const socket of [...this.sockets].reverse()) socket.destroy();
  }

  private watch<T extends Socket | TLSSocket>(socket: T): T {
    this.sockets.add(socket);
    const lose = (reason: string) => {
      if (this.expectedClose || this.hasLost) return;
      this.hasLost = true;
      this.lostController.abort(new ConnectionLostError(reason));
    };
    socket.once('end', () => lose('the peer ended the connection'));
    socket.once('close', () => lose('socket closed'));
    socket.on('error', (error: Error) => lose(errnoText(error)));
    if (this.idleSeconds !== undefined) {
      // Node's socket timeout: no read or write for this long. roster writes a request and then
      // waits, so in practice this is the time since the server last sent anything.
      socket.setTimeout(this.idleSeconds * 1000);
      socket.on('timeout', () => {
        if (this.expectedClose || this.hasLost) return;
        this.hasLost = true;
        const error = new ConnectionIdleError(this.idleSeconds ?? 0);
        this.idleController.abort(error);
        this.lostController.abort(error);
        // Closed now: ldapts would otherwise go on waiting, and an open socket keeps the process (and its lock) alive.
        this.destroyAll();
      });
    }
    return socket;
  }
}

/** `work`, or a rejection with the signal's reason as soon as the connection is lost; leaves nothing attached to the signal. */
export function unlessLost<T>(work: Promise<T>, lost: AbortSignal): Promise<T> {
  // watch() aborts `lost` with a ConnectionLostError or ConnectionIdleError.
  if (lost.aborted) return Promise.reject(lost.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onLost = () => reject(lost.reason as Error);
    lost.addEventListener('abort', onLost, { once: true });
    work.then(
      (value) => {
        lost.removeEventListener('abort', onLost);
        resolve(value);
      },
      (error: Error) => {
        lost.removeEventListener('abort', onLost);
        reject(error);
      },
    );
  });
}
