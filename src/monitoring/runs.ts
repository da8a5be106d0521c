// What the run reports in <stateDir>/reports say about each target: every push attempt of
// `sync`, `upload` and `officevibe push`, oldest first. Read by `roster status` and by the
// notifications (was the previous run a failure?). Dry runs and previews are not push attempts.
import { OFFICEVIBE_TARGET } from '../officevibe/state.js';
import { readRunReports } from '../platform/state/reports.js';

/** How one push attempt to one target ended. */
export type RunResult = 'success' | 'refused' | 'failed';

export interface TargetRun {
  target: string;
  command: string;
  startedAt: string;
  finishedAt: string;
  result: RunResult;
  exitCode: number;
  rows?: number;
  added?: number;
  changed?: number;
  disabled?: number;
  /** No earlier push to compare with: how many it disables was unknown. */
  firstPush?: boolean;
  /** Why it was refused or failed. */
  error?: string;
  /** The report it comes from. */
  report: string;
}

const PUSH_COMMANDS = new Set(['sync', 'upload', 'officevibe-push']);
const EXIT_REFUSED = 4;

/**
 * The push attempts a report records, one per target. A run that failed before it reached the
 * targets (the directory could not be read) failed for every target in `ilobbyTargets`. Pure.
 */
export function targetRunsOf(report: Record<string, unknown>, file: string, ilobbyTargets: readonly string[]): TargetRun[] {
  const command = typeof report.command === 'string' ? report.command : '';
  const startedAt = typeof report.startedAt === 'string' ? report.startedAt : '';
  const exitCode = typeof report.exitCode === 'number' ? report.exitCode : undefined;
  if (!PUSH_COMMANDS.has(command) || startedAt === '' || exitCode === undefined || report.dryRun === true) return [];
  const finishedAt = typeof report.finishedAt === 'string' ? report.finishedAt : startedAt;
  const base = { command, startedAt, finishedAt, report: file };
  const runError = typeof report.error === 'string' ? report.error : undefined;
  if (command === 'officevibe-push') {
    if (report.outcome === 'dry-run') return [];
    return [
      {
        ...base,
        target: OFFICEVIBE_TARGET,
        exitCode,
        result: resultOf(exitCode, exitCode === 0 && report.outcome === 'pushed'),
        ...counts(report.users, report.added, report.changed, report.deactivated),
        ...(report.firstPush === true ? { firstPush: true } : {}),
        ...(runError === undefined ? {} : { error: runError }),
      },
    ];
  }
  const targets = Array.isArray(report.targets) ? (report.targets as Array<Record<string, unknown>>) : undefined;
  if (targets === undefined) {
    return ilobbyTargets.map((target) => ({
      ...base,
      target,
      exitCode,
      result: resultOf(exitCode, false),
      ...(runError === undefined ? {} : { error: runError }),
    }));
  }
  if (targets.some((t) => t.outcome === 'dry-run')) return [];
  return targets
    .filter((t) => typeof t.target === 'string')
    .map((t) => {
      const targetExit = typeof t.exitCode === 'number' ? t.exitCode : exitCode;
      const reason = typeof t.reason === 'string' ? t.reason : typeof t.message === 'string' && t.outcome !== 'uploaded' ? t.message : undefined;
      return {
        ...base,
        target: t.target as string,
        exitCode: targetExit,
        result: t.outcome === 'refused' ? 'refused' : resultOf(targetExit, t.outcome === 'uploaded'),
        ...counts(t.rows, t.added, t.changed, t.disabled),
        ...(t.firstPush === true ? { firstPush: true } : {}),
        ...(reason === undefined ? {} : { error: reason }),
      };
    });
}

/** Every push attempt the state folder records, oldest first. */
export function readTargetRuns(stateDir: string, ilobbyTargets: readonly string[]): TargetRun[] {
  return readRunReports(stateDir).flatMap(({ file, report }) => targetRunsOf(report, file, ilobbyTargets));
}

/**
 * A push is a success only when nothing went wrong with it: one the service reported problems with
 * (exit 9) or that roster could not record (exit 8, which may hide rejected rows too) reached the
 * service but needs someone to look, as its notification (failure) says.
 */
function resultOf(exitCode: number, pushed: boolean): RunResult {
  if (pushed && exitCode === 0) return 'success';
  return exitCode === EXIT_REFUSED ? 'refused' : 'failed';
}

function counts(rows: unknown, added: unknown, changed: unknown, disabled: unknown): Pick<TargetRun, 'rows' | 'added' | 'changed' | 'disabled'> {
  const entries = Object.entries({ rows, added, changed, disabled }).filter(([, value]) => typeof value === 'number');
  return Object.fromEntries(entries);
}
