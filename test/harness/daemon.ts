// Starting and stopping the real servers the integration tests talk to (samba, slapd).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

export interface Daemon {
  process: ChildProcess;
  /** Everything the daemon printed so far; shown when it fails to come up. */
  output(): string;
  stop(): Promise<void>;
}

export function startDaemon(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Daemon {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 64_000) output = output.slice(-32_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    process: child,
    output: () => output,
    stop: () => stopProcess(child),
  };
}

export function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resolves once something accepts TCP connections on host:port; rejects after `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs: number, daemon?: Daemon): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (daemon && daemon.process.exitCode !== null) {
      throw new Error(`daemon exited with ${daemon.process.exitCode} before listening on ${host}:${port}:\n${daemon.output()}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) {
      throw new Error(`nothing listened on ${host}:${port} within ${timeoutMs} ms${daemon ? `:\n${daemon.output()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A TCP port that was free a moment ago on `host`. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Integration suites need real servers. Locally a missing binary skips the suite with a reason;
 * under CI=true a skipped integration suite is a failure, so we throw instead.
 */
export function requireBinary(ctx: Mocha.Context, path: string, aptPackage: string): void {
  if (existsSync(path)) return;
  const message = `${path} is missing: apt-get install ${aptPackage}`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${message}`);
  console.warn(`skipping: ${message}`);
  ctx.skip();
}
