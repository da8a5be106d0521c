// A checked push sent and recorded: token, the pending record, the upload of the very bytes the
// checks judged, the service's answer read whole (accepted.ts), and the last push settled as what
// the service took of it (exit 8 when the state folder cannot take it).
import type { IlobbyTarget, RosterConfig } from '../config/types.js';
import { ExitCode } from '../platform/errors.js';
import type { Logger } from '../platform/log/logger.js';
import { abandonPush, beginPush, settlePush } from '../platform/state/pending.js';
import type { RowList } from '../rowstore/rowStore.js';
import type { RejectedRow } from './api/answer.js';
import { pushBudget } from './api/budget.js';
import { fetchAccessToken } from './api/token.js';
import { uploadCsv, type UploadResult } from './api/upload.js';
import { csvBytes } from './csv/csvFile.js';
import { serviceFindings, type ServiceFindings } from './accepted.js';
import { lastPushFile } from './state.js';

/** What the upload tells, for the run report. */
export interface UploadFields {
  outcome: 'uploaded';
  serviceAnswer: string;
  /** Rows the service rejected, those it named, and the people it says it disabled. */
  rejectedRows: number;
  rejected?: RejectedRow[];
  serviceDisabled?: number;
  /** When the service took only part of the file: the rows recorded as the last push. */
  recordedRows?: number;
  /** What the service reported (exit 9) and what to try, so that a push that then cannot be recorded (exit 8) still says it. */
  reason?: string;
  hint?: string;
}

/**
 * `predictedDisabled`: undefined for a first push. `onAnswer` is told what the upload did as soon as
 * the answer is read, so that a push that cannot be recorded (exit 8) still reports it.
 */
export async function sendAndRecord(
  config: RosterConfig,
  target: IlobbyTarget,
  push: { rows: RowList; bytes: Uint8Array; csv: string },
  predictedDisabled: number | undefined,
  log: Logger,
  onAnswer: (fields: UploadFields) => void,
): Promise<ServiceFindings> {
  // One budget for the token and the upload: a stalled network cannot hold the run (and its lock).
  const budget = pushBudget(target);
  const token = await fetchAccessToken(target, log, budget);
  const lastPush = lastPushFile(config.stateDir, target.name);
  beginPush(target.name, lastPush, { bytes: push.bytes, rows: push.rows.length });
  let answer: UploadResult;
  try {
    answer = await uploadCsv(target, { bytes: push.bytes, file: push.csv }, token, log, budget);
  } catch (error) {
    abandonPush(target.name, lastPush);
    throw error;
  }
  log.info(`${target.name}: service answered HTTP ${answer.status}: ${answer.answer}`);
  const findings = serviceFindings(target.name, push, answer.reading, predictedDisabled);
  for (const note of findings.notes) log.warn(note);
  if (findings.problems.length > 0) {
    log.error(`${findings.problems.join('\n')}\n  what to try: ${findings.hints.join(' ')}`, {
      exitCode: ExitCode.pushedWithProblems,
      kind: 'serviceReportedProblems',
    });
  }
  const accepted = findings.accepted;
  onAnswer({
    outcome: 'uploaded',
    serviceAnswer: answer.answer,
    rejectedRows: findings.rejectedCount,
    ...(findings.rejected.length > 0 ? { rejected: findings.rejected } : {}),
    ...(findings.serviceDisabled === undefined ? {} : { serviceDisabled: findings.serviceDisabled }),
    ...(accepted === undefined ? {} : { recordedRows: accepted.rows.length }),
    ...(findings.problems.length === 0 ? {} : { reason: findings.problems.join('\n'), hint: findings.hints.join(' ') }),
  });
  // The service's account of what it took is the baseline: the next run's predictions match it.
  settlePush(
    target.name,
    lastPush,
    accepted === undefined
      ? undefined
      : {
          bytes: csvBytes(accepted.rows, { bom: config.csv.bom }),
          rows: accepted.rows.length,
          unidentifiedRejections: accepted.unidentifiedRejections,
          ...(accepted.uncounted ? { rejectionsUncounted: true as const } : {}),
        },
  );
  return findings;
}
