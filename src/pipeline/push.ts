// rows → checks → file → service, for every iLobby target. A target that fails does not stop
// the others; the run's exit code is the first failing target's.
import { dirname, extname, join, basename } from 'node:path';
import type { IlobbyTarget, RosterConfig } from '../config/types.js';
import { evaluateGuards, NAMES_SHOWN } from '../checks/guards.js';
import { ConfigError, ExitCode, RosterError, SafetyRefusal } from '../errors.js';
import { writeCsvFile } from '../file/csv.js';
import { reportFailure } from '../log/failure.js';
import type { Logger } from '../log/logger.js';
import type { RowList } from '../rows/rowStore.js';
import { pushBudget } from '../service/ilobby/budget.js';
import { fetchAccessToken } from '../service/ilobby/token.js';
import { uploadCsv } from '../service/ilobby/upload.js';
import { recordPush } from '../state/store.js';
import { changeLines, targetChanges, type TargetChanges } from './preview.js';

export interface PushOptions {
  force: boolean;
  dryRun: boolean;
  /** Told what each target's push changes (before the checks), e.g. for --diff-out. */
  onChanges?: (changes: TargetChanges) => void;
}

export type TargetOutcome = 'uploaded' | 'dry-run' | 'refused' | 'failed';

export interface TargetResult {
  target: string;
  outcome: TargetOutcome;
  exitCode: ExitCode;
  csv: string;
  rows: number;
  added: number;
  changed: number;
  disabled: number;
  /** The first people who would be disabled. */
  disabledExamples: string[];
  message: string;
  serviceAnswer?: string;
}

export function targetsOf(config: RosterConfig): IlobbyTarget[] {
  if (config.ilobby.length === 0) {
    throw new ConfigError(config.file, ['ilobby: is required to push (tokenUrl, uploadUrl, clientId, clientSecretEnv)']);
  }
  return config.ilobby;
}

/** The CSV file for a target: csv.path itself with one target, "<name>-<target>.csv" beside it with several. */
export function csvFileFor(config: RosterConfig, target: IlobbyTarget): string {
  if (config.ilobby.length <= 1) return config.csv.path;
  const path = config.csv.path;
  const extension = extname(path) || '.csv';
  return join(dirname(path), `${basename(path, extname(path))}-${target.name.replace(/[^A-Za-z0-9_.-]/g, '_')}${extension}`);
}

export async function pushToTargets(config: RosterConfig, rows: RowList, options: PushOptions, log: Logger): Promise<TargetResult[]> {
  const results: TargetResult[] = [];
  for (const target of targetsOf(config)) {
    results.push(await pushToTarget(config, target, rows, options, log));
  }
  return results;
}

async function pushToTarget(config: RosterConfig, target: IlobbyTarget, allRows: RowList, options: PushOptions, log: Logger): Promise<TargetResult> {
  const csv = csvFileFor(config, target);
  const result: TargetResult = {
    target: target.name, outcome: 'failed', exitCode: ExitCode.unexpected, csv, rows: 0,
    added: 0, changed: 0, disabled: 0, disabledExamples: [], message: '',
  };
  let preview = ''; // the counts with the first few EMAILs of each, once known
  try {
    // Inside the try: an unreadable last push fails this target, not the others.
    const { rows, preview: targetPreview } = targetChanges(config, target, allRows);
    const { changes } = targetPreview;
    options.onChanges?.(targetPreview);
    preview = `\n${changeLines(changes).join('\n')}`;
    Object.assign(result, {
      rows: rows.length,
      added: changes.added.length, changed: changes.changed.length, disabled: changes.disabled.length,
      disabledExamples: changes.disabled.slice(0, NAMES_SHOWN).map((row) => row.EMAIL),
    });
    writeCsvFile(csv, rows, { bom: config.csv.bom });
    const verdict = evaluateGuards({
      rowCount: rows.length, previousCount: targetPreview.previousRows, safety: config.safety, force: options.force,
      disabled: { count: changes.disabled.length, examples: result.disabledExamples },
    });
    if (verdict.fatal !== undefined) throw new SafetyRefusal(`${target.name}: refused: ${verdict.fatal}`, { hint: 'Check the search bases and filter with "roster check"; --force does not push an empty roster.' });
    if (!verdict.allowed) {
      throw new SafetyRefusal(`${target.name}: refused:\n  - ${verdict.thresholds.join('\n  - ')}`, {
        hint: `Look at ${csv}. If these changes are intended, run again with --force (or raise the limits under "safety").`,
      });
    }
    for (const threshold of verdict.thresholds) log.warn(`${target.name}: --force overrides: ${threshold}`);
    const summary = `${rows.length} rows (${changes.added.length} added, ${changes.changed.length} changed, ${changes.disabled.length} to be disabled)`;
    if (options.dryRun) {
      return { ...result, outcome: 'dry-run', exitCode: ExitCode.ok, message: `${target.name}: dry run, nothing sent: ${summary}${preview}` };
    }
    // One budget for the token and the upload: a stalled network cannot hold the run (and its lock).
    const budget = pushBudget(target);
    const token = await fetchAccessToken(target, log, budget);
    const answer = await uploadCsv(target, csv, token, log, budget);
    recordPush(config.stateDir, target.name, csv);
    log.info(`${target.name}: service answered HTTP ${answer.status}: ${answer.answer}`);
    return { ...result, outcome: 'uploaded', exitCode: ExitCode.ok, message: `${target.name}: uploaded ${summary}${preview}`, serviceAnswer: answer.answer };
  } catch (error) {
    if (!(error instanceof RosterError)) throw error;
    // Logged here, not thrown: the other targets still get their push.
    const exitCode = reportFailure(error, log, false);
    const refused = error instanceof SafetyRefusal;
    return { ...result, outcome: refused ? 'refused' : 'failed', exitCode, message: refused ? `${error.message}${preview}` : error.message };
  }
}

/** The run's exit code: the first failing target's, or 0. */
export function exitCodeOf(results: readonly TargetResult[]): ExitCode {
  return results.find((result) => result.exitCode !== ExitCode.ok)?.exitCode ?? ExitCode.ok;
}

/** Pushes to every target and tells the operator how each went; returns the run's exit code. */
export async function pushAndReport(
  command: string, config: RosterConfig, rows: RowList, options: PushOptions, log: Logger, report: Record<string, unknown>,
): Promise<ExitCode> {
  const targets = await pushToTargets(config, rows, options, log);
  report.targets = targets;
  const exitCode = exitCodeOf(targets);
  log.result(targets.map((t) => t.message).join('\n'), { command, exitCode, targets });
  return exitCode;
}
