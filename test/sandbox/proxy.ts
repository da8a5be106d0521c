// A minimal HTTP forward proxy for HTTPS traffic: it answers `CONNECT host:port` by opening a TCP
// connection and piping both sockets, and records every tunnel, so a test can prove that roster
// went through HTTPS_PROXY. It only tunnels to loopback (127.0.0.0/8, or "localhost" which it
// dials as 127.0.0.1); anything else gets 403. Plain (non-CONNECT) proxy requests get 501.
// A silent proxy (`{ silent: true }`) answers CONNECT with 200 and then forwards nothing, ever:
// only a client's own deadline can end such a tunnel.
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxyTunnel {
  host: string;
  port: number;
}

export interface ConnectProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Tunnels opened, in order. */
  tunnels: ProxyTunnel[];
  /** CONNECT requests refused (non-loopback or malformed target), and plain proxy requests. */
  refused: { target: string; status: number }[];
  stop(): Promise<void>;
}

function parseTarget(target: string): ProxyTunnel | undefined {
  // host:port or [v6]:port
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(target);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2])!, port };
}

function loopbackAddress(host: string): string | undefined {
  if (host.toLowerCase() === 'localhost') return '127.0.0.1';
  if (net.isIPv4(host) && host.split('.')[0] === '127') return host;
  return undefined;
}

export interface ConnectProxyOptions {
  /** Answer CONNECT with 200, then swallow every byte and send none. */
  silent?: boolean;
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const tunnels: ProxyTunnel[] = [];
  const refused: { target: string; status: number }[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };

  const server = http.createServer((req, res) => {
    refused.push({ target: req.url ?? '', status: 501 });
    res.writeHead(501, { 'content-type': 'text/plain' });
    res.end('this proxy only supports CONNECT\n');
  });
  server.on('connection', track);

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    const parsed = parseTarget(target);
    const address = parsed ? loopbackAddress(parsed.host) : undefined;
    client.on('error', () => client.destroy());
    if (!parsed || !address) {
      const status = parsed ? 403 : 400;
      refused.push({ target, status });
      client.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Bad Request'}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    if (options.silent) {
      tunnels.push(parsed);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      client.resume(); // read and drop whatever the client sends (its TLS hello), answer nothing
      return;
    }
    const upstream = net.connect({ host: address, port: parsed.port });
    track(upstream);
    let established = false;
    upstream.on('connect', () => {
      established = true;
      tunnels.push(parsed);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (established) {
        client.destroy();
        return;
      }
      refused.push({ target, status: 502 });
      client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    // pipe() forwards each side's end; a side that goes away takes the other one with it.
    client.on('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    refused,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}
