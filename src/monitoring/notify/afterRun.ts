// The end of a pushing run: work out what it was (failure, refused, success, recovered) from its
// report and the earlier reports in the state folder, and tell the channels that asked for it.
import { hostname } from 'node:os';
import type { RosterConfig } from '../../config/types.js';
import type { Logger } from '../../platform/log/logger.js';
import { runReportFile } from '../../platform/state/reports.js';
import { readTargetRuns, targetRunsOf } from '../runs.js';
import { channelsFor, headline, runEvents } from './events.js';
import { noticeOf } from './message.js';
import { sendNotice, type ChannelResult } from './send.js';

/** What a run's notifications need from its config: roster's config.json, or the Officevibe tool's (no iLobby targets). */
export type NotifySettings = Pick<RosterConfig, 'file' | 'stateDir' | 'notify'> & { ilobby: readonly { name: string }[] };

/**
 * Sends what the run's report calls for; never throws. Returns what each channel did. `withinSeconds`
 * caps every channel's own timeout (a stopped run has little time left).
 */
export async function notifyRun(
  config: NotifySettings,
  report: Record<string, unknown> & { command: string; startedAt: string },
  logFile: string | undefined,
  log: Logger,
  withinSeconds?: number,
): Promise<ChannelResult[]> {
  try {
    const targetNames = config.ilobby.map((target) => target.name);
    // The report goes to the state folder only once the command has set it (see commands/run.ts).
    const reportFile = report.stateDir === undefined ? undefined : runReportFile(config.stateDir, report);
    const current = targetRunsOf(report, reportFile ?? '', targetNames);
    const earlier = readTargetRuns(config.stateDir, targetNames).filter((run) => run.startedAt < report.startedAt);
    const exitCode = typeof report.exitCode === 'number' ? report.exitCode : 1;
    const events = runEvents(exitCode, current, earlier);
    const channels = channelsFor(config.notify, events).map((channel) =>
      withinSeconds === undefined ? channel : { ...channel, timeoutSeconds: Math.min(channel.timeoutSeconds, withinSeconds) },
    );
    log.debug(`this run is ${[...events].join(' and ')}: ${channels.length} of ${config.notify.length} notification channels want to know`);
    if (channels.length === 0) return [];
    const notice = noticeOf(headline(events), report, {
      host: hostname(),
      configFile: config.file,
      ...(reportFile === undefined ? {} : { reportFile }),
      ...(logFile === undefined ? {} : { logFile }),
    });
    return await sendNotice(channels, notice, log);
  } catch (error) {
    log.warn(`could not send the notifications: ${(error as Error).message}`);
    return [];
  }
}
