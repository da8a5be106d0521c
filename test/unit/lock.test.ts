import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockHeldError } from '../../src/errors.js';
import { silentLogger } from '../../src/log/logger.js';
import { acquireLock } from '../../src/state/lock.js';

describe('the state folder lock', () => {
  it('lets one holder in and refuses a second with exit 7', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-lock-'));
    const lock = acquireLock(dir, silentLogger);
    let refused: unknown;
    try { acquireLock(dir, silentLogger); } catch (error) { refused = error; }
    expect(refused).to.be.instanceOf(LockHeldError);
    expect((refused as LockHeldError).exitCode).to.equal(7);
    lock.release();
    expect(existsSync(join(dir, 'roster.lock'))).to.equal(false);
    acquireLock(dir, silentLogger).release();
  });

  it('takes over a lock left by a process that no longer exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-lock-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, 'roster.lock'), JSON.stringify({ pid: Number(dead), host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const lock = acquireLock(dir, silentLogger);
    lock.release();
  });
});
