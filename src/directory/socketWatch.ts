// Notices at once when the directory connection drops. ldapts leaves a pending request waiting
// for its timeout in some cases of a cut connection; roster races every request against `lost`.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export class ConnectionLostError extends Error {
  constructor(reason: string) {
    super(`connection closed by the server or the network (${reason})`);
    this.name = 'ConnectionLostError';
  }
}

export class SocketWatch {
  readonly lost: Promise<never>;
  private markLost: (error: Error) => void = () => {};
  private expectedClose = false;
  private hasLost = false;
  private readonly sockets = new Set<Socket | TLSSocket>();

  constructor() {
    this.lost = new Promise<never>((_, reject) => {
      this.markLost = reject;
    });
    this.lost.catch(() => undefined); // only awaited during searches
  }

  /** For ldapts's createConnection option. */
  readonly createConnection = ((port: number, host: string) => this.watch(netConnect(port, host))) as unknown as typeof netConnect;

  /** For ldapts's createSecureConnection option (ldaps:// and the StartTLS upgrade). */
  readonly createSecureConnection = ((...args: Parameters<typeof tlsConnect>) => this.watch(tlsConnect(...args))) as typeof tlsConnect;

  get isLost(): boolean {
    return this.hasLost;
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
      this.markLost(new ConnectionLostError(reason));
    };
    socket.once('end', () => lose('the peer ended the connection'));
    socket.once('close', () => lose('socket closed'));
    socket.on('error', (error: NodeJS.ErrnoException) => lose(error.code ?? error.message));
    return socket;
  }
}
