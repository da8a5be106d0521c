// What a scheduled roster run is, whatever the scheduler: the same `roster sync` command line
// with absolute paths (schedulers start jobs in another folder, with a minimal PATH), once a day.
import type { RosterConfig } from '../../config/types.js';

export interface ScheduledJob {
  /** Absolute path of the program running roster now: Node.js, or roster's single executable. */
  node: string;
  /** Absolute path of roster's script (dist/bin/roster.cjs); none for a single executable, which is the program. */
  cli: string | undefined;
  configFile: string;
  /** The config's folder: relative paths in config.json are resolved against it anyway. */
  workingDirectory: string;
  /** The log file the scheduled run appends to. */
  logFile: string;
  at: TimeOfDay;
  /** A run still going after this many hours is stopped (a hung server must not block the next day). */
  maxHours: number;
  /** The account the job runs as. */
  user: string;
  /** The environment variables config.json takes secrets from; they must reach the job. */
  secretVariables: string[];
  /**
   * Where the job reads those variables from: one file per variable, named after it, holding the
   * value as it is. A file needs no quoting, so a secret may hold any character (" $ ' spaces);
   * a NAME=value environment file read by sh or systemd does not survive them.
   */
  secretsDir: string;
  /** Every file and folder the job reads or writes (config, mapping, CSV, state, log, secrets, CA, roster itself). */
  paths: string[];
  /**
   * With directory.auth kerberos on Linux: the client keytab the job binds with, and whether
   * config.json names it (directory.kerberos.keytabFile) or the job must (KRB5_CLIENT_KTNAME).
   */
  keytab?: { path: string; inConfig: boolean };
}

export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** "06:30" → { hour: 6, minute: 30 }; undefined for anything that is not a 24-hour time. */
export function parseTimeOfDay(text: string): TimeOfDay | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (match === null) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}

export function formatTimeOfDay(at: TimeOfDay): string {
  return `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}`;
}

/**
 * roster's arguments after node and roster's executable (scriptArguments). `--secrets-dir` when config.json takes
 * secrets from variables, unless the scheduler hands them over itself (systemd's LoadCredential=).
 */
export function syncArguments(job: ScheduledJob, options: { secretsDir: boolean } = { secretsDir: true }): string[] {
  const secrets = options.secretsDir && job.secretVariables.length > 0 ? ['--secrets-dir', job.secretsDir] : [];
  return ['sync', '--config', job.configFile, '--log-file', job.logFile, ...secrets];
}

/** "ROSTER_BIND_PASSWORD and ROSTER_CLIENT_SECRET" */
export function secretFileNames(job: ScheduledJob): string {
  const names = job.secretVariables;
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/** The variables named by bindPasswordEnv and each target's clientSecretEnv, in config order. */
export function secretVariablesOf(config: RosterConfig): string[] {
  const sources = [config.directory?.bindPassword, ...config.ilobby.map((target) => target.clientSecret)];
  const names = sources.flatMap((source) => (source?.kind === 'env' ? [source.name] : []));
  return [...new Set(names)];
}

/** What the job runs roster's arguments after: node and roster's script, or nothing for a single executable. */
export function scriptArguments(job: ScheduledJob): string[] {
  return job.cli === undefined ? [] : [job.cli];
}
