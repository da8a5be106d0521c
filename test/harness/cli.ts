// Runs the built roster CLI as a user would: a child process, its exit code and its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The executable npm run build makes (dist/bin/roster.cjs, package.json's bin): what a user runs. */
export const CLI = fileURLToPath(new URL('../../bin/roster.cjs', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for "never appears anywhere" checks. */
  all: string;
}

/**
 * ROSTER_BIN names a single executable (dist/package/roster-<version>-linux-x64) to run instead,
 * as shipped: as `env -i` would, with no environment but what the test gives, so no Node.js on
 * PATH and nothing inherited. .ci/run runs the export and sync suites so.
 */
export const SHIPPED_BIN = process.env.ROSTER_BIN || undefined;

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Called with all the output so far whenever more arrives, e.g. to send a signal at a given point. */
  onOutput?: (all: string, child: ChildProcess) => void;
}

export function runRoster(args: string[], options: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(SHIPPED_BIN ?? process.execPath, SHIPPED_BIN ? args : [CLI, ...args], {
      cwd: options.cwd,
      env: SHIPPED_BIN ? { ...options.env } : { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onOutput?.(`${stdout}\n${stderr}`, child);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onOutput?.(`${stdout}\n${stderr}`, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, all: `${stdout}\n${stderr}` });
    });
  });
}

/** A fresh folder holding config.json (and any other files given), for one test. */
export function workspace(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'roster-test-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}
