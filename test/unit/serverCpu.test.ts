// The bench's reading of a server's CPU time (test/bench/serverCpu.ts): it must count the threads
// of the processes it is given, grow by the CPU they used, and say "unknown" rather than 0 for a
// process that is not there.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { serverCpuBetween, serverCpuSoFar } from '../bench/serverCpu.js';

describe("bench: a server's CPU time from schedstat", function () {
  before(function () {
    if (!existsSync('/proc/self/task')) this.skip(); // not Linux: the bench does not run there either
  });

  it('grows by the CPU time a process spends, counted over its threads', async () => {
    // A child that burns 300 ms of CPU on a second thread (a Worker), which then stays alive to
    // be read (a thread that has ended is no longer listed): a reading of the main thread alone
    // would see only Node's start-up.
    // CPU time, not wall time: on a busy machine 300 ms of wall time may hold less.
    const burn = `const start = process.cpuUsage(); const spent = () => { const u = process.cpuUsage(start); return (u.user + u.system) / 1000; };
      while (spent() < 300);
      require('node:worker_threads').parentPort.postMessage('burnt'); setTimeout(() => {}, 10_000);`;
    const child = spawn(process.execPath, [
      '-e',
      `
      const { Worker } = require('node:worker_threads');
      new Worker(${JSON.stringify(burn)}, { eval: true }).once('message', () => process.stdout.write('done'));
      setTimeout(() => {}, 10_000);`,
    ]);
    try {
      const pid = child.pid!;
      const before = serverCpuSoFar([pid]);
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      const during = serverCpuBetween(before, serverCpuSoFar([pid]));
      expect(during, 'schedstat readings').to.not.equal(undefined);
      expect(during!.runMs).to.be.within(250, 5_000);
      expect(during!.waitMs).to.be.at.least(0);
    } finally {
      child.kill();
    }
  });

  it('says nothing is known of processes that are gone, and of a missing reading', () => {
    expect(serverCpuSoFar([2 ** 22 + 12345])).to.equal(undefined); // above Linux's pid_max
    expect(serverCpuBetween(undefined, { runMs: 1, waitMs: 0 })).to.equal(undefined);
  });
});
