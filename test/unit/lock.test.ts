import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockHeldError } from '../../src/platform/errors.js';
import { silentLogger } from '../../src/platform/log/logger.js';
import { acquireLock } from '../../src/platform/state/lock.js';

describe('the state folder lock', () => {
  it('lets one holder in and refuses a second with exit 7', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-lock-'));
    const lock = acquireLock(dir, silentLogger);
    let refused: unknown;
    try {
      acquireLock(dir, silentLogger);
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(LockHeldError);
    expect((refused as LockHeldError).exitCode).to.equal(7);
    lock.release();
    expect(existsSync(join(dir, 'roster.lock'))).to.equal(false);
    acquireLock(dir, silentLogger).release();
  });

  it('takes over a lock left by a process that no longer exists, and removes it when done', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-lock-'));
    const file = join(dir, 'roster.lock');
    // A pid that was real a moment ago and has exited: what a crashed run leaves behind.
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    expect(dead).to.be.greaterThan(0);
    writeFileSync(file, JSON.stringify({ pid: dead, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const warnings: string[] = [];
    const lock = acquireLock(dir, {
      ...silentLogger,
      warn: (message) => {
        warnings.push(message);
      },
    });
    // The file now names this run, not the dead one.
    expect((JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid).to.equal(process.pid);
    expect(warnings).to.deep.equal([`taking over a stale lock ${file} left by pid ${dead} (no longer running)`]);
    lock.release();
    expect(existsSync(file)).to.equal(false);
  });
});
