// rows → checks → file → service, for every iLobby target. A target that fails does not stop
// the others; the run's exit code is the first failing target's.
import { readFileSync } from 'node:fs';
import { dirname, extname, join, basename } from 'node:path';
import type { IlobbyTarget, RosterConfig } from '../config/types.js';
import { targetFileName } from '../config/parse.js';
import { columnChanges, evaluateGuards, firstPushWarning, NAMES_SHOWN } from '../safety/guards.js';
import { COLUMNS } from '../mapping/fields.js';
import { ConfigError, ExitCode, PushNotRecordedError, RosterError, SafetyRefusal } from '../platform/errors.js';
import { writeCsvFile } from './csv/csvFile.js';
import { reportFailure } from '../platform/log/failure.js';
import type { Logger } from '../platform/log/logger.js';
import type { RowList } from '../rowstore/rowStore.js';
import { pushBudget } from './api/budget.js';
import { fetchAccessToken } from './api/token.js';
import { uploadCsv } from './api/upload.js';
import { abandonPush, beginPush, settlePush } from '../platform/state/pending.js';
import { lastPushFile } from './state.js';
import { changeLines, targetChanges, type TargetChanges } from './preview.js';

export interface PushOptions {
  force: boolean;
  dryRun: boolean;
  /** --first-push: push even when a target has no earlier push to compare with. */
  firstPush: boolean;
  /** Told what each target's push changes (before the checks), e.g. for --diff-out. */
  onChanges?: (changes: TargetChanges) => void;
  /** Where --diff-out writes every change, for the hint of a refusal. */
  diffOut?: string;
}

export type TargetOutcome = 'uploaded' | 'dry-run' | 'refused' | 'failed';

export interface TargetResult {
  target: string;
  outcome: TargetOutcome;
  exitCode: ExitCode;
  csv: string;
  rows: number;
  /** No earlier push to compare with: the service disables whatever it holds that is not in this file. */
  firstPush: boolean;
  added: number;
  changed: number;
  disabled: number;
  /** The first people who would be disabled. */
  disabledExamples: string[];
  message: string;
  /** Why it was refused or failed, and what to try: for the report and the notifications. */
  reason?: string;
  hint?: string;
  serviceAnswer?: string;
  /** After an upload: whether it was recorded as the last push (false: exit 8). */
  recorded?: boolean;
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
  return join(dirname(path), `${basename(path, extname(path))}-${targetFileName(target.name)}${extension}`);
}

export async function pushToTargets(config: RosterConfig, rows: RowList, options: PushOptions, log: Logger): Promise<TargetResult[]> {
  const results: TargetResult[] = [];
  for (const target of targetsOf(config)) {
    results.push(await pushToTarget(config, target, rows, options, log));
  }
  return results;
}

/** iLobby's columns a change guard watches: every one but EMAIL, which identifies the person (a change of its case is no change). */
const GUARDED_COLUMNS = COLUMNS.filter((column) => column !== 'EMAIL');

