// Runs one command the way a cron job would and measures it: wall time from spawn to exit, and
// the peak resident set size of the process.
//
// The environment is a scheduled job's (cron, a systemd timer, Task Scheduler): PATH, HOME and the
// locale, plus what the command is given, not the variables of the session running the bench. A
// session's can cost one client and not the other: Node.js 20 parses the file NODE_EXTRA_CA_CERTS
// names at every start, ~40 ms for a system CA bundle, which ldapsearch never reads. The bench
// prints what that costs on its machine (startupLine()).
//
// Peak RSS comes from GNU time (`/usr/bin/time -v`, Debian package `time`) when it is installed:
// it reads the kernel's own maximum (getrusage ru_maxrss) at exit. Without it, the child's
// /proc/<pid>/status VmHWM (the kernel's high-water mark, which only ever grows) is read every
// 5 ms; the last reading before exit is kept, which can miss at most the final few milliseconds.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

export type RssMethod = 'GNU time -v (ru_maxrss)' | '/proc/<pid>/status VmHWM, sampled every 5 ms';

export function rssMethod(): RssMethod {
  return existsSync(GNU_TIME) ? 'GNU time -v (ru_maxrss)' : '/proc/<pid>/status VmHWM, sampled every 5 ms';
}

export interface Measured {
  wallMs: number;
  peakRssKb: number;
  code: number | null;
  /** Captured stdout, unless it went to a file. */
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Write the command's stdout to this file instead of capturing it (ldapsearch's LDIF). */
  stdoutFile?: string;
  /** A scratch folder for GNU time's report. */
  scratchDir: string;
  timeoutMs?: number;
}

const running = new Set<ChildProcess>();

/**
 * Kills whatever measure() is running (the bench was interrupted), so nothing writes on into its
 * temp folder: the whole process group, since the command may run under GNU time.
 */
export function killRunning(): void {
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function measure(command: string, args: string[], options: RunOptions): Promise<Measured> {
  const useTime = rssMethod() === 'GNU time -v (ru_maxrss)';
  const timeReport = join(options.scratchDir, `time-${process.pid}-${Date.now()}.txt`);
  const [file, argv] = useTime ? [GNU_TIME, ['-v', '-o', timeReport, command, ...args]] : [command, args];
  const stdoutFd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'w');
  const started = process.hrtime.bigint();
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: { ...scheduledJobEnvironment(), ...options.env },
    stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
    // Its own process group, so killRunning() reaches the command under GNU time too.
    detached: true,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let sampledKb = 0;
  const sampler = useTime
    ? undefined
    : setInterval(() => {
        sampledKb = Math.max(sampledKb, readVmHwmKb(child.pid));
      }, 5);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
  // 'exit' ends the wall time; 'close' (pipes drained) comes a moment later.
  const closed = new Promise((resolve) => child.once('close', resolve));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  clearTimeout(timer);
  if (sampler) clearInterval(sampler);
  await closed;
  if (stdoutFd !== undefined) closeSync(stdoutFd);
  let peakRssKb = sampledKb;
  if (useTime) {
    const report = existsSync(timeReport) ? readFileSync(timeReport, 'utf8') : '';
    rmSync(timeReport, { force: true });
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
    peakRssKb = m ? Number(m[1]) : 0;
    // GNU time prints "Command exited with non-zero status N" into its report and exits with N itself.
  }
  return { wallMs, peakRssKb, code, stdout, stderr };
}

function readVmHwmKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // exited between two samples
  }
}

/** What a scheduled job starts with: PATH, HOME and the locale, from this process's environment. */
export function scheduledJobEnvironment(): NodeJS.ProcessEnv {
  const kept = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ'].filter((name) => process.env[name] !== undefined);
  return Object.fromEntries(kept.map((name) => [name, process.env[name]]));
}

/**
 * How long Node.js takes to start and exit (node -e 0, median of 15) as a scheduled job starts it,
 * and with this session's environment when that differs: the part of roster's time that is not
 * roster's.
 */
export function startupLine(): string {
  const startup = (env: NodeJS.ProcessEnv): number => {
    const times = Array.from({ length: 15 }, () => {
      const started = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', '0'], { env });
      return Number(process.hrtime.bigint() - started) / 1e6;
    });
    return median(times);
  };
  const scheduled = scheduledJobEnvironment();
  const extra = Object.keys(process.env).filter((name) => name.startsWith('NODE_') && scheduled[name] === undefined);
  let line = `Node.js start-up (node -e 0): ${startup(scheduled).toFixed(0)} ms with a scheduled job's environment (PATH, HOME, locale), as every run above`;
  if (extra.length > 0) {
    line += `; ${startup(process.env).toFixed(0)} ms with this session's (${extra.map((name) => `${name}=${process.env[name]}`).join(', ')})`;
  }
  return line;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "AMD EPYC 7B13, 2 cores, node v20.20.2, linux 6.1" */
export function machineLine(): string {
  const list = cpus();
  const model = list[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown CPU';
  let kernel = '';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    /* not Linux */
  }
  let memory = '';
  try {
    const m = /MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) memory = `, ${(Number(m[1]) / 1024 / 1024).toFixed(1)} GiB RAM`;
  } catch {
    /* not Linux */
  }
  return `${model}, ${list.length} cores${memory}, node ${process.version}, ${process.platform}${kernel ? ` ${kernel}` : ''}`;
}
