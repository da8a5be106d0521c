// One run at a time per state folder. The lock file holds the owner's pid and host; a lock
// whose process is gone (a crash, a killed task) is taken over instead of blocking forever.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockHeldError } from '../errors.js';
import type { Logger } from '../log/logger.js';

export interface Lock {
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export function acquireLock(stateDir: string, log: Logger): Lock {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, 'roster.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockOwner));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (owner !== undefined && isAlive(owner)) {
      throw new LockHeldError(`another roster run (pid ${owner.pid} on ${owner.host}, since ${owner.since}) holds the lock ${file}`, {
        hint: 'Wait for it to finish. If no roster is running, delete the lock file.',
      });
    }
    log.warn(`taking over a stale lock ${file}${owner ? ` left by pid ${owner.pid} (no longer running)` : ' (unreadable)'}`);
    rmSync(file, { force: true });
  }
  throw new LockHeldError(`could not take the lock ${file}: another run took it at the same moment`);
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, host: String(owner.host), since: String(owner.since) } : undefined;
  } catch {
    // A lock file being written this very moment reads as empty; treat it as held once.
    return { pid: -1, host: 'unknown', since: 'just now' };
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.pid === -1) return true;
  // A lock from another machine (a shared state folder) cannot be checked; respect it.
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `body` holding the state folder's lock, and releases it however `body` ends. */
export async function withLock<T>(stateDir: string, log: Logger, body: () => Promise<T>): Promise<T> {
  const lock = acquireLock(stateDir, log);
  try {
    return await body();
  } finally {
    lock.release();
  }
}