async function pushToTarget(config: RosterConfig, target: IlobbyTarget, allRows: RowList, options: PushOptions, log: Logger): Promise<TargetResult> {
  const csv = csvFileFor(config, target);
  const result: TargetResult = {
    target: target.name,
    outcome: 'failed',
    exitCode: ExitCode.unexpected,
    csv,
    rows: 0,
    firstPush: false,
    added: 0,
    changed: 0,
    disabled: 0,
    disabledExamples: [],
    message: '',
  };
  let summary = ''; // the counts, once known
  let refusalPreview = ''; // what a refused push would have changed, for the result line
  try {
    // Inside the try: an unreadable last push fails this target, not the others.
    const { rows, preview: targetPreview } = targetChanges(config, target, allRows);
    const { changes, previousRows } = targetPreview;
    options.onChanges?.(targetPreview);
    if (targetPreview.unsettledPush !== undefined) {
      log.warn(`${target.name}: an earlier run's push was not recorded as settled; comparing with the file it sent, ${targetPreview.unsettledPush}`);
    }
    Object.assign(result, {
      rows: rows.length,
      firstPush: previousRows === undefined,
      added: changes.added.length,
      changed: changes.changed.length,
      disabled: changes.disabled.length,
      disabledExamples: changes.disabled.slice(0, NAMES_SHOWN).map((row) => row.EMAIL),
    });
    summary = `${rows.length} rows (${changes.added.length} added, ${changes.changed.length} changed, ${changes.disabled.length} to be disabled)`;
    if (previousRows !== undefined) refusalPreview = `\n${changeLines(changes, { disabledNamedAbove: true }).join('\n')}`;
    writeCsvFile(csv, rows, { bom: config.csv.bom });
    const verdict = evaluateGuards({
      rowCount: rows.length,
      previousCount: previousRows,
      safety: config.safety,
      force: options.force,
      firstPush: options.firstPush,
      disabled: { count: changes.disabled.length, examples: result.disabledExamples },
      changed:
        previousRows === undefined
          ? undefined
          : columnChanges(changes.changed, changes.changed.length + changes.unchanged, GUARDED_COLUMNS, (row) => row.EMAIL),
    });
    if (verdict.fatal !== undefined)
      throw new SafetyRefusal(`${target.name}: refused: ${verdict.fatal}`, {
        hint: 'Check the search bases and filter with "roster check"; --force does not push an empty roster.',
      });
    if (verdict.firstPushRefused) {
      throw new SafetyRefusal(
        `${target.name}: refused: this is the first push to ${target.name} from ${config.stateDir}: ${firstPushWarning('address-book entry')}`,
        {
          hint: `Look at ${csv}: it is what would be sent. If it is the whole address book, push it once by hand with --first-push ("roster sync --first-push"); later runs compare with that push.`,
        },
      );
    }
    if (!verdict.allowed) {
      throw new SafetyRefusal(`${target.name}: refused:\n  - ${verdict.thresholds.join('\n  - ')}`, {
        hint: `${options.diffOut === undefined ? 'For every change, run again with --dry-run --diff-out changes.csv' : `Every change is listed in ${options.diffOut}`}. If these changes are intended, run again with --force (or raise the limits under "safety").`,
      });
    }
    for (const threshold of verdict.thresholds) log.warn(`${target.name}: --force overrides: ${threshold}`);
    const preview =
      previousRows === undefined ? `\n  first push (--first-push): ${firstPushWarning('address-book entry')}` : `\n${changeLines(changes).join('\n')}`;
    if (previousRows === undefined) log.warn(`${target.name}: first push: ${firstPushWarning('address-book entry')}`);
    if (options.dryRun) {
      return { ...result, outcome: 'dry-run', exitCode: ExitCode.ok, message: `${target.name}: dry run, nothing sent: ${summary}${preview}` };
    }
    // One budget for the token and the upload: a stalled network cannot hold the run (and its lock).
    const budget = pushBudget(target);
    const token = await fetchAccessToken(target, log, budget);
    const lastPush = lastPushFile(config.stateDir, target.name);
    beginPush(target.name, lastPush, readFileSync(csv));
    let answer: Awaited<ReturnType<typeof uploadCsv>>;
    try {
      answer = await uploadCsv(target, csv, token, log, budget);
    } catch (error) {
      abandonPush(target.name, lastPush);
      throw error;
    }
    log.info(`${target.name}: service answered HTTP ${answer.status}: ${answer.answer}`);
    Object.assign(result, { outcome: 'uploaded', serviceAnswer: answer.answer });
    settlePush(target.name, lastPush); // a failure here is exit 8: pushed, but not recorded
    return { ...result, exitCode: ExitCode.ok, recorded: true, message: `${target.name}: uploaded ${summary}${preview}` };
  } catch (error) {
    if (!(error instanceof RosterError)) throw error;
    // Reported here, not thrown: the other targets still get their push. The log line says why;
    // the result line only says what was not sent, so a refusal is not printed twice.
    const failure = reportFailure(error, log, false);
    if (error instanceof PushNotRecordedError) {
      return {
        ...result,
        exitCode: failure.exitCode,
        recorded: false,
        message: `${target.name}: uploaded ${summary}, but not recorded as the last push (see above)`,
      };
    }
    const refused = error instanceof SafetyRefusal;
    const message = refused ? `${target.name}: refused, nothing sent${summary ? `: ${summary}${refusalPreview}` : ''}` : failure.message;
    return {
      ...result,
      outcome: refused ? 'refused' : 'failed',
      exitCode: failure.exitCode,
      message,
      reason: failure.message,
      ...(failure.hint === undefined ? {} : { hint: failure.hint }),
    };
  }
}

/** The run's exit code: the first failing target's, or 0. */
export function exitCodeOf(results: readonly TargetResult[]): ExitCode {
  return results.find((result) => result.exitCode !== ExitCode.ok)?.exitCode ?? ExitCode.ok;
}

/** Pushes to every target and tells the operator how each went; returns the run's exit code. */
export async function pushAndReport(
  command: string,
  config: RosterConfig,
  rows: RowList,
  options: PushOptions,
  log: Logger,
  report: Record<string, unknown>,
): Promise<ExitCode> {
  const targets = await pushToTargets(config, rows, options, log);
  report.targets = targets;
  const exitCode = exitCodeOf(targets);
  log.result(targets.map((t) => t.message).join('\n'), { command, exitCode, targets });
  return exitCode;
}
