// What a directory server's processes did while one client ran: CPU time, and time they were ready
// to run but waited for a CPU (the kernel's /proc/<pid>/task/<tid>/schedstat: nanoseconds on a
// CPU, nanoseconds waiting on a run queue, time slices). On a machine whose cores the server
// shares with the client, the wait is the client's doing: its threads held the cores the server
// needed. A thread that ends between two readings takes its figures with it (slapd's and Samba's
// threads and workers live as long as the server). Linux only, like the rest of the bench.
import { readdirSync, readFileSync } from 'node:fs';

export interface ServerCpu {
  /** Milliseconds on a CPU. */
  runMs: number;
  /** Milliseconds ready to run but waiting for a CPU. */
  waitMs: number;
}

/** The totals so far over every thread of `pids`; undefined when the kernel keeps no schedstat. */
export function serverCpuSoFar(pids: number[]): ServerCpu | undefined {
  let runNs = 0;
  let waitNs = 0;
  let read = false;
  for (const pid of pids) {
    let threads: string[];
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    } // gone
    for (const tid of threads) {
      let fields: string[];
      try {
        fields = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ');
      } catch {
        continue;
      }
      runNs += Number(fields[0]);
      waitNs += Number(fields[1]);
      read = true;
    }
  }
  return read ? { runMs: runNs / 1e6, waitMs: waitNs / 1e6 } : undefined;
}

/** What the server did between two readings; undefined if either is missing. */
export function serverCpuBetween(before: ServerCpu | undefined, after: ServerCpu | undefined): ServerCpu | undefined {
  if (before === undefined || after === undefined) return undefined;
  return { runMs: after.runMs - before.runMs, waitMs: after.waitMs - before.waitMs };
}
