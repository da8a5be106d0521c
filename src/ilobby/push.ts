// rows → checks → file → service → state, for every iLobby target. A target that fails does not
// stop the others; the run's exit code is the first failing target's. The bytes the checks judged
// are the bytes sent and recorded: the CSV file is a copy for people, never read back.
import { dirname, extname, join, basename } from 'node:path';
import type { IlobbyTarget, RosterConfig } from '../config/types.js';
import { firstPushWarning, NAMES_SHOWN, UNKNOWN_BEFORE_FIRST_PUSH } from '../safety/guards.js';
import { ConfigError, ExitCode, PushNotRecordedError, RosterError, SafetyRefusal } from '../platform/errors.js';
import { csvBytes, writeCsvFile } from './csv/csvFile.js';
import { reportFailure } from '../platform/log/failure.js';
import type { Logger } from '../platform/log/logger.js';
import type { RowList } from '../rowstore/rowStore.js';
import type { RejectedRow } from './api/answer.js';
import { refuseUnsafePush } from './checks.js';
import { sendAndRecord } from './send.js';
import { changeLines, planPush, unroutedEmptyText, type PushPlan, type TargetChanges } from './preview.js';

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
  /** People the push would disable; null for a first push, which cannot know. */
  disabled: number | null;
  /** The first people who would be disabled. */
  disabledExamples: string[];
  message: string;
  /** Why it was refused or failed, or what the service reported (exit 9), and what to try: for the report and the notifications. */
  reason?: string;
  hint?: string;
  serviceAnswer?: string;
  /** After an upload: whether it was recorded as the last push (false: exit 8). */
  recorded?: boolean;
  /** After an upload: rows the service rejected, those it named, and the people it says it disabled. */
  rejectedRows?: number;
  rejected?: RejectedRow[];
  serviceDisabled?: number;
  /** After an upload the service took only in part: the rows recorded as the last push. */
  recordedRows?: number;
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
  const targets = targetsOf(config);
  const plan = planPush(config, targets, rows);
  if (plan.sites.unroutedEmpty > 0) log.warn(unroutedEmptyText(plan.sites.unroutedEmpty));
  const results: TargetResult[] = [];
  for (const [index, target] of targets.entries()) {
    results.push(await pushToTarget(config, target, index, plan, options, log));
  }
  return results;
}

async function pushToTarget(
  config: RosterConfig,
  target: IlobbyTarget,
  index: number,
  plan: PushPlan,
  options: PushOptions,
  log: Logger,
): Promise<TargetResult> {
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
    const planned = plan.targets[index]!;
    // Here, not before the loop: an unreadable last push fails this target, not the others.
    if ('error' in planned) throw planned.error;
    const { rows, preview: targetPreview } = planned;
    const { changes, previousRows } = targetPreview;
    const firstPush = previousRows === undefined;
    options.onChanges?.(targetPreview);
    if (targetPreview.unsettledPush !== undefined) {
      log.warn(`${target.name}: an earlier run's push was not recorded as settled; comparing with the file it sent, ${targetPreview.unsettledPush}`);
    }
    if (targetPreview.baselineWarning !== undefined) log.warn(`${target.name}: ${targetPreview.baselineWarning}`);
    const unidentified = planned.last?.unidentifiedRejections ?? 0;
    if (unidentified > 0) {
      log.warn(
        `${target.name}: the service rejected ${unidentified} rows of the last push without naming them: the predictions below may be off by that many, and only "sites" says which SITE values are known`,
      );
    } else if (planned.last?.rejectionsUncounted) {
      log.warn(
        `${target.name}: the service reported rows it did not take in the last push without saying which or how many: the predictions below may be off, and only "sites" says which SITE values are known`,
      );
    }
    Object.assign(result, {
      rows: rows.length,
      firstPush,
      added: changes.added.length,
      changed: changes.changed.length,
      disabled: firstPush ? null : changes.disabled.length,
      disabledExamples: changes.disabled.slice(0, NAMES_SHOWN).map((row) => row.EMAIL),
    });
    summary = `${rows.length} rows (${changes.added.length} added, ${changes.changed.length} changed, ${firstPush ? `to be disabled: ${UNKNOWN_BEFORE_FIRST_PUSH}` : `${changes.disabled.length} to be disabled`})`;
    if (!firstPush) refusalPreview = `\n${changeLines(changes, { disabledNamedAbove: true }).join('\n')}`;
    // What the checks judge is what is sent and recorded; the file at csv.path is a copy to look at.
    const bytes = csvBytes(rows, { bom: config.csv.bom });
    writeCsvFile(csv, bytes, { bom: config.csv.bom });
    refuseUnsafePush(config, { target, index, csv, preview: targetPreview, sites: planned.sites, unrouted: plan.sites.unrouted }, options, log);
    const preview = firstPush ? `\n  first push (--first-push): ${firstPushWarning('address-book entry')}` : `\n${changeLines(changes).join('\n')}`;
    if (firstPush) log.warn(`${target.name}: first push: ${firstPushWarning('address-book entry')}`);
    if (options.dryRun) {
      return { ...result, outcome: 'dry-run', exitCode: ExitCode.ok, message: `${target.name}: dry run, nothing sent: ${summary}${preview}` };
    }
    const findings = await sendAndRecord(config, target, { rows, bytes, csv }, firstPush ? undefined : changes.disabled.length, log, (fields) =>
      Object.assign(result, fields),
    );
    if (findings.problems.length > 0) {
      return {
        ...result,
        exitCode: ExitCode.pushedWithProblems,
        recorded: true,
        message: `${target.name}: uploaded ${summary}, but the service reported problems (see above)${preview}`,
        reason: findings.problems.join('\n'),
        hint: findings.hints.join(' '),
      };
    }
    return { ...result, exitCode: ExitCode.ok, recorded: true, message: `${target.name}: uploaded ${summary}${preview}` };
  } catch (error) {
    if (!(error instanceof RosterError)) throw error;
    // Reported here, not thrown: the other targets still get their push. The log line says why;
    // the result line only says what was not sent, so a refusal is not printed twice.
    const failure = reportFailure(error, log, false);
    if (error instanceof PushNotRecordedError) {
      // What the service reported of this push (exit 9's problems) still needs saying after it.
      return {
        ...result,
        exitCode: failure.exitCode,
        recorded: false,
        message: `${target.name}: uploaded ${summary}, but not recorded as the last push (see above)`,
        reason: [failure.message, result.reason].filter((part) => part !== undefined).join('\n'),
        hint: [failure.hint, result.hint].filter((part) => part !== undefined).join(' '),
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
