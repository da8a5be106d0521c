// roster status: for each target, its last push attempt and its last successful push, judged
// against --max-age the way monitoring plugins report (Nagios, Icinga, Zabbix, PRTG). Pure: the
// command reads the state folder and hands the facts in.
import type { TargetRun } from '../runs.js';
import { formatDuration } from './duration.js';
import { UNKNOWN_BEFORE_FIRST_PUSH } from '../../safety/guards.js';

/** Nagios plugin convention, which Icinga and PRTG's EXE sensors read as well. */
export const STATUS_EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;
export type StatusLevel = keyof typeof STATUS_EXIT;

export interface TargetStatus {
  target: string;
  status: StatusLevel;
  summary: string;
  lastRun: Omit<TargetRun, 'target'> | null;
  lastSuccess: { at: string; ageSeconds: number } | null;
}

export interface StatusReport {
  status: StatusLevel;
  exitCode: number;
  summary: string;
  checkedAt: string;
  maxAgeSeconds: number;
  host: string;
  config: string;
  /** null when the config could not be read (status "unknown"). */
  stateDir: string | null;
  targets: TargetStatus[];
}

export interface TargetFacts {
  target: string;
  /** Its push attempts, oldest first. */
  runs: TargetRun[];
  /** When its last-push file was written, if it exists (a push whose report was lost still counts). */
  lastPushFileAt: Date | undefined;
}

/** Judges each target: critical when its last success is older than maxAge (or never happened). */
export function judge(
  facts: readonly TargetFacts[],
  now: Date,
  maxAgeSeconds: number,
  where: { host: string; config: string; stateDir: string },
): StatusReport {
  const targets = facts.map((fact) => targetStatus(fact, now, maxAgeSeconds));
  const worst =
    targets.length === 0 ? 'unknown' : targets.reduce<StatusLevel>((level, t) => (STATUS_EXIT[t.status] > STATUS_EXIT[level] ? t.status : level), 'ok');
  const summary =
    targets.length === 0
      ? `no target to check: config.json names no iLobby target and ${where.stateDir} holds no Officevibe push`
      : targets.map((t) => `${t.target}: ${t.summary}`).join('; ');
  return {
    status: worst,
    exitCode: STATUS_EXIT[worst],
    summary,
    checkedAt: now.toISOString(),
    maxAgeSeconds,
    ...where,
    targets,
  };
}

function targetStatus({ target, runs, lastPushFileAt }: TargetFacts, now: Date, maxAgeSeconds: number): TargetStatus {
  const last = runs.at(-1);
  const lastRun = last === undefined ? null : (({ target: _, ...run }) => run)(last);
  // The last-push file counts for a push whose report was lost, not for the run that wrote it and
  // was no success (the service rejected rows: exit 9).
  const fileAt = lastPushFileAt?.getTime();
  const writtenByUnsuccessfulRun =
    fileAt !== undefined && runs.some((run) => run.result !== 'success' && Date.parse(run.startedAt) <= fileAt && fileAt <= Date.parse(run.finishedAt));
  const successAt = [runs.filter((run) => run.result === 'success').at(-1)?.finishedAt, writtenByUnsuccessfulRun ? undefined : lastPushFileAt?.toISOString()]
    .filter((at): at is string => at !== undefined && !Number.isNaN(Date.parse(at)))
    .sort()
    .at(-1);
  const ageSeconds = successAt === undefined ? undefined : Math.max(0, (now.getTime() - Date.parse(successAt)) / 1000);
  const lastSuccess = successAt === undefined || ageSeconds === undefined ? null : { at: successAt, ageSeconds: Math.round(ageSeconds) };
  const lastRunText =
    last === undefined
      ? 'no run recorded'
      : `last run ${last.result}${last.result === 'success' ? '' : ` (exit ${last.exitCode})`} ${formatDuration((now.getTime() - Date.parse(last.finishedAt)) / 1000)} ago`;
  if (ageSeconds === undefined) return { target, status: 'critical', summary: `never pushed successfully; ${lastRunText}`, lastRun, lastSuccess };
  const successText = `last success ${formatDuration(ageSeconds)} ago`;
  if (ageSeconds > maxAgeSeconds) {
    return { target, status: 'critical', summary: `${successText}, older than ${formatDuration(maxAgeSeconds)}; ${lastRunText}`, lastRun, lastSuccess };
  }
  if (last !== undefined && last.result !== 'success')
    return { target, status: 'warning', summary: `${successText}, but ${lastRunText}`, lastRun, lastSuccess };
  return { target, status: 'ok', summary: successText, lastRun, lastSuccess };
}

/** The first line monitoring plugins show, then one line per target. */
export function statusText(report: StatusReport): string {
  const lines = [`ROSTER ${report.status.toUpperCase()} - ${report.summary}`];
  for (const t of report.targets) {
    const run = t.lastRun;
    lines.push(`${t.target}:`);
    lines.push(`  last success: ${t.lastSuccess === null ? 'never' : `${t.lastSuccess.at} (${formatDuration(t.lastSuccess.ageSeconds)} ago)`}`);
    if (run === null) lines.push('  last run:     none recorded');
    else {
      const fate = run.result === 'success' ? 'disabled' : 'to be disabled';
      const disabled = run.firstPush === true ? `${fate}: ${UNKNOWN_BEFORE_FIRST_PUSH}` : `${run.disabled ?? 0} ${fate}`;
      const counts = run.rows === undefined ? '' : `, ${run.rows} rows (${run.added ?? 0} added, ${run.changed ?? 0} changed, ${disabled})`;
      lines.push(`  last run:     ${run.finishedAt} ${run.command}: ${run.result}, exit ${run.exitCode}${counts}`);
      if (run.error !== undefined && run.result !== 'success') lines.push(`  why:          ${firstReason(run.error)}`);
      lines.push(`  report:       ${run.report}`);
    }
  }
  return lines.join('\n');
}

/** The first reason of a failure, without its "target: refused:" lead, on one line. */
function firstReason(error: string): string {
  const line = error
    .replace(/^[^:\n]+: refused:\s*/, '')
    .split('\n')[0]!
    .replace(/^-\s*/, '')
    .trim();
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}
