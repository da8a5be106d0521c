// A TCP proxy for fault injection: sits between roster and a real server and can cut the
// connection after N bytes from the server (with a reset or a clean close), or stall it.
import { createConnection, createServer, type Socket } from 'node:net';

export type Cut = 'reset' | 'close' | 'stall';

export interface FaultProxyOptions {
  targetHost: string;
  targetPort: number;
  /** After this many bytes from the server to the client, apply `cut`. Undefined: never. */
  cutAfterBytes?: number;
  cut?: Cut;
}

export interface FaultProxy {
  port: number;
  /** Bytes passed from server to client, per connection. */
  bytesToClient: number[];
  /** Milliseconds since the epoch when the cut happened, if it did. */
  cutAt: number | undefined;
  stop(): Promise<void>;
}

export function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const proxy: FaultProxy = { port: 0, bytesToClient: [], cutAt: undefined, stop: async () => {} };
  const server = createServer((client) => {
    const index = proxy.bytesToClient.push(0) - 1;
    const upstream = createConnection({ host: options.targetHost, port: options.targetPort });
    sockets.add(client);
    sockets.add(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      if (proxy.cutAt === undefined || options.cut !== 'stall') client.destroy();
    });
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      const sent = proxy.bytesToClient[index] ?? 0;
      const limit = options.cutAfterBytes;
      if (limit === undefined || sent + chunk.length <= limit) {
        proxy.bytesToClient[index] = sent + chunk.length;
        client.write(chunk);
        return;
      }
      const part = chunk.subarray(0, Math.max(0, limit - sent));
      proxy.bytesToClient[index] = sent + part.length;
      if (proxy.cutAt !== undefined) return;
      proxy.cutAt = Date.now();
      client.write(part, () => {
        if (options.cut === 'stall') {
          // Keep both sockets open and silent: only a timeout can notice this.
          upstream.pause();
          client.removeAllListeners('data');
          return;
        }
        upstream.destroy();
        if (options.cut === 'close') client.end();
        else client.resetAndDestroy();
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      proxy.port = typeof address === 'object' && address ? address.port : 0;
      proxy.stop = () =>
        new Promise((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        });
      resolve(proxy);
    });
  });
}
